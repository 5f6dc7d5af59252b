"""The project copied for a test; a production-named stack of Bank A (`bank-a-prod`) with the emulator on port 0."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from cac_director.director import runtime
from cac_director.emulator import Emulator, EmulatorConfig
from tests.conftest import REPO_ROOT, PulumiCLI

TOKEN = "e2e-policy-token-4b81f0"
INSTANCE = "fleets/bank-a/prod/instance.yaml"


def copy_project(tmp_path: Path) -> Path:
    """The Pulumi project (program, fleets/) in ``tmp_path/project``, using this checkout's .venv."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(REPO_ROOT / "__main__.py", project)
    shutil.copytree(REPO_ROOT / "fleets", project / "fleets")
    settings = (REPO_ROOT / "Pulumi.yaml").read_text()
    (project / "Pulumi.yaml").write_text(settings.replace("virtualenv: .venv", f"virtualenv: {REPO_ROOT / '.venv'}"))
    return project


@pytest.fixture
def prod_stack(tmp_path: Path, pulumi_cli_factory) -> Iterator[PulumiCLI]:
    project = copy_project(tmp_path)
    cfg = EmulatorConfig.from_fleet_files([project / "fleets" / "bank-a" / "fleet.yaml"], token=TOKEN)
    with Emulator.start(cfg, host="127.0.0.1", port=0) as emu:
        cli: PulumiCLI = pulumi_cli_factory(project)
        cli.env["DIRECTOR_TOKEN"] = TOKEN
        cli.run("stack", "init", "bank-a-prod", "--secrets-provider", "passphrase")
        cli.run("config", "set", "cac-director:instance", INSTANCE)
        cli.run("config", "set", "cac-director:directorUrl", emu.url)
        yield cli
    runtime.reset()
