"""Crash recovery through the real CLI: SIGKILL of `pulumi` mid-apply, then `pulumi cancel` and `pulumi up`.

After the kill no program or provider process may survive and keep writing; after the rerun the Director
equals the configuration, with no duplicate and no orphan, and the state equals the Director.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.e2e.test_program import Deployment, deployment  # noqa: F401 - the fixture

pytestmark = pytest.mark.e2e

HANG_GUARD = 300.0  # seconds; only ever reached when something hangs


def _session_members(sid: int) -> dict[int, str]:
    """Live (non-zombie) processes of session ``sid``: pid -> command line."""
    members = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        if fields[0] not in {"Z", "X"} and int(fields[3]) == sid:
            try:
                members[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
    return members


def _writes(d: Deployment) -> int:
    return sum(n for call, n in d.emu.request_counts().items() if call.split()[0] in {"POST", "PUT", "DELETE"})


def _start_until(
    d: Deployment, command: list[str], ready: Callable[[], bool], env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start ``command`` in a session of its own with 200 ms orders; return once ``ready()`` (the kill point)."""
    d.emu.reset_request_log()
    d.emu.set_faults(latency=0.2)  # slow enough that the kill lands mid-apply on any machine
    proc = subprocess.Popen(
        command,
        cwd=d.project,
        env={**d.cli.env, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + HANG_GUARD
    while not ready():
        assert proc.poll() is None, f"{' '.join(command[:2])} ended before the kill point"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return proc


def _kill_after(d: Deployment, args: list[str], writes: int) -> None:
    """Run `pulumi <args>`, SIGKILL the CLI alone once ``writes`` Director writes were made, wait for its children."""
    proc = _start_until(d, ["pulumi", *args, "--yes", "--non-interactive"], lambda: _writes(d) >= writes)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    try:
        # The language host, the program and the providers (busy or idle) notice that the engine is gone
        # and exit; then nothing talks to the Director any more.
        deadline = _wait_session_gone(proc.pid)
        settled = d.emu.request_counts()
        time.sleep(1.0)
        while (current := d.emu.request_counts()) != settled:
            assert time.monotonic() < deadline, "something kept talking to the Director after the kill"
            settled = current
            time.sleep(1.0)
    finally:
        for pid in _session_members(proc.pid):  # only after a failed assertion: leave nothing behind
            os.kill(pid, signal.SIGKILL)
    d.emu.clear_faults()


def _kill_session(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL ``proc``'s process group (it leads a session of its own) and wait until its session is empty."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    try:
        _wait_session_gone(proc.pid)
    finally:
        for pid in _session_members(proc.pid):  # only after a failed wait: leave nothing behind
            os.kill(pid, signal.SIGKILL)


def _wait_session_gone(sid: int) -> float:
    """Wait until no process of session ``sid`` is left; return the hang-guard deadline it waited against."""
    deadline = time.monotonic() + HANG_GUARD
    while _session_members(sid):
        assert time.monotonic() < deadline, f"outlived the killed CLI: {_session_members(sid)}"
        time.sleep(0.1)
    return deadline


def _assert_converged(d: Deployment) -> None:
    assert d.live_state() == d.desired_state()
    pool = d.resolved().fleet.pool_uuid
    for node in d.resolved().nodes.values():
        for resource in ("Repos", "RoutingPolicies", "NormalizationPolicy", "DeviceGroups", "Devices"):
            names = Counter(
                o.get("name") or o.get("policy_name") for o in d.emu.objects(pool, node.logpoint_id, resource)
            )
            assert [n for n, c in names.items() if c > 1] == [], (node.name, resource)
    exported = json.loads(d.cli.run("stack", "export").stdout)["deployment"]
    assert not exported.get("pending_operations")
    d.cli.run("preview", "--expect-no-changes")
    d.cli.run("refresh", "--yes", "--skip-preview", "--expect-no-changes")


def _recover(d: Deployment) -> None:
    """The documented recovery: `pulumi cancel` (the killed CLI's lock remains), then `cac-director up`.

    A plain `pulumi up` converges the Director and the state too (the state's pending creates prove the
    objects are this stack's); `cac-director up` also drops those pending creates afterwards.
    """
    d.cli.run("cancel", "--yes")
    proc = subprocess.run(
        [str(REPO_ROOT / ".venv" / "bin" / "cac-director"), "up", "--cwd", str(d.project)],
        env=d.cli.env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.slow
@pytest.mark.parametrize("writes", [3, 20], ids=["early", "middle"])
def test_a_killed_apply_converges_with_one_rerun(deployment: Deployment, writes: int) -> None:  # noqa: F811
    d = deployment
    _kill_after(d, ["up"], writes)
    _recover(d)
    _assert_converged(d)


@pytest.mark.slow
def test_a_killed_destroy_converges_with_one_rerun(deployment: Deployment) -> None:  # noqa: F811
    d = deployment
    d.cli.run("up", "--yes")
    _kill_after(d, ["destroy"], 10)
    _recover(d)
    _assert_converged(d)
