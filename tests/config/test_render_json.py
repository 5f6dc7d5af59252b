"""``cac-director render --json``: the configuration as ``--format json``; mistakes as JSON on stdout too."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from tests.config.test_demo_and_cli import DEMO_INSTANCES, REPO, _app


def test_json_flag_is_format_json() -> None:
    instance = str(DEMO_INSTANCES["bank-a-prod"])
    flag = CliRunner().invoke(_app(), ["render", instance, "--json"])
    option = CliRunner().invoke(_app(), ["render", instance, "--format", "json"])
    assert flag.exit_code == option.exit_code == 0
    assert json.loads(flag.stdout) == json.loads(option.stdout)


def test_invalid_configuration_and_unknown_node_report_as_json(tmp_path: Path) -> None:
    shutil.copytree(REPO / "fleets", tmp_path / "fleets")
    instance = tmp_path / "fleets" / "bank-a" / "prod" / "instance.yaml"
    unknown = CliRunner().invoke(_app(), ["render", str(instance), "--json", "--node", "nope"])
    assert unknown.exit_code == 3 and "nope" in json.loads(unknown.stdout)["error"]
    instance.write_text(instance.read_text().replace("hotDays: 45", "hotDays: 45\n  colour: blue", 1))
    invalid = CliRunner().invoke(_app(), ["render", str(instance), "--json"])
    assert invalid.exit_code == 2
    report = json.loads(invalid.stdout)
    assert report["valid"] is False and report["issues"] and report["issues"][0]["severity"] == "error"
