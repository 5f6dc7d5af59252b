"""The provider process the engine starts, when a fork server is offered: it hands itself over to a forked child.

Run as a script by the ``pulumi-resource-pulumi-python`` shim of the fleet's toolchain
(``fleet/toolchain.py``) with ``python -I -S``: the standard library only, no site-packages, so it starts
in milliseconds. It sends its arguments, working directory, environment and its stdin/stdout/stderr to the
server (``forkserver.py``), passes on the signals it receives to the child, and exits with the child's exit
code. Whenever the server cannot take the request (none offered, another interpreter wanted, the socket
gone, a refusal), it executes the stock shim instead, so the provider starts the ordinary way.
"""

from __future__ import annotations

# Every import costs this script's start, paid for each provider process: builtins and a few small modules.
import marshal
import os
import signal
import socket
import struct
import sys

TYPE_CHECKING = False  # mypy treats this name as True; no `typing` import at run time
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import NoReturn

SOCKET_ENV = "CAC_DIRECTOR_FORKSERVER"
FALLBACK_ENV = "CAC_DIRECTOR_FORKSERVER_FALLBACK"
LOG_ENV = "CAC_DIRECTOR_FORKSERVER_LOG"
# Kept in step with forkserver.py, which this script cannot import (no site-packages here).
_HEADER = struct.Struct("!I")
_FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)


def _fallback(args: list[str], why: str) -> NoReturn:
    log = os.environ.get(LOG_ENV, "")
    if log:
        try:
            with open(log, "a", encoding="utf-8") as file:
                file.write(f"ordinary start: {why}\n")
        except OSError:
            pass  # the log is for diagnosis only
    shim = os.environ.get(FALLBACK_ENV, "")
    if not shim:
        sys.stderr.write("cac-director: no fork server and no provider shim to fall back to\n")
        sys.exit(1)
    os.execv(shim, [shim, *args])  # noqa: S606 - the stock shim, exactly as the engine would have run it


def _on_path(command: str) -> str:
    """``shutil.which`` for a command name or path: shutil's import (re, fnmatch) would double this script's start."""
    if os.sep in command:
        return command if os.access(command, os.X_OK) else ""
    for directory in os.get_exec_path():
        candidate = os.path.join(directory, command)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return ""


def _other_interpreter() -> str:
    """Why the stock shim would run another Python than the server's ("" when it would run the same)."""
    venv = os.environ.get("PULUMI_RUNTIME_VIRTUALENV", "")
    if not venv and os.environ.get("PULUMI_RUNTIME_TOOLCHAIN", "") == "uv":
        venv = ".venv"
    if venv:
        wanted = os.path.realpath(os.path.join(os.path.abspath(venv), "bin"))
    else:
        # No virtualenv option (inline programs pass none): the stock shim runs this command from $PATH.
        command = os.environ.get("PULUMI_PYTHON_CMD") or "python3"
        found = _on_path(command)
        if not found:
            return f"{command} is not on PATH"
        wanted = os.path.realpath(os.path.dirname(found))
    # Not sys.prefix: without site (-S) it is the base installation's, not the virtualenv's.
    ours = os.path.realpath(os.path.dirname(sys.executable))
    return "" if wanted == ours else f"the provider's Python would come from {wanted}, not the fork server's {ours}"


def _replies(conn: socket.socket) -> Iterator[tuple[str, str]]:
    """The server's lines, ``(word, rest)``: ``pid N``, then ``exit N``; or ``error WHY``."""
    buffer = b""
    while True:
        try:
            chunk = conn.recv(4096)
        except InterruptedError:
            continue
        if not chunk:
            return
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            word, _, rest = line.decode(errors="replace").partition(" ")
            yield word, rest


def _kill(pid: int, signum: int) -> None:
    try:  # noqa: SIM105 - contextlib would cost this script's start another import
        os.kill(pid, signum)
    except ProcessLookupError:
        pass  # it has ended already


def main(args: list[str]) -> NoReturn:
    path = os.environ.get(SOCKET_ENV, "")
    if not path:
        _fallback(args, "no fork server offered")
    other = _other_interpreter()
    if other:
        _fallback(args, other)
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    # marshal, not json: a builtin (json costs this script a third of its start). The server is the same
    # interpreter (checked above), reached through a socket only this user can open.
    request = marshal.dumps({"args": args, "cwd": os.getcwd(), "env": dict(os.environ), "pid": os.getpid()})
    try:
        conn.connect(path)
        socket.send_fds(conn, [_HEADER.pack(len(request))], [0, 1, 2])
        conn.sendall(request)
    except OSError as exc:
        conn.close()
        _fallback(args, f"the fork server cannot be reached ({exc.strerror or exc})")
    replies = _replies(conn)
    word, rest = next(replies, ("", ""))
    if word != "pid":
        conn.close()
        _fallback(args, f"the fork server refused: {rest if word == 'error' else 'no answer'}")
    pid = int(rest)

    def forward(signum: int, _frame: object) -> None:
        _kill(pid, signum)

    for signum in _FORWARDED:
        signal.signal(signum, forward)
    for word, rest in replies:
        if word == "exit":
            code = int(rest)
            os._exit(code if code >= 0 else 128 - code)
    # The server went away without word of the child: do not leave it running unobserved.
    _kill(pid, signal.SIGKILL)
    os._exit(1)


if __name__ == "__main__":
    main(sys.argv[1:])
