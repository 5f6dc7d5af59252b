"""``cac-director export --json``: the report CI reads, on stdout, for success and for mistakes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from cac_director.cli import _register_all, app
from tests.export.conftest import FLEET, STAGING, TOKEN, populate

_register_all()


def _run(emu: Any, *args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(
        app,
        ["export", "--fleet", str(FLEET), "--director-url", emu.url, "--json", *args],
        env={"DIRECTOR_TOKEN": TOKEN, **(env or {})},
    )


def test_json_report_lists_files_counts_and_instances(emu: Any, tmp_path: Path) -> None:
    populate(emu, STAGING)
    result = _run(emu, "--node", "dn-stg-01", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["exit_code"] == 0 and report["fleet"] == "bank-a"
    assert all((tmp_path / path).is_file() for path in report["files"])
    [node] = report["nodes"]
    assert node["node"] == "dn-stg-01" and node["sections"]["repos"]["exported"] > 0
    assert report["instances"] and report["issues"] == []
    assert TOKEN not in result.stdout
    # A password is never exported: a placeholder key and, as a note (not a warning), the command to set it.
    assert [(n["section"], n["name"]) for n in node["notes"]] == [("users", "banka-tester")]
    assert "pulumi config set --secret --path 'cac-director:userPasswords.banka-tester'" in node["notes"][0]["what"]
    assert "pw-banka-tester" not in result.stdout
    written = "".join(p.read_text() for p in tmp_path.rglob("*.yaml"))
    assert "password_from: banka-tester" in written and "pw-banka-tester" not in written


def test_json_mistakes_are_one_json_error(emu: Any, tmp_path: Path) -> None:
    streamed = _run(emu, "--node", "dn-stg-01")
    assert streamed.exit_code == 2
    assert "--out DIR" in json.loads(streamed.stdout)["error"]
    no_token = _run(emu, "--node", "dn-stg-01", "--out", str(tmp_path), env={"DIRECTOR_TOKEN": ""})
    assert no_token.exit_code == 2
    failure = json.loads(no_token.stdout)
    assert failure == {"ok": False, "exit_code": 2, "error": failure["error"]} and "DIRECTOR_TOKEN" in failure["error"]


def test_alert_rule_notifications_are_named_as_left_out(emu: Any, tmp_path: Path) -> None:
    # Nothing reads notifications back (docs/director-api.md §7.18): the export says so per rule, as a note.
    resolved = populate(emu, STAGING)
    # With the data node: the rules search its repos.
    result = _run(emu, "--node", "dn-stg-01", "--node", "sh-stg-01", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    [node] = [n for n in json.loads(result.stdout)["nodes"] if n["node"] == "sh-stg-01"]
    rules = sorted(str(rule["searchname"]) for rule in resolved.nodes["sh-stg-01"].sections["alertRules"])
    assert len(rules) == 3
    notes = sorted((n["section"], n["name"]) for n in node["notes"])
    assert notes == [("alertRules", name) for name in rules]
    assert all("'notifications' cannot be read" in n["what"] for n in node["notes"])
    written = "".join(p.read_text() for p in tmp_path.rglob("*.yaml"))
    assert "notifications" not in written
