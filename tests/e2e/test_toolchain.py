"""The Pulumi toolchain end to end: CLI, language host, dynamic-provider shim, by-reference pickling, state."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, PulumiCLI

pytestmark = pytest.mark.e2e


@pytest.fixture
def toolchain_project(tmp_path: Path) -> Path:
    project = tmp_path / "toolchain"
    shutil.copytree(REPO_ROOT / "tests" / "e2e" / "projects" / "toolchain", project)
    # The copied Pulumi.yaml must point at the repository's virtualenv from its new place.
    text = (project / "Pulumi.yaml").read_text().replace("../../../../.venv", str(REPO_ROOT / ".venv"))
    (project / "Pulumi.yaml").write_text(text)
    return project


def test_up_preview_refresh_destroy_with_a_packaged_dynamic_provider(toolchain_project: Path, pulumi_cli_factory):
    cli: PulumiCLI = pulumi_cli_factory(toolchain_project)
    cli.run("stack", "init", "dev", "--secrets-provider", "passphrase")
    cli.run("config", "set", "message", "hello director")

    cli.run("up", "--yes")
    outputs = json.loads(cli.run("stack", "output", "--json").stdout)
    # The digest is computed inside the provider process, so this proves the provider code ran there.
    assert outputs["digest"] == hashlib.sha256(b"hello director").hexdigest()

    cli.run("preview", "--expect-no-changes")
    cli.run("refresh", "--yes", "--expect-no-changes")

    state = json.loads(cli.run("stack", "export").stdout)
    probe = next(r for r in state["deployment"]["resources"] if r["type"].endswith("ToolchainProbe"))
    assert probe["type"] == "pulumi-python:dynamic/cacdirector:ToolchainProbe"
    # Pickled by reference from the installed package: a short string, not the class's code.
    assert len(probe["inputs"]["__provider"]) < 200

    cli.run("config", "set", "message", "changed")
    changed = cli.run("preview", "--diff")
    assert "~ message" in changed.stdout or "message:" in changed.stdout

    cli.run("destroy", "--yes")
    after = json.loads(cli.run("stack", "export").stdout)
    assert not [r for r in after["deployment"].get("resources") or [] if r["type"].endswith("ToolchainProbe")]
