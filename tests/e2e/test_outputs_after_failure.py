"""Stack outputs describe what was applied: a failed apply leaves the previous counts, not the declared ones.

Reuses the ``deployment`` fixture of ``test_program`` (a copy of the project, Bank A prod, emulator on port 0).
"""

from __future__ import annotations

import json

import pytest

from cac_director.conventions import by_section
from cac_director.director import mapping
from tests.e2e.test_program import Deployment, deployment

pytestmark = pytest.mark.e2e
__all__ = ["deployment"]

TAKEN = "repo-taken"


def _nodes_output(d: Deployment) -> dict[str, object]:
    return json.loads(d.cli.run("stack", "output", "nodes", "--json").stdout)  # type: ignore[no-any-return]


def test_a_failed_apply_keeps_the_counts_of_the_last_successful_one(deployment: Deployment) -> None:
    d = deployment
    d.cli.run("up", "--yes")
    before = _nodes_output(d)
    node = next(n for n in d.resolved().nodes.values() if n.name == "dn-prod-01")
    repos_before = before["dn-prod-01"]["resources"]["repos"]  # type: ignore[index]

    # Another tool holds the name the next configuration adds, so that create fails.
    repos = by_section("repos")
    body = {"name": TAKEN, "hiddenrepopath": [{"path": "/opt/immune/storage/", "retention": 7}]}
    d.client(node.logpoint_id, node.name).create(repos, mapping.to_wire(repos, body, None), name=TAKEN)  # type: ignore[arg-type]
    d.edit(
        "fleets/bank-a/prod/instance.yaml",
        lambda t: t.replace(
            "  repos:\n",
            f"  repos:\n    - name: {TAKEN}\n      hiddenrepopath:\n"
            "        - {path: /opt/immune/storage/, retention: 9}\n",
            1,
        ),
    )
    failed = d.cli.run("up", "--yes", check=False)
    assert failed.returncode != 0
    assert "already exists" in failed.stdout + failed.stderr
    assert _nodes_output(d) == before

    # --continue-on-error lets the program finish: the counts must still not claim the failed create.
    failed = d.cli.run("up", "--yes", "--continue-on-error", check=False)
    assert failed.returncode != 0
    after = _nodes_output(d)
    claimed = after.get("dn-prod-01", {}).get("resources", {}).get("repos") if isinstance(after, dict) else None
    assert claimed != repos_before + 1  # type: ignore[operator]
