"""Stacks written by an earlier version keep working: no change to plan, nothing written to the Director.

Each baseline in tests/e2e/fixtures/ is what an earlier version really recorded (tests/e2e/fixtures/
make_stack_fixture.py, see its ORIGIN file): the stack's config file, its `pulumi stack export` and the
emulator's state file after `pulumi up`. The test imports the export into a fresh file backend, starts the
emulator from the saved state, and plans with today's code. A renamed provider module or class, a changed
type token or a change of what a resource records shows up here as a diff, a replace or a failed read.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cac_director.director import runtime
from cac_director.emulator import Emulator, EmulatorConfig
from tests.conftest import PulumiCLI
from tests.e2e.conftest import copy_project

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TOKEN = "fixture-director-token-3c9e51"  # the baselines hold it only as a Pulumi secret
PASSPHRASE = "cac-director-fixture-passphrase"
STACK = "staging"


def _recorded_url(export: dict[str, object]) -> str:
    deployment = export["deployment"]
    assert isinstance(deployment, dict)
    urls = {
        res["inputs"]["cac-director:directorUrl"]
        for res in deployment["resources"]
        if res["type"] == "pulumi:providers:pulumi-python"
    }
    assert len(urls) == 1, urls
    return str(urls.pop())


@pytest.mark.parametrize("baseline", ["stack-0.2"])
def test_a_stack_written_before_plans_no_change(baseline: str, tmp_path: Path, pulumi_cli_factory) -> None:
    fixture = FIXTURES / baseline
    exported_text = (fixture / "stack.json").read_text()
    assert TOKEN not in exported_text and TOKEN not in (fixture / f"Pulumi.{STACK}.yaml").read_text()
    assert TOKEN not in (fixture / "emulator.json").read_text()

    project = copy_project(tmp_path)
    shutil.copy(fixture / f"Pulumi.{STACK}.yaml", project)
    # The configuration as it was when the baseline was written: objects the demo declares since are new
    # creates, not a change the old state would have to survive.
    shutil.copy(fixture / "instance.yaml", project / "fleets" / "bank-a" / "staging" / "instance.yaml")
    state_file = tmp_path / "emulator.json"
    shutil.copy(fixture / "emulator.json", state_file)
    cfg = EmulatorConfig.from_fleet_files(
        [project / "fleets" / "bank-a" / "fleet.yaml"], token=TOKEN, state_file=state_file
    )
    with Emulator.start(cfg, host="127.0.0.1", port=0) as emu:
        cli: PulumiCLI = pulumi_cli_factory(project)
        cli.env["PULUMI_CONFIG_PASSPHRASE"] = PASSPHRASE
        cli.env.pop("DIRECTOR_TOKEN", None)
        # The emulator listens on another port than when the baseline was written: the one value swapped in.
        recorded = _recorded_url(json.loads(exported_text))
        imported = tmp_path / "stack.json"
        imported.write_text(exported_text.replace(recorded, emu.url))
        cli.run("stack", "init", STACK, "--secrets-provider", "passphrase")
        cli.run("stack", "import", "--file", str(imported))
        cli.run("config", "set", "cac-director:directorUrl", emu.url)
        emu.reset_request_log()

        # `refresh: always`: the preview reads every object back through today's providers, then plans. Types
        # added since the baseline (the demo uses each) may only be created; every recorded Director object stays
        # the same. The explicit providers gain the `cac-director:stack` input (token rotation, CHANGELOG 0.3):
        # their own resources update, which touches no Director object.
        recorded_tokens = {res["type"] for res in json.loads(exported_text)["deployment"]["resources"]}
        steps = json.loads(cli.run("preview", "--json").stdout).get("steps", [])
        changes = [
            (step["op"], step["urn"])
            for step in steps
            if step["op"] not in ("same", "refresh")
            and not (step["op"] == "create" and step["urn"].split("::")[-2] not in recorded_tokens)
            and not (step["op"] == "update" and step["urn"].split("::")[-2] == "pulumi:providers:pulumi-python")
        ]
        assert not changes, changes
        cli.run("refresh", "--yes", "--skip-preview", "--expect-no-changes")
        # Reads only (alert rules are listed through a fetch order, a POST that writes nothing).
        writes = [call for call in emu.request_counts() if not call.startswith("GET") and not call.endswith("/fetch")]
        assert not writes, writes
        after = json.loads(cli.run("stack", "export").stdout)["deployment"]["resources"]
        recorded_types = sorted(res["type"] for res in json.loads(exported_text)["deployment"]["resources"])
        assert sorted(res["type"] for res in after) == recorded_types
    runtime.reset()
