"""The fleet's fork server: providers started through the toolchain's shim are forked, answer the engine like
the stock ones, end with the client the engine started, and fall back to the stock shim when they must.

Each test starts the real server process and the real shim, as the engine does (a process group of its own,
the engine's address as the argument), and talks gRPC to the provider that answers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grpc
import psutil
import pytest
from google.protobuf import empty_pb2
from pulumi.runtime.proto import plugin_pb2, provider_pb2_grpc

from cac_director.fleet import toolchain as toolchain_module
from cac_director.fleet.toolchain import SHIM, Toolchain, fleet_toolchain
from cac_director.pulumi_provider import forkserver, forkserver_client
from cac_director.pulumi_provider.forkserver import ForkServer

WAIT = 60.0
"""A guard against a hang, not a margin: every wait below returns as soon as its condition holds."""


@pytest.fixture(scope="module")
def toolchain() -> Toolchain:
    # The real cache, as the fleet uses it: the CLI is hard-linked there, not copied for each test run.
    found = fleet_toolchain()
    assert found is not None, "pulumi and its pulumi-resource-pulumi-python must be installed (scripts/setup)"
    return found


@pytest.fixture
def server(toolchain: Toolchain, tmp_path: Path) -> Iterator[ForkServer]:
    with ForkServer(toolchain.stock_shim, log=tmp_path / "forkserver.log") as started:
        yield started


def _start_provider(toolchain: Toolchain, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    """The shim as the engine starts it; returns the process and the port the provider listens on."""
    process = subprocess.Popen(
        [str(toolchain.bin / SHIM), "127.0.0.1:1"],
        stdout=subprocess.PIPE,
        env={**os.environ, "PULUMI_PYTHON_CMD": sys.executable, **env},
        process_group=0,
    )
    assert process.stdout is not None
    port = process.stdout.readline().decode().strip()
    assert port.isdigit(), port
    return process, int(port)


def _plugin_version(port: int) -> str:
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = provider_pb2_grpc.ResourceProviderStub(channel)
        info: plugin_pb2.PluginInfo = stub.GetPluginInfo(empty_pb2.Empty())
        return info.version


def _forked_pids(server: ForkServer) -> list[int]:
    assert server.log is not None
    lines = server.log.read_text().splitlines() if server.log.exists() else []
    return [int(line.split()[1]) for line in lines if line.startswith("forked ")]


def _server_process(server: ForkServer) -> psutil.Process:
    return next(p for p in psutil.Process().children() if server.socket_path in " ".join(p.cmdline()))


def test_a_forked_provider_answers_the_engine_and_ends_with_the_client_the_engine_kills(
    toolchain: Toolchain, server: ForkServer
) -> None:
    process, port = _start_provider(toolchain, server.env())
    assert _plugin_version(port) == "0.1.0"  # the SDK's own provider server answered
    (pid,) = _forked_pids(server)
    assert psutil.Process(pid).ppid() == _server_process(server).pid
    # The engine stops a plugin by killing its process group: only the client is in it.
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    gone, alive = psutil.wait_procs([psutil.Process(pid)], timeout=WAIT)
    assert not alive and gone


def test_the_engines_interrupt_reaches_the_forked_provider_and_its_exit_code_the_engine(
    toolchain: Toolchain, server: ForkServer
) -> None:
    process, port = _start_provider(toolchain, server.env())
    assert _plugin_version(port) == "0.1.0"
    process.send_signal(signal.SIGINT)
    # The SDK's server stops on KeyboardInterrupt and exits 0; the client exits with that code.
    assert process.wait(timeout=WAIT) == 0
    assert not [pid for pid in _forked_pids(server) if psutil.pid_exists(pid)]


def test_without_a_reachable_server_or_with_another_interpreter_the_stock_shim_starts_it(
    toolchain: Toolchain, server: ForkServer, tmp_path: Path
) -> None:
    unreachable = {**server.env(), forkserver.SOCKET_ENV: str(tmp_path / "no-such-socket")}
    process, port = _start_provider(toolchain, unreachable)
    assert _plugin_version(port) == "0.1.0"
    # The stock shim, exec'd in the client's place, runs `python -m pulumi.dynamic` below it.
    below = psutil.Process(process.pid).children(recursive=True)
    assert any("pulumi.dynamic" in " ".join(child.cmdline()) for child in below)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()

    other_venv = tmp_path / "other-venv"
    process = subprocess.Popen(
        [str(toolchain.bin / SHIM), "127.0.0.1:1"],
        env={**os.environ, **server.env(), "PULUMI_RUNTIME_VIRTUALENV": str(other_venv)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        process_group=0,
    )
    _out, err = process.communicate(timeout=WAIT)
    # The stock shim ran and said what it says of a missing virtualenv; nothing was forked.
    assert process.returncode != 0 and b"doesn't exist" in err, err
    assert not _forked_pids(server)
    reasons = server.log.read_text().splitlines()  # type: ignore[union-attr]
    assert reasons[0].startswith("ordinary start: the fork server cannot be reached"), reasons
    assert reasons[1].startswith(f"ordinary start: the provider's Python would come from {other_venv}/bin"), reasons


def test_closing_the_server_leaves_no_process_and_no_socket(toolchain: Toolchain) -> None:
    server = ForkServer(toolchain.stock_shim)
    server.start()
    pid = _server_process(server).pid
    server.close()
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert not Path(server.socket_path).exists()


def test_the_toolchain_runs_the_same_cli_beside_the_shim_and_is_built_once(toolchain: Toolchain) -> None:
    cli = Path(toolchain.root) / "bin" / "pulumi"
    real = Path(subprocess.run(["which", "pulumi"], capture_output=True, text=True, check=True).stdout.strip())
    assert cli.stat().st_size == real.resolve().stat().st_size and not cli.is_symlink()
    version = subprocess.run([str(cli), "version"], capture_output=True, text=True, check=True).stdout
    assert version == subprocess.run([str(real), "version"], capture_output=True, text=True, check=True).stdout
    # Every other plugin beside the CLI is there, so the engine finds each next to itself and on PATH alike.
    siblings = {p.name for p in real.resolve().parent.iterdir() if p.name.startswith("pulumi-")}
    assert siblings <= {p.name for p in (Path(toolchain.root) / "bin").iterdir()}
    again = fleet_toolchain()
    assert again is not None and again.root == toolchain.root


def test_the_client_script_and_the_shim_agree_with_the_server_on_names_and_framing() -> None:
    shim = toolchain_module._SHIM_TEXT.format(stock="/stock")
    assert f'[ -n "${{{forkserver.SOCKET_ENV}:-}}" ] && [ -n "${{{forkserver.PYTHON_ENV}:-}}" ]' in shim, shim
    assert f'exec "${forkserver.PYTHON_ENV}" -I -S "${forkserver.CLIENT_ENV}" "$@"' in shim, shim
    assert forkserver_client.SOCKET_ENV == forkserver.SOCKET_ENV
    assert forkserver_client.FALLBACK_ENV == forkserver.FALLBACK_ENV
    assert forkserver_client.LOG_ENV == forkserver.LOG_ENV
    assert forkserver_client._HEADER.format == forkserver._HEADER.format


def test_a_new_cli_at_the_same_path_gets_a_new_toolchain_and_the_old_one_goes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAC_DIRECTOR_CACHE", str(tmp_path / "cache"))
    install = tmp_path / "install"
    install.mkdir()
    cli = install / "pulumi"
    cli.write_text("#!/bin/sh\necho v1\n")
    cli.chmod(0o755)
    (install / SHIM).write_text("#!/bin/sh\n")
    (install / "pulumi-language-python").write_text("#!/bin/sh\n")
    first = fleet_toolchain(str(cli))
    assert first is not None
    assert (first.bin / "pulumi-language-python").resolve() == install / "pulumi-language-python"
    assert str(install / SHIM) in (first.bin / SHIM).read_text()
    cli.write_text("#!/bin/sh\necho v2 of the same path\n")
    os.utime(cli, ns=(cli.stat().st_atime_ns, cli.stat().st_mtime_ns + 10**9))
    second = fleet_toolchain(str(cli))
    assert second is not None and second.root != first.root
    assert (second.bin / "pulumi").read_text() == cli.read_text()
    assert not first.root.exists()


def test_the_clients_path_lookup_finds_what_shutil_which_finds(tmp_path: Path) -> None:
    import shutil  # noqa: PLC0415

    for command in ("sh", "python3", sys.executable, str(tmp_path / "absent"), "no-such-command-here"):
        assert forkserver_client._on_path(command) == (shutil.which(command) or ""), command


def test_a_malformed_request_is_refused_and_the_server_keeps_serving(toolchain: Toolchain, server: ForkServer) -> None:
    import socket  # noqa: PLC0415

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.connect(server.socket_path)
        conn.sendall(forkserver._HEADER.pack(3) + b"abc")  # no file descriptors, not marshal data
        reply = conn.makefile("rb").readline()
    assert reply.startswith(b"error "), reply
    process, port = _start_provider(toolchain, server.env())
    assert _plugin_version(port) == "0.1.0"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
