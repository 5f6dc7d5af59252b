"""With adoptExisting, the plan says which creates take over an object already on the Director, and which
another stack's marker refuses: `pulumi preview` and `cac-director plan` through the real CLI.

Reuses the ``deployment`` fixture of ``test_program`` (a copy of the project, Bank A prod, emulator on port 0).
"""

from __future__ import annotations

import pytest

from cac_director.conventions import by_section
from cac_director.director import mapping
from tests.e2e.test_plan_reads_director import _plan
from tests.e2e.test_program import Deployment, deployment

pytestmark = pytest.mark.e2e
__all__ = ["deployment"]


def test_preview_and_plan_name_the_objects_an_adopting_apply_takes_over(deployment: Deployment) -> None:
    d = deployment
    node = next(n for n in d.resolved().nodes.values() if n.name == "dn-prod-01")
    client = d.client(node.logpoint_id, node.name)
    # Made by hand before the tool managed this node: one unmarked repo, one device group another stack owns.
    repos, groups = by_section("repos"), by_section("deviceGroups")
    repo = {"name": "repo-linux", "hiddenrepopath": [{"path": "/opt/immune/storage/", "retention": 7}]}
    client.create(repos, mapping.to_wire(repos, repo, None), name="repo-linux")  # type: ignore[arg-type]
    group = {"name": "dg-linux", "description": "Linux servers [cac-director:other-project/prod]"}
    client.create(groups, mapping.to_wire(groups, group, None), name="dg-linux")  # type: ignore[arg-type]

    # Without adoptExisting nothing is said: these are plain creates (the apply would refuse both).
    assert "adopts the existing object" not in d.cli.run("preview").stdout

    d.cli.run("config", "set", "cac-director:adoptExisting", "true")
    preview = d.cli.run("preview").stdout
    assert "adopts the existing object of this name" in preview, preview
    assert "is managed by stack 'other-project/prod'" in preview, preview

    code, report = _plan(d)
    assert code == 1
    actions = {(c["node"], c["type"], c["name"]): c["action"] for c in report["changes"]}
    assert actions[("dn-prod-01", "Repo", "repo-linux")] == "adopt"
    assert actions[("dn-prod-02", "Repo", "repo-linux")] == "create"
    assert actions[("dn-prod-01", "DeviceGroup", "dg-linux")] == "create"  # refused at apply time

    # The apply does what the plan said: the repo is taken over, the other stack's group is refused.
    failed = d.cli.run("up", "--yes", check=False)
    assert failed.returncode != 0
    assert "is managed by stack 'other-project/prod'" in failed.stdout + failed.stderr
    live = [
        o for o in d.emu.objects(d.resolved().fleet.pool_uuid, node.logpoint_id, "Repos") if o["name"] == "repo-linux"
    ]
    assert len(live) == 1
