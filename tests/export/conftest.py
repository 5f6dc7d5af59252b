"""Export tests: an in-process emulator with Bank A's nodes, populated over HTTP through the client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cac_director.config import ResolvedInstance, load_instance
from cac_director.conventions import REGISTRY
from cac_director.director import ClientSettings, NodeResolver, mapping, node_client, runtime
from cac_director.emulator import Emulator, EmulatorConfig
from tests.conftest import REPO_ROOT

TOKEN = "export-test-token-5be1c0d7"
FLEET = REPO_ROOT / "fleets" / "bank-a" / "fleet.yaml"
STAGING = REPO_ROOT / "fleets" / "bank-a" / "staging" / "instance.yaml"
PROD = REPO_ROOT / "fleets" / "bank-a" / "prod" / "instance.yaml"


@pytest.fixture(scope="module")
def emu_module() -> Iterator[Any]:
    cfg = EmulatorConfig.from_fleet_files([FLEET], token=TOKEN)
    with Emulator.start(cfg, host="127.0.0.1", port=0) as emulator:
        yield emulator


@pytest.fixture
def emu(emu_module: Any) -> Iterator[Any]:
    emu_module.reset()
    emu_module.reset_request_log()
    # Exports equal the configuration only where the Director returns every field (docs/emulator.md).
    emu_module.set_runtime_config(returns_compiled_normalizer=True)
    runtime.reset()
    yield emu_module
    runtime.reset()


def settings_for(emu: Any, pool: str) -> ClientSettings:
    return ClientSettings(url=emu.url, token=TOKEN, pool_uuid=pool)


def populate(emu: Any, instance: Path) -> ResolvedInstance:
    """Create every resolved resource of ``instance`` on its nodes, through the client (as an operator's
    console clicks would leave them: the export must not know how they got there)."""
    resolved = load_instance(instance)
    settings = settings_for(emu, resolved.fleet.pool_uuid)
    for node in resolved.nodes.values():
        client = node_client(settings, node.logpoint_id, node.name, resolved.fleet.pool_uuid)
        resolver = NodeResolver(client)
        # A node's settings first, as the program orders them (an alert-rule delay needs timestamp_on: log_ts).
        for conv in sorted(REGISTRY, key=lambda conv: conv.singleton is None):
            for obj in node.sections.get(conv.yaml_section, []):
                name = str(obj[conv.name_key])
                # Secrets come from the stack config, never from YAML (docs/secrets.md): any value will do here.
                secrets = {secret.field: f"pw-{name}" for secret in conv.secret_inputs}
                obj_id, _ = client.create(conv, mapping.to_wire(conv, {**obj, **secrets}, resolver), name=name)
                resolver.seed(conv.yaml_section, name, obj_id)
    runtime.reset()
    return resolved
