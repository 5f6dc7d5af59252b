"""`cac-director fleet up` in fast mode, end to end: per stack, never through the shared process environment.

The inline programs of every stack run in the one fleet process, so fast mode cannot be an environment
variable of that process: each stack's CLI gets its own (the create journal, and `PULUMI_SKIP_CHECKPOINTS` when
the stack reaches its `fastApplyThreshold`). What the backend keeps shows which stacks skipped checkpoints; a
SIGKILL of the whole fleet mid-apply shows the journal is what the rerun relies on, as for `cac-director up`.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from cac_director.config import load_instance
from cac_director.pulumi_provider import create_journal
from cac_director.pulumi_provider.fast_mode import declared_objects
from tests.conftest import REPO_ROOT
from tests.e2e.test_fleet import Fleet, _forked_providers, _running, _state, fleet  # noqa: F401 - the fixture
from tests.e2e.test_recovery import HANG_GUARD, _kill_session

pytestmark = pytest.mark.e2e

BANK_B = "fleets/bank-b/prod/instance.yaml"
BANK_B_OBJECTS = 30
"""What bank-b prod declares over its nodes (``fast_mode.declared_objects``): its threshold below is exactly this."""


def _objects(deployment: dict[str, Any]) -> int:
    return sum(1 for r in deployment.get("resources") or [] if "cacdirector" in r["type"])


def _previous_state_objects(target: Fleet, stack: str) -> int:
    """Director objects in the state's previous version: the file backend's ``.bak``, written at every state write."""
    backend = Path(target.env["PULUMI_BACKEND_URL"].removeprefix("file://"))
    backups = list((backend / ".pulumi" / "stacks").rglob(f"{stack}.json.bak"))
    if not backups:
        return 0  # written once only: no earlier version to keep
    checkpoint = json.loads(backups[0].read_text())["checkpoint"]
    return _objects(checkpoint.get("latest") or {})


def _journal(target: Fleet, stack: str) -> Path:
    return create_journal.journal_path(target.project, "cac-director", stack, target.env)


def _set_threshold(target: Fleet, instance: str, threshold: int) -> None:
    path = target.project / Path(instance).parent / "stack.yaml"
    document = yaml.safe_load(path.read_text())
    document["config"]["cac-director:fastApplyThreshold"] = threshold
    path.write_text(yaml.safe_dump(document))


def test_fleet_up_skips_checkpoints_for_the_stack_at_its_threshold_only(fleet: Fleet) -> None:  # noqa: F811
    assert "PULUMI_SKIP_CHECKPOINTS" not in fleet.env
    _set_threshold(fleet, BANK_B, BANK_B_OBJECTS)  # reached exactly; bank-a staging keeps the default 300
    proc = fleet.run("fleet", "up", "--stack", "bank-a-staging", "--stack", "bank-b-prod", "--json")
    report = json.loads(proc.stdout)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    stacks = {s["stack"]: s for s in report["stacks"]}
    assert (stacks["bank-b-prod"]["fast"], stacks["bank-a-staging"]["fast"]) == (True, False)
    assert all(s["result"] == "ok" for s in stacks.values()), stacks
    threshold = f"cac-director:fastApplyThreshold = {BANK_B_OBJECTS}"
    assert f"bank-b-prod: fast apply ({BANK_B_OBJECTS} objects, {threshold})" in proc.stderr
    assert "bank-a-staging: fast apply" not in proc.stderr

    # The backend: with checkpoints the state was rewritten at every step, so its previous version already
    # holds most objects; with checkpoints skipped it was written once, at the end, over `stack init`'s empty one.
    assert _previous_state_objects(fleet, "bank-a-staging") > 20
    assert _previous_state_objects(fleet, "bank-b-prod") == 0
    # Both applied completely; each stack's creates were journaled, and the journal pruned once the state held them.
    assert _objects(_state(fleet, "bank-b-prod")) == BANK_B_OBJECTS
    staging = declared_objects(load_instance(fleet.project / "fleets/bank-a/staging/instance.yaml"))
    assert _objects(_state(fleet, "bank-a-staging")) == staging
    assert not _journal(fleet, "bank-b-prod").exists() and not _journal(fleet, "bank-a-staging").exists()

    # --no-fast wins over the threshold, --fast over the default; both leave nothing to do here.
    again = fleet.run("fleet", "up", "--stack", "bank-b-prod", "--no-fast", "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["stacks"][0]["fast"] is False, again.stderr
    refused = fleet.run("fleet", "preview", "--fast")
    assert refused.returncode == 3 and "--fast/--no-fast is an option of fleet up" in refused.stderr


def _kill_fleet_when_journaled(target: Fleet, args: list[str], stack: str, creates: int) -> None:
    """Run `cac-director fleet <args>` in a session of its own; SIGKILL all of it once ``creates`` are journaled."""
    target.emu_b.set_faults(latency=0.2)  # slow enough that the kill lands mid-apply on any machine
    log_dir = target.project / ".fleet-logs-killed"
    proc = subprocess.Popen(
        [str(REPO_ROOT / ".venv" / "bin" / "cac-director"), "fleet", *args, "--log-dir", str(log_dir)],
        cwd=target.project,
        env=target.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + HANG_GUARD
    while len(create_journal.read(_journal(target, stack))) < creates:
        assert proc.poll() is None, "fleet up ended before the kill point"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    _kill_session(proc)
    # The fork server and its children run outside the fleet's session: the forked providers must end too.
    forked = _forked_providers(log_dir)
    while alive := _running(forked):
        assert time.monotonic() < deadline, f"forked providers outlived the killed fleet: {alive}"
        time.sleep(0.1)
    target.emu_b.clear_faults()


@pytest.mark.slow
def test_a_killed_fast_fleet_up_converges_after_cancel_and_a_rerun(fleet: Fleet) -> None:  # noqa: F811
    _kill_fleet_when_journaled(fleet, ["up", "--stack", "bank-b-prod", "--fast"], "bank-b-prod", 10)
    # Checkpoints were skipped: the state knows nothing of the run; the journal knows every create sent.
    assert _objects(_state(fleet, "bank-b-prod")) == 0
    assert len(create_journal.read(_journal(fleet, "bank-b-prod"))) >= 10

    # The documented recovery: cancel the killed CLI's lock, run the fleet again (fast by the threshold now).
    cancel = fleet.pulumi("cancel", "--yes", "--stack", "bank-b-prod")
    assert cancel.returncode == 0, cancel.stderr
    _set_threshold(fleet, BANK_B, 10)
    code, report = fleet.json("fleet", "up", "--stack", "bank-b-prod")
    assert "stacks" in report, report
    only = report["stacks"][0]
    assert (code, only["result"], only["fast"]) == (1, "ok", True), only

    # Converged: every object once on the Director, all of them in the state, the journal pruned, nothing to do.
    resolved = load_instance(fleet.project / BANK_B)
    for node in resolved.nodes.values():
        for collection in ("Repos", "RoutingPolicies", "NormalizationPolicy", "DeviceGroups", "Devices"):
            objects = fleet.emu_b.objects(resolved.fleet.pool_uuid, node.logpoint_id, collection)
            names = Counter(o.get("name") or o.get("policy_name") for o in objects)
            assert [n for n, c in names.items() if c > 1] == [], (node.name, collection)
    state = _state(fleet, "bank-b-prod")
    assert _objects(state) == BANK_B_OBJECTS and not state.get("pending_operations")
    assert not _journal(fleet, "bank-b-prod").exists()
    code, report = fleet.json("fleet", "preview", "--stack", "bank-b-prod")
    assert code == 0, report
