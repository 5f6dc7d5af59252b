"""The ``pulumi import --file`` document carries the ``ref_ids`` the program would send (``program.register``)."""

from __future__ import annotations

from cac_director.config.fleet import FleetNodeInfo
from cac_director.export.import_file import import_document
from cac_director.export.read import NodeExport


def _rule(owner: str) -> dict[str, object]:
    return {"searchname": f"ar-{owner}", "owner": owner, "assigned_to": owner, "repos": ["repo-soc"]}


def test_a_rule_owned_by_an_exported_user_gets_its_id_and_a_console_users_rule_none() -> None:
    export = NodeExport(
        node=FleetNodeInfo("aio-01", "b0b0b0b0c1c1c1c1d2d2d2d2e3e3e3e3", "aio", {}, "aios"),
        sections={"users": [{"username": "analyst"}], "alertRules": [_rule("analyst"), _rule("console-user")]},
        ids={
            ("users", "analyst"): "u-1",
            ("alertRules", "ar-analyst"): "r-1",
            ("alertRules", "ar-console-user"): "r-2",
        },
    )
    entries = {e["name"]: e for e in import_document([export], stack="prod", project="cac-director")["resources"]}
    owned = entries["aio-01/ar-analyst"]["inputs"]
    assert owned["ref_ids"] == {"owner": {"analyst": "u-1"}, "assigned_to": {"analyst": "u-1"}}
    assert "ref_ids" not in entries["aio-01/ar-console-user"]["inputs"]
