"""A provider process killed mid-apply: the engine fails the update, the output reads as errors, not tracebacks,
and one plain rerun converges without adoptExisting (the providers' create journal proves whose objects they are).

Reuses the ``deployment`` fixture of ``test_program`` (a copy of the project, Bank A prod, emulator on port 0).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from tests.conftest import REPO_ROOT
from tests.e2e.test_program import Deployment, deployment
from tests.e2e.test_recovery import HANG_GUARD, _assert_converged, _session_members, _writes

pytestmark = pytest.mark.e2e
__all__ = ["deployment"]


def test_a_killed_provider_process_fails_cleanly_and_one_plain_rerun_converges(deployment: Deployment) -> None:
    d = deployment
    d.emu.set_faults(latency=0.2)  # slow enough that the kill lands mid-apply on any machine
    proc = subprocess.Popen(
        [str(REPO_ROOT / ".venv" / "bin" / "cac-director"), "up", "--cwd", str(d.project)],
        cwd=d.project,
        env=d.cli.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + HANG_GUARD
    while _writes(d) < 3:
        assert proc.poll() is None, "cac-director up ended before 3 writes"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    providers = [pid for pid, cmd in _session_members(proc.pid).items() if "-m pulumi.dynamic" in cmd]
    assert providers, _session_members(proc.pid)
    os.kill(providers[0], signal.SIGKILL)
    output, _ = proc.communicate(timeout=HANG_GUARD)

    assert proc.returncode != 0, output
    assert "Traceback" not in output, output
    assert "KeyboardInterrupt" not in output, output
    # The engine's own words: "error reading from server: EOF" for operations in flight in the dead process,
    # or only "update failed" when it had none at that moment.
    assert "error" in output

    # The engine survived, so no lock remains: one plain `pulumi up`, adoptExisting left off. The creates the
    # killed process had sent are in the create journal `cac-director up` keeps, so they are recorded.
    d.emu.set_faults(latency=0.0)
    rerun = d.cli.run("up", "--yes", check=False)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    _assert_converged(d)
