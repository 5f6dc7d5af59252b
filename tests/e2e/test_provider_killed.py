"""A provider process killed mid-apply: the engine fails the update, and the output reads as errors, not tracebacks.

Reuses the ``deployment`` fixture of ``test_program`` (a copy of the project, Bank A prod, emulator on port 0).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from tests.e2e.test_program import Deployment, deployment
from tests.e2e.test_recovery import HANG_GUARD, _session_members, _writes

pytestmark = pytest.mark.e2e
__all__ = ["deployment"]


def test_a_killed_provider_process_fails_the_update_without_a_traceback(deployment: Deployment) -> None:
    d = deployment
    d.emu.set_faults(latency=0.2)  # slow enough that the kill lands mid-apply on any machine
    proc = subprocess.Popen(
        ["pulumi", "up", "--yes", "--non-interactive"],
        cwd=d.project,
        env=d.cli.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + HANG_GUARD
    while _writes(d) < 3:
        assert proc.poll() is None, "pulumi up ended before 3 writes"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    providers = [pid for pid, cmd in _session_members(proc.pid).items() if "-m pulumi.dynamic" in cmd]
    assert providers, _session_members(proc.pid)
    os.kill(providers[0], signal.SIGKILL)
    output, _ = proc.communicate(timeout=HANG_GUARD)

    assert proc.returncode != 0, output
    assert "Traceback" not in output, output
    assert "KeyboardInterrupt" not in output, output
    assert "error reading from server: EOF" in output  # the engine's own word for a dead provider
