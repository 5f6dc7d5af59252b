"""A fork server for dynamic provider processes: each one starts with Pulumi and cac_director already imported.

Why: every ``pulumi-python`` provider the engine starts is a new ``python -m pulumi.dynamic``, and the
engine starts two per provider instance in each preview (one for the refresh, one that only answers the
handshake of the program's registration: docs/performance.md "Fleets"). Importing the SDK, gRPC and our
provider modules is ~0.5 s of CPU each time, most of a small stack's provider cost. A fleet runs hundreds
of stacks, so ``cac-director fleet`` starts this server once: it imports everything, then forks one child
per provider process the engine asks for (``forkserver_client``), which runs the SDK's own provider server
(``pulumi.dynamic.__main__``) unchanged. A fork costs a few milliseconds and shares the imported pages.

The child becomes the plugin the engine started, as far as the engine can tell:

- it runs on the client's stdin, stdout and stderr (passed over the Unix socket, ``SCM_RIGHTS``), so the
  port line and every log line reach the engine as they would from ``python -u -m pulumi.dynamic``;
- it runs in the client's working directory, with the client's arguments and whole environment (the engine
  passes ``PULUMI_CONFIG``, ``PULUMI_PROJECT``, the create journal, ...), in a process group of its own;
- it exits when the client does: the engine stops a plugin by killing the client's process group, and the
  client's end of the socket closing is what the child watches; and it watches the engine above the
  client as any provider process watches its own (``_engine_watch.stand_in_for``), so a killed CLI ends it;
- the server reports the child's exit code to the client, which exits with it; signals the client gets
  (the engine's interrupt) are passed on to the child.

The server stops taking requests when its parent closes the lifeline pipe (its stdin), so a killed fleet
leaves no server; it exits once its last child has (a fleet that ends normally has no operation left, so
that is at once, and ``ForkServer.close`` returns with every provider process reaped).
Forking is safe only from a process without threads: the server checks that importing left none, and
refuses to start otherwise (the fleet then starts providers the ordinary way).
"""

from __future__ import annotations

import contextlib
import gc
import marshal
import os
import selectors
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NoReturn

__all__ = ["PRELOAD", "ForkServer", "ForkServerUnavailable", "serve"]

PRELOAD = (
    "grpc",
    "dill",
    "google.protobuf.empty_pb2",
    "pulumi",
    "pulumi.runtime",
    "pulumi.dynamic",
    "pulumi.runtime.proto.provider_pb2_grpc",
    "cac_director.pulumi_provider.providers",
)
"""What ``python -m pulumi.dynamic`` and the unpickled providers import: the cost each child no longer pays."""

SOCKET_ENV = "CAC_DIRECTOR_FORKSERVER"
PYTHON_ENV = "CAC_DIRECTOR_FORKSERVER_PYTHON"
CLIENT_ENV = "CAC_DIRECTOR_FORKSERVER_CLIENT"
FALLBACK_ENV = "CAC_DIRECTOR_FORKSERVER_FALLBACK"
"""The shim the client executes when the server cannot take a request (the stock ``pulumi-resource-pulumi-python``)."""
LOG_ENV = "CAC_DIRECTOR_FORKSERVER_LOG"
"""A file that gets one line per provider process: ``forked <pid> <cwd>`` or ``ordinary start: <why>``."""

READY = "ready"
_HEADER = struct.Struct("!I")
_MAX_REQUEST = 4 * 1024 * 1024
_START_TIMEOUT = 120.0
"""How long the parent waits for the imports; only a hung interpreter gets near it (a guard, not a margin)."""


class ForkServerUnavailable(RuntimeError):
    """The server could not start; the caller runs providers the ordinary way."""


def _read_request(conn: socket.socket) -> tuple[dict[str, Any], list[int]]:
    """One length-prefixed request (marshal) and the three file descriptors sent with its first bytes."""
    data, fds, _flags, _addr = socket.recv_fds(conn, 64 * 1024, 3)
    try:
        return _parse_request(conn, data, fds)
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise


def _parse_request(conn: socket.socket, data: bytes, fds: list[int]) -> tuple[dict[str, Any], list[int]]:
    if len(data) < _HEADER.size:
        raise ValueError("short request")
    (length,) = _HEADER.unpack_from(data)
    if length > _MAX_REQUEST:
        raise ValueError("request too large")
    body = bytearray(data[_HEADER.size :])
    while len(body) < length:
        chunk = conn.recv(length - len(body))
        if not chunk:
            raise ValueError("truncated request")
        body.extend(chunk)
    if len(fds) != 3:
        raise ValueError("expected stdin, stdout and stderr")
    # marshal (the client's choice: a builtin that costs it no import): same interpreter, a socket in a
    # directory only this user can open (``ForkServer``), so nobody else can send one.
    request = marshal.loads(bytes(body))  # noqa: S302 - only this user's own client can reach the socket
    if not isinstance(request, dict):
        raise ValueError("malformed request")
    return request, list(fds)


def _run_child(request: dict[str, Any], fds: list[int], conn: socket.socket) -> NoReturn:
    """In the forked child: become the provider process the client stands for."""
    code = 1
    try:
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.setpgid(0, 0)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])

        def exit_with_client() -> None:
            # The client never sends after its request: recv returns only when it is gone.
            try:
                conn.recv(1)
            finally:
                os._exit(0)

        threading.Thread(target=exit_with_client, daemon=True, name="client-watch").start()
        import runpy  # noqa: PLC0415

        from cac_director.pulumi_provider import _engine_watch  # noqa: PLC0415

        server = Path(sys.modules["pulumi.dynamic"].__file__ or "").with_name("__main__.py")
        sys.argv = [str(server), *request["args"]]
        # If the engine dies without killing the client, this process must still end with it.
        _engine_watch.stand_in_for(int(request["pid"]))
        _engine_watch.exit_with_engine()
        runpy.run_module("pulumi.dynamic", run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


@dataclass
class _Server:
    listener: socket.socket
    lifeline: IO[bytes]
    log: Path | None = None
    children: dict[int, socket.socket] = field(default_factory=dict)

    def serve_forever(self) -> None:
        """Serve until the lifeline closes, then wait for the children still running (their clients end them)."""
        selector = selectors.DefaultSelector()
        selector.register(self.listener, selectors.EVENT_READ, "accept")
        selector.register(self.lifeline, selectors.EVENT_READ, "lifeline")
        closing = False
        while not closing or self.children:
            for key, _events in selector.select(timeout=0.2):
                if key.data == "accept":
                    self._accept()
                elif not os.read(self.lifeline.fileno(), 4096):
                    # The parent is done (or gone): no new children; the running ones end with their clients.
                    closing = True
                    selector.unregister(self.listener)
                    selector.unregister(self.lifeline)
            self._reap()

    def _accept(self) -> None:
        conn, _addr = self.listener.accept()
        # The client sends its request at once; one that does not must not hold up the others.
        conn.settimeout(10.0)
        try:
            request, fds = _read_request(conn)
            conn.settimeout(None)
        except (OSError, ValueError, EOFError, TypeError) as exc:
            _send(conn, f"error {exc}")
            conn.close()
            return
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError as exc:  # out of processes or memory: this client starts its provider the ordinary way
            for fd in fds:
                os.close(fd)
            _send(conn, f"error {exc}")
            conn.close()
            return
        if pid == 0:
            # Only this child's connection stays open in it: the others belong to other clients.
            self.listener.close()
            for other in self.children.values():
                other.close()
            _run_child(request, fds, conn)
        for fd in fds:
            os.close(fd)
        self.children[pid] = conn
        _send(conn, f"pid {pid}")
        if self.log is not None:
            with self.log.open("a", encoding="utf-8") as log:
                log.write(f"forked {pid} {request['cwd']}\n")

    def _reap(self) -> None:
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            conn = self.children.pop(pid, None)
            if conn is not None:
                _send(conn, f"exit {os.waitstatus_to_exitcode(status)}")
                conn.close()


def _send(conn: socket.socket, line: str) -> None:
    """One line to the client: ``pid N``, ``exit N`` or ``error WHY``."""
    with contextlib.suppress(OSError):  # the client is gone already: nobody to tell
        conn.sendall(line.replace("\n", " ").encode() + b"\n")


def serve(socket_path: str, log: str | None = None) -> int:
    """The server process: import, check that it may fork, listen, say ready on stdout, serve."""
    import importlib  # noqa: PLC0415

    for name in PRELOAD:
        importlib.import_module(name)
    if threading.active_count() != 1:
        print(f"not ready: importing started {threading.active_count() - 1} thread(s); cannot fork safely", flush=True)
        return 1
    # What the imports made is never collected: children then leave those pages shared instead of writing
    # to every one of them on their first collection (the use gc.freeze is documented for).
    gc.freeze()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    listener.listen(64)
    print(READY, flush=True)
    try:
        _Server(listener, sys.stdin.buffer, Path(log) if log else None).serve_forever()
    finally:
        listener.close()
    return 0


class ForkServer:
    """Starts the server process and gives the environment that makes the provider shim use it.

    ``with ForkServer(shim_fallback) as server: env = server.env()``. ``client`` is ``forkserver_client.py``,
    run by this interpreter with ``-I -S`` (no site, no environment): it starts in ~20 ms.
    """

    def __init__(self, fallback_shim: Path, *, python: str | None = None, log: Path | None = None) -> None:
        self.fallback_shim = fallback_shim
        self.python = python or sys.executable
        self.log = log
        self._dir = Path(tempfile.mkdtemp(prefix="cac-director-forkserver-"))
        self.socket_path = str(self._dir / "socket")
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> ForkServer:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def start(self) -> None:
        # A session of its own: the terminal's Ctrl-C reaches the fleet, which closes the server itself.
        self._process = subprocess.Popen(
            [
                self.python,
                "-u",
                "-m",
                "cac_director.pulumi_provider.forkserver",
                self.socket_path,
                *([str(self.log)] if self.log else []),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            start_new_session=True,
        )
        assert self._process.stdout is not None
        line = self._first_line(self._process.stdout)
        if line != READY:
            self.close()
            raise ForkServerUnavailable(line or "the fork server exited before it was ready")

    def _first_line(self, stdout: IO[bytes]) -> str:
        with selectors.DefaultSelector() as selector:
            selector.register(stdout, selectors.EVENT_READ)
            if not selector.select(timeout=_START_TIMEOUT):
                return "the fork server did not finish its imports in time"
        return stdout.readline().decode(errors="replace").strip()

    def env(self) -> dict[str, str]:
        env = {
            SOCKET_ENV: self.socket_path,
            PYTHON_ENV: self.python,
            CLIENT_ENV: str(Path(__file__).with_name("forkserver_client.py")),
            FALLBACK_ENV: str(self.fallback_shim),
        }
        if self.log is not None:
            env[LOG_ENV] = str(self.log)
        return env

    def close(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            assert process.stdin is not None
            try:
                process.stdin.close()
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()
        for leftover in self._dir.glob("*"):
            leftover.unlink(missing_ok=True)
        if self._dir.exists():
            self._dir.rmdir()


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None))
