"""Rollback through the real CLI: `cac-director up --rollback-on-failure` and `cac-director rollback`."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from cac_director.conventions import by_section
from cac_director.director import mapping
from tests.conftest import REPO_ROOT
from tests.e2e.test_program import TOKEN, Deployment, deployment  # noqa: F401 - the fixture

pytestmark = pytest.mark.e2e

FOREIGN = "repo-zz-foreign"


def _cac_director(d: Deployment, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(REPO_ROOT / ".venv" / "bin" / "cac-director"), *args, "--cwd", str(d.project)],
        env=d.cli.env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _without_foreign(state: dict[str, dict[str, dict[str, Any]]]) -> dict[str, dict[str, dict[str, Any]]]:
    return {
        node: {s: {n: o for n, o in objs.items() if n != FOREIGN} for s, objs in sections.items()}
        for node, sections in state.items()
    }


@pytest.mark.slow
def test_a_failed_apply_is_rolled_back_to_the_last_successful_one(deployment: Deployment) -> None:  # noqa: F811
    d = deployment
    first = _cac_director(d, "up")
    assert first.returncode == 0, first.stderr
    before = d.desired_state()
    recorded = json.loads(d.cli.run("stack", "output", "applied", "--json").stdout)
    assert recorded["instance"] == "bank-a-prod" and "commit" in recorded

    # Another tool created a repo of the name the next configuration adds: that create fails mid-apply,
    # after (or while) the retention changes of the same apply are made.
    node = next(n for n in d.resolved().nodes.values() if n.name == "dn-prod-01")
    repos = by_section("repos")
    client = d.client(node.logpoint_id, node.name)
    body = {"name": FOREIGN, "hiddenrepopath": [{"path": "/opt/immune/storage/", "retention": 7}]}
    client.create(repos, mapping.to_wire(repos, body, None), name=FOREIGN)  # type: ignore[arg-type]
    d.edit("fleets/bank-a/prod/instance.yaml", lambda t: t.replace("hotDays: 45", "hotDays: 30"))
    d.edit(
        "fleets/bank-a/prod/instance.yaml",
        lambda t: t.replace(
            "  repos:\n",
            f"  repos:\n    - name: {FOREIGN}\n      hiddenrepopath:\n"
            "        - {path: /opt/immune/storage/, retention: 9}\n",
            1,
        ),
    )
    failed = _cac_director(d, "up", "--rollback-on-failure")
    assert failed.returncode == 1
    assert "already exists" in failed.stdout + failed.stderr
    assert "Rolled back" in failed.stderr

    # The Director is back at the last successful configuration; the foreign object is untouched.
    assert _without_foreign(d.live_state()) == before
    foreign = [
        o for o in d.emu.objects(d.resolved().fleet.pool_uuid, node.logpoint_id, "Repos") if o["name"] == FOREIGN
    ]
    assert len(foreign) == 1
    # The state equals the Director.
    d.cli.run("refresh", "--yes", "--skip-preview", "--expect-no-changes")
    # The YAML was not touched: a plain rerun would try the new configuration again.
    assert "hotDays: 30" in (d.project / "fleets/bank-a/prod/instance.yaml").read_text()
