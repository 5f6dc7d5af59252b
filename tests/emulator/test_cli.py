"""The command line: starts from flags, answers over HTTP, and reports user mistakes without a traceback."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from cac_director.cli.emulator import TOKEN_ENV, bind_warning
from cac_director.emulator.config import DEFAULT_TOKEN
from cac_director.errors import EmulatorError
from tests.emulator.conftest import DN1, POOL
from tests.tls import REJECTED_BY_CLIENT, server_certificate


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


def test_cli_serves_https_with_the_certificate_given(tmp_path: Path) -> None:
    certificate = server_certificate(tmp_path)
    port = _free_port()
    cmd = [sys.executable, "-m", "cac_director.emulator", "--port", str(port), "--node", f"{POOL}/{DN1}/dn-1",
           "--tls-cert", str(certificate.tls.cert), "--tls-key", str(certificate.tls.key)]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = f"https://127.0.0.1:{port}"
        trusting = ssl.create_default_context(cafile=certificate.ca_file)
        deadline = time.monotonic() + 15
        while True:
            try:
                if httpx.get(f"{url}/_emulator/health", verify=trusting).status_code == 200:
                    break
            except httpx.ConnectError as exc:
                # Refused while it starts; a certificate it does not trust would be an error at once.
                assert "CERTIFICATE_VERIFY_FAILED" not in str(exc)
                assert time.monotonic() < deadline, proc.stderr.read() if proc.stderr else ""
                time.sleep(0.05)
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            httpx.get(f"{url}/_emulator/health")
        handshakes = httpx.get(f"{url}/_emulator/requests", verify=trusting).json()["tls_handshakes"]
        # This request is answered after the server read the refused handshake's alert (tests/tls.py).
        assert handshakes["failed"] == {REJECTED_BY_CLIENT: 1}
    finally:
        proc.terminate()
        out, _err = proc.communicate(timeout=10)
    assert f"listening on {url}" in out


def test_cli_bad_certificate_files_are_a_clear_error(tmp_path: Path) -> None:
    certificate = server_certificate(tmp_path)
    not_pem = tmp_path / "not.pem"
    not_pem.write_text("hello\n")
    cases = {
        "cannot load the certificate and its key": ["--tls-cert", str(not_pem)],
        "cannot load": ["--tls-cert", str(tmp_path / "missing.pem")],
        "--tls-key needs --tls-cert": ["--tls-key", str(certificate.tls.key)],
    }
    for phrase, flags in cases.items():
        done = subprocess.run(
            [sys.executable, "-m", "cac_director.emulator", "--port", "0", *flags],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 2, done.stdout + done.stderr
        assert phrase in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
        assert "listening" not in done.stdout


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


def test_cli_refuses_a_non_loopback_address_without_an_explicit_token() -> None:
    env = {key: value for key, value in os.environ.items() if key != TOKEN_ENV}
    for extra in ([], ["--token", DEFAULT_TOKEN]):
        done = subprocess.run(
            [sys.executable, "-m", "cac_director.emulator", "--host", "0.0.0.0", "--port", "0", *extra],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env=env,
        )
        assert done.returncode == 2, done.stdout + done.stderr
        assert "--host 0.0.0.0 is reachable from other machines" in done.stderr
        assert "listening" not in done.stdout
        assert "Traceback" not in done.stderr


def test_non_loopback_bind_with_a_token_warns_that_the_admin_endpoint_is_loopback_only() -> None:
    assert bind_warning("127.0.0.1", None) is None
    assert bind_warning("::1", None) is None
    assert bind_warning("localhost", None) is None
    warning = bind_warning("192.0.2.10", "a-token-of-my-own")
    assert warning is not None and "/_emulator answers loopback clients only" in warning
    assert "a-token-of-my-own" not in warning
    with pytest.raises(EmulatorError):
        bind_warning("lab-host.example.net", None)


def test_cli_refuses_a_port_out_of_range() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cac_director.emulator", "--port", "99999"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "--port" in done.stderr and "Traceback" not in done.stderr
