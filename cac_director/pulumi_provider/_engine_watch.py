"""Stop this process when the Pulumi engine that started it is gone.

The engine (the ``pulumi`` CLI) starts the language host, which starts the program, and one
``python -m pulumi.dynamic`` per provider behind a ``/bin/sh`` wrapper. When the CLI is killed (SIGKILL,
OOM, a closed CI runner) nothing tells them: they were seen to keep sending Director writes for seconds
afterwards, for objects no state will ever record. Each of them therefore watches its ``pulumi``
ancestor and exits when it has ended (docs/reliability.md "Process lifetime").

A killed CLI may stay a zombie until its own parent reaps it, so "ended" means gone *or* a zombie; the
start time guards against a reused pid. Linux only (``/proc``); elsewhere the watch is not started.

A provider forked from the fleet's fork server (``forkserver``) has the server as its parent, not the
engine: it watches the engine above the client the engine started (``stand_in_for``), from the moment it
is forked, whether or not an operation ever reaches it.

Provider processes the engine started but never sent an operation to have none of our code loaded, so
the first watcher to notice also ends the processes started for the same engine: those whose command line
names the engine's address (the last argument of every plugin the engine starts, ``--engine`` of the
program) and that have no live ``pulumi`` ancestor any more.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

ENGINE_NAMES = frozenset({"pulumi"})
POLL_SECONDS = 0.5
_started = threading.Event()
_stands_in_for: int | None = None
"""A process forked from the fleet's fork server runs for the client the engine started: its ancestors count."""


def stand_in_for(pid: int) -> None:
    """This process does the work of ``pid`` (``forkserver``): find the engine above ``pid``, not above us."""
    global _stands_in_for  # noqa: PLW0603 - one per process, set once in a forked child before any watch
    _stands_in_for = pid


def _stat(pid: int) -> tuple[str, str, int, str] | None:
    """(command name, state, parent pid, start time) of ``pid``, or None when it does not exist."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The name is in parentheses and may itself contain spaces or parentheses.
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    return name, fields[0], int(fields[1]), fields[19]


def find_engine(pid: int | None = None) -> tuple[int, str] | None:
    """(pid, start time) of the nearest ``pulumi`` ancestor of ``pid`` (default: this process), or None."""
    current = (_stands_in_for if _stands_in_for is not None else os.getppid()) if pid is None else pid
    for _ in range(16):
        info = _stat(current)
        if info is None or current <= 1:
            return None
        name, _state, parent, started = info
        if name in ENGINE_NAMES:
            return current, started
        current = parent
    return None


def engine_alive(engine: tuple[int, str]) -> bool:
    info = _stat(engine[0])
    return info is not None and info[1] not in {"Z", "X"} and info[3] == engine[1]


def _engine_address(argv: list[str]) -> str | None:
    """The ``host:port`` of the engine in a plugin's or the program's command line."""
    if "--engine" in argv[:-1]:
        return argv[argv.index("--engine") + 1]
    last = argv[-1] if argv else ""
    host, _, port = last.rpartition(":")
    return last if host and port.isdigit() else None


def end_orphaned_siblings(address: str) -> None:
    """SIGKILL the other processes of a dead engine at ``address`` (same user, no live engine above them)."""
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        pid = int(entry.name)
        try:
            if entry.stat().st_uid != os.getuid():
                continue
            argv = entry.joinpath("cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        args = [a.decode(errors="replace") for a in argv if a]
        if address not in args or find_engine(pid) is not None:
            continue
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            continue


def exit_with_engine() -> None:
    """Start (once per process) a daemon thread that ends this process when its engine has ended."""
    if _started.is_set() or not Path("/proc/self/stat").exists():
        return
    engine = find_engine()
    if engine is None:
        return  # not run by the pulumi CLI (tests calling providers directly, the automation API in-process)
    _started.set()

    address = _engine_address(sys.argv)

    def watch() -> None:
        while engine_alive(engine):
            threading.Event().wait(POLL_SECONDS)
        if address:
            end_orphaned_siblings(address)
        # No other cleanup on purpose: an interrupted write must not be followed by any further request.
        os._exit(1)

    threading.Thread(target=watch, name="cac-director-engine-watch", daemon=True).start()


def stop_quietly_on_interrupt() -> None:
    """Make SIGINT end the program process with one line instead of the SDK's chained tracebacks.

    The engine interrupts the program when it ends an update early (a provider process died, an operation
    failed while registrations were still in flight); the SDK is then usually formatting the traceback of the
    resource monitor's shutdown, and the interrupt adds ~80 lines naming only Python internals. The program
    only reads from the Director, so ending it at once loses nothing. Providers keep the default: a write
    in flight must finish its bookkeeping.
    """

    def stop(_signum: int, _frame: object) -> None:
        sys.stderr.write("cac-director: the engine stopped the program; the errors above say why\n")
        sys.stderr.flush()
        os._exit(1)

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, stop)
