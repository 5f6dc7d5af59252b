"""Fast mode is as crash-safe as the default: SIGKILL of the whole `cac-director up --fast` process group.

In fast mode the engine skips its checkpoints, so a killed apply leaves nothing of that run in the state:
no objects, no pending creates. The providers' create journal is what proves the objects are this stack's.
Kills are triggered by what the emulator has seen (N creates, updates or deletes), never by time; after the
documented recovery (`pulumi cancel`, `cac-director up`) the Director equals the configuration, each
object exactly once, the state equals the Director, and a same-named object someone else created
beforehand is refused, not adopted.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from cac_director.conventions import by_section
from cac_director.pulumi_provider import create_journal
from tests.conftest import REPO_ROOT
from tests.e2e.test_program import Deployment, deployment  # noqa: F401 - the fixture
from tests.e2e.test_recovery import _assert_converged, _kill_session, _start_until

pytestmark = pytest.mark.e2e

CAC_DIRECTOR = str(REPO_ROOT / ".venv" / "bin" / "cac-director")


def _seen(d: Deployment, method: str) -> int:
    return sum(n for call, n in d.emu.request_counts().items() if call.split()[0] == method)


def _creates(d: Deployment) -> int:
    """Create POSTs seen: not fetch orders (reads) and not SystemSettingsGeneral saves (a singleton, never created)."""
    return sum(
        n
        for call, n in d.emu.request_counts().items()
        if call.split()[0] == "POST" and not call.endswith("/fetch") and "SystemSettingsGeneral" not in call
    )


def _journal(d: Deployment) -> Path:
    return create_journal.journal_path(d.project, "cac-director", "e2e", d.cli.env)


def _state_resources(d: Deployment) -> int:
    exported = json.loads(d.cli.run("stack", "export").stdout)["deployment"]
    return sum(1 for r in exported.get("resources") or [] if "cacdirector" in r["type"])


def _cac_director_up(d: Deployment, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CAC_DIRECTOR, "up", "--cwd", str(d.project), *args],
        env=d.cli.env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _kill_group_when(d: Deployment, command: list[str], ready: Callable[[], bool], env: dict[str, str]) -> None:
    """Run ``command`` in its own process group with 200 ms orders; SIGKILL the whole group once ``ready()``."""
    _kill_session(_start_until(d, command, ready, env))
    d.emu.clear_faults()


def _kill_group_after(d: Deployment, command: list[str], method: str, count: int, env: dict[str, str]) -> None:
    """SIGKILL ``command``'s process group once the emulator has seen ``count`` ``method`` requests."""
    _kill_group_when(d, command, lambda: _seen(d, method) >= count, env)


def _recover(d: Deployment) -> subprocess.CompletedProcess[str]:
    d.cli.run("cancel", "--yes")
    return _cac_director_up(d, "--fast")


@pytest.mark.slow
def test_a_fast_apply_killed_during_creates_converges(deployment: Deployment) -> None:  # noqa: F811
    d = deployment
    creates = 25
    _kill_group_when(d, [CAC_DIRECTOR, "up", "--fast"], lambda: _creates(d) >= creates, {})
    # Checkpoints were skipped: the state knows nothing of the run; the journal knows every create sent.
    assert _state_resources(d) == 0
    journaled = create_journal.read(_journal(d))
    assert len(journaled) >= creates
    recovered = _recover(d)
    assert recovered.returncode == 0, recovered.stdout + recovered.stderr
    _assert_converged(d)
    assert not _journal(d).exists()  # pruned: the state holds every journaled create


@pytest.mark.slow
def test_killed_fast_updates_and_a_killed_destroy_converge(deployment: Deployment) -> None:  # noqa: F811
    d = deployment
    # From this many declared objects on, `cac-director up` chooses fast mode by itself.
    d.cli.run("config", "set", "cac-director:fastApplyThreshold", "10")
    first = _cac_director_up(d)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "fast apply (" in first.stderr and "cac-director:fastApplyThreshold = 10" in first.stderr
    d.edit("fleets/bank-a/prod/instance.yaml", lambda text: text.replace("hotDays: 45", "hotDays: 46"))
    _kill_group_after(d, [CAC_DIRECTOR, "up"], "PUT", 2, {})
    recovered = _recover(d)
    assert recovered.returncode == 0, recovered.stdout + recovered.stderr
    _assert_converged(d)

    # And a destroy with checkpoints skipped, killed during its deletes: the rerun creates them again.
    command = ["pulumi", "destroy", "--yes", "--non-interactive"]
    _kill_group_after(d, command, "DELETE", 10, {"PULUMI_SKIP_CHECKPOINTS": "true"})
    recovered = _recover(d)
    assert recovered.returncode == 0, recovered.stdout + recovered.stderr
    _assert_converged(d)


@pytest.mark.slow
def test_a_same_named_object_of_someone_else_is_not_adopted_after_a_kill(deployment: Deployment) -> None:  # noqa: F811
    d = deployment
    pool = d.resolved().fleet.pool_uuid
    node = next(n for n in d.resolved().nodes.values() if n.name == "dn-prod-01")
    client = d.client(node.logpoint_id, node.name)
    # A device (no ownership marker): only the journal could tell whose it is. It is created late in the
    # apply (after its device group), so the kill lands before the refusal would stop the apply.
    devices = by_section("devices")
    foreign = {"name": "linux-app-01", "ip": ["10.99.0.1"], "availability": "Minor"}
    foreign |= {"confidentiality": "Minor", "integrity": "Minor"}
    client.create(devices, foreign, name="linux-app-01")
    before = next(o for o in d.emu.objects(pool, node.logpoint_id, "Devices") if o["name"] == "linux-app-01")

    _kill_group_after(d, [CAC_DIRECTOR, "up", "--fast"], "POST", 4, {})
    assert "pulumi-python:dynamic/cacdirector:Device::dn-prod-01/linux-app-01" not in create_journal.read(_journal(d))
    refused = _recover(d)
    assert refused.returncode == 1
    assert "linux-app-01' already exists on node dn-prod-01 and is not managed by this stack" in refused.stdout
    after = [o for o in d.emu.objects(pool, node.logpoint_id, "Devices") if o["name"] == "linux-app-01"]
    assert after == [before]  # untouched, and not duplicated

    # Once its owner removed it, the stack creates its own and converges.
    d.emu.oob_delete(pool, node.logpoint_id, "Devices", before["id"])
    converged = _cac_director_up(d, "--fast")
    assert converged.returncode == 0, converged.stdout + converged.stderr
    _assert_converged(d)


@pytest.mark.slow
def test_a_journaled_create_the_configuration_dropped_is_reported_then_taken_back(deployment: Deployment) -> None:  # noqa: F811
    d = deployment
    key = "pulumi-python:dynamic/cacdirector:Device::dn-prod-01/linux-app-01"
    # The line is written before the POST: kill right after it.
    _kill_group_when(d, [CAC_DIRECTOR, "up", "--fast"], lambda: key in create_journal.read(_journal(d)), {})

    # The YAML changes between the crash and the rerun: the device (and its collector) are no longer declared.
    original = d.instance_path.read_text()
    d.edit(
        "fleets/bank-a/prod/instance.yaml",
        lambda text: "\n".join(line for line in text.splitlines() if "linux-app-01" not in line) + "\n",
    )
    recovered = _recover(d)
    assert recovered.returncode == 0, recovered.stdout + recovered.stderr
    assert "Device 'linux-app-01' on node dn-prod-01, which the configuration no longer declares" in recovered.stderr
    assert key in create_journal.read(_journal(d))  # kept, and reported on every run until resolved

    # Declared again: the stack takes back its own object (the journal proves it), then the journal goes.
    d.instance_path.write_text(original)
    again = _cac_director_up(d)
    assert again.returncode == 0, again.stdout + again.stderr
    _assert_converged(d)
    assert not _journal(d).exists()
