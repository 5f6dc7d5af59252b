"""The pre-flight names every YAML reference to an object the node must already have and does not (read-only)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cac_director.config import load_instance
from cac_director.director import ClientSettings, runtime
from cac_director.emulator import Emulator, EmulatorConfig
from cac_director.pulumi_provider.preflight import missing_node_references
from tests.conftest import REPO_ROOT

TOKEN = "preflight-test-token-41c9"
PROD = "fleets/bank-a/prod/instance.yaml"


@pytest.fixture(scope="module")
def emu() -> Iterator[Any]:
    cfg = EmulatorConfig.from_fleet_files([REPO_ROOT / "fleets/bank-a/fleet.yaml"], token=TOKEN)
    with Emulator.start(cfg, host="127.0.0.1", port=0) as emulator:
        yield emulator
    runtime.reset()


def _problems(emu: Any, instance: Path) -> list[str]:
    runtime.reset()
    resolved = load_instance(instance)
    return missing_node_references(
        ClientSettings(url=emu.url, token=TOKEN, pool_uuid=resolved.fleet.pool_uuid), resolved
    )


def test_the_demo_names_only_collectors_the_nodes_have(emu: Any) -> None:
    assert _problems(emu, REPO_ROOT / PROD) == []
    assert emu.request_counts() and not [c for c in emu.request_counts() if c.split()[0] != "GET"]


def test_an_unknown_distributed_collector_names_the_file_line_and_path(emu: Any, tmp_path: Path) -> None:
    shutil.copytree(REPO_ROOT / "fleets", tmp_path / "fleets")
    instance = tmp_path / PROD
    instance.write_text(
        instance.read_text().replace("distributed_collector: [dc-hq-01]", "distributed_collector: [dc-moon]")
    )
    assert _problems(emu, instance) == [
        f"{instance}:31: devices[fw-edge-01].distributed_collector[0]: DistributedCollectors "
        f"'dc-moon' does not exist on node {node}; install or create it on that node first, or fix the name"
        for node in ("dn-prod-01", "dn-prod-02")
    ]


def test_an_owner_managed_on_other_nodes_only_is_still_missing_on_the_search_head(emu: Any, tmp_path: Path) -> None:
    # Users live on data nodes and AIOs: a stack's user counts as present only where the same node declares it
    # (Bank B's AIO, tests/e2e/test_same_stack_owner.py); the search head would never get this one.
    shutil.copytree(REPO_ROOT / "fleets", tmp_path / "fleets")
    instance = tmp_path / PROD
    rule = "    - searchname: soc-firewall-deny-burst\n"
    text = instance.read_text().replace(rule, rule + "      owner: soc-lead\n")
    text += (
        "  users:\n    - {username: soc-lead, password_from: soc-lead, firstname: SOC, lastname: Lead, "
        "email: lead@bank-a.example, usergroup: [ug-banka-soc]}\n"
    )
    instance.write_text(text)
    assert _problems(emu, instance) == [
        f"{instance}:62: alertRules[soc-firewall-deny-burst].owner: Users 'soc-lead' does not exist on node "
        "sh-prod-01; install or create it on that node first, or fix the name"
    ]


def test_an_unknown_user_timezone_names_the_file_line_and_path(emu: Any, tmp_path: Path) -> None:
    shutil.copytree(REPO_ROOT / "fleets", tmp_path / "fleets")
    instance = tmp_path / PROD
    lines = instance.read_text().splitlines()
    lines += [
        "  users:",
        "    - {username: soc-lead, password_from: soc-lead, firstname: SOC, lastname: Lead,",
        "       email: lead@bank-a.example, usergroup: [ug-banka-soc], timezone: Mars/Olympus}",
    ]
    instance.write_text("\n".join(lines) + "\n")
    assert _problems(emu, instance) == [
        f"{instance}:{len(lines)}: users[soc-lead].timezone: Timezone 'Mars/Olympus' does not exist on node {node}; "
        "install or create it on that node first, or fix the name"
        for node in ("dn-prod-01", "dn-prod-02")
    ]
