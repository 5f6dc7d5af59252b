"""The command line: starts from flags, answers over HTTP, and reports user mistakes without a traceback."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.emulator.conftest import DN1, POOL


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_cli_serves_nodes_from_flags_and_hides_the_token() -> None:
    port = _free_port()
    cmd = [sys.executable, "-m", "cac_director.emulator", "--port", str(port), "--token", "cli-secret-token",
           "--node", f"{POOL}/{DN1}/dn-1/10.0.0.5", "--documented-monitor-path"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 15
        while True:
            try:
                if httpx.get(f"{url}/_emulator/health").status_code == 200:
                    break
            except httpx.TransportError:
                assert time.monotonic() < deadline, proc.stderr.read() if proc.stderr else ""
                time.sleep(0.05)
        headers = {"Authorization": "Bearer cli-secret-token"}
        r = httpx.post(f"{url}/configapi/{POOL}/{DN1}/Repos/RemoteRepos/fetch", json={"data": {}}, headers=headers)
        assert r.json()["message"].startswith("/monitorapi/")
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=10)
    assert "cli-secret-token" not in out + err
    assert f"node dn-1 {DN1} ip=10.0.0.5" in out


def test_cli_bad_fleet_file_is_a_clear_error(tmp_path: Path) -> None:
    fleet = tmp_path / "fleet.yaml"
    fleet.write_text("kind: Fleet\nspec: {director: {poolUuid: nope}}\n")
    done = subprocess.run(
        [sys.executable, "-m", "cac_director.emulator", "--fleet", str(fleet)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 2
    assert str(fleet) in done.stderr and "poolUuid" in done.stderr
    assert "Traceback" not in done.stderr
