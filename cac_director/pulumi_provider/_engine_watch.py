"""Stop this process when the Pulumi engine that started it is gone.

The engine (the ``pulumi`` CLI) starts the language host, which starts the program, and one
``python -m pulumi.dynamic`` per provider behind a ``/bin/sh`` wrapper. When the CLI is killed (SIGKILL,
OOM, a closed CI runner) nothing tells them: they were seen to keep sending Director writes for seconds
afterwards, for objects no state will ever record. Each of them therefore watches its ``pulumi``
ancestor and exits when it has ended (docs/reliability.md "Process lifetime").

A killed CLI may stay a zombie until its own parent reaps it, so "ended" means gone *or* a zombie; the
start time guards against a reused pid. Linux only (``/proc``); elsewhere the watch is not started.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

ENGINE_NAMES = frozenset({"pulumi"})
POLL_SECONDS = 0.5
_started = threading.Event()


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
    current = os.getppid() if pid is None else pid
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


def exit_with_engine() -> None:
    """Start (once per process) a daemon thread that ends this process when its engine has ended."""
    if _started.is_set() or not Path("/proc/self/stat").exists():
        return
    engine = find_engine()
    if engine is None:
        return  # not run by the pulumi CLI (tests calling providers directly, the automation API in-process)
    _started.set()

    def watch() -> None:
        while engine_alive(engine):
            threading.Event().wait(POLL_SECONDS)
        # No cleanup on purpose: an interrupted write must not be followed by any further request.
        os._exit(1)

    threading.Thread(target=watch, name="cac-director-engine-watch", daemon=True).start()
