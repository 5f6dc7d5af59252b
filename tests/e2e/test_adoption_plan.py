"""With adoptExisting, the plan says which creates take over an object already on the Director and what that
changes, field by field, and which another stack's marker refuses: `pulumi preview` and `cac-director plan`
through the real CLI, then the apply does what they said.

Reuses the ``deployment`` fixture of ``test_program`` (a copy of the project, Bank A prod, emulator on port 0).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.e2e.test_plan_reads_director import _plan
from tests.e2e.test_program import Deployment, deployment

pytestmark = pytest.mark.e2e
__all__ = ["deployment"]

# repo-linux as the configuration declares it on both data nodes, and as a console user left it on dn-prod-01.
DECLARED_PATHS = [{"path": "/data/hot/", "retention": 45}, {"path": "/data/warm/", "retention": 180}]
CHANGED_PATHS = [{"path": "/data/hot/", "retention": 999}, {"path": "/data/warm/", "retention": 180}]


def _console_create(d: Deployment, node: str, resource: str, fields: dict[str, Any]) -> str:
    """An object made before the tool managed the node, through the emulator's admin endpoint (its id)."""
    resolved = d.resolved()
    path = f"/_emulator/nodes/{resolved.fleet.pool_uuid}/{resolved.nodes[node].logpoint_id}/objects/{resource}"
    reply = httpx.post(d.emu.url + path, json=fields, timeout=10)
    reply.raise_for_status()
    return str(reply.json()["id"])


def test_preview_and_plan_show_what_an_adopting_apply_takes_over_and_changes(deployment: Deployment) -> None:
    d = deployment
    changed_id = _console_create(d, "dn-prod-01", "Repos", {"name": "repo-linux", "hiddenrepopath": CHANGED_PATHS})
    _console_create(d, "dn-prod-02", "Repos", {"name": "repo-linux", "hiddenrepopath": DECLARED_PATHS})
    group = {"name": "dg-linux", "description": "Linux servers [cac-director:other-project/prod]"}
    group_id = _console_create(d, "dn-prod-01", "DeviceGroups", group)

    # Without adoptExisting nothing is said: these are plain creates (the apply would refuse all three).
    assert "adopts the existing object" not in d.cli.run("preview").stdout

    d.cli.run("config", "set", "cac-director:adoptExisting", "true")
    preview = d.cli.run("preview").stdout
    assert f"adopts the existing object of this name (id {changed_id}) on node dn-prod-01" in preview, preview
    assert "hiddenrepopath[/data/hot/].retention: 999 -> 45" in preview, preview
    assert "on node dn-prod-02: the apply records it instead of creating it; it matches the configuration" in preview
    assert "is managed by stack 'other-project/prod'" in preview, preview

    code, report = _plan(d)
    assert code == 1
    by_object = {(c["node"], c["type"], c["name"]): c for c in report["changes"]}
    assert by_object[("dn-prod-01", "Repo", "repo-linux")] == {
        "node": "dn-prod-01",
        "type": "Repo",
        "name": "repo-linux",
        "action": "adopt",
        "changes": [{"field": "hiddenrepopath[/data/hot/].retention", "change": "modified", "old": 999, "new": 45}],
    }
    identical = by_object[("dn-prod-02", "Repo", "repo-linux")]
    assert (identical["action"], identical["changes"]) == ("adopt", [])  # still a change: the state records it
    assert by_object[("dn-prod-01", "DeviceGroup", "dg-linux")]["action"] == "create"  # refused at apply time

    # The apply does what the plan said: the other stack's group is refused, the repos are taken over.
    failed = d.cli.run("up", "--yes", check=False)
    assert failed.returncode != 0
    assert "is managed by stack 'other-project/prod'" in failed.stdout + failed.stderr
    pool, node_01 = d.resolved().fleet.pool_uuid, d.resolved().nodes["dn-prod-01"].logpoint_id
    d.emu.oob_delete(pool, node_01, "DeviceGroups", group_id)  # the other stack lets it go
    d.cli.run("up", "--yes")
    live = [o for o in d.emu.objects(pool, node_01, "Repos") if o["name"] == "repo-linux"]
    assert [(o["id"], o["repopath"]) for o in live] == [(changed_id, DECLARED_PATHS)]
    assert _plan(d) == (0, {"changes": []})
