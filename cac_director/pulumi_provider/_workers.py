"""Let one dynamic-provider process serve more than 4 operations at once.

The SDK's provider process (``python -m pulumi.dynamic``, SDK 3.272) serves gRPC from
``ThreadPoolExecutor(max_workers=4)``, so whatever ``--parallel`` allows, a process runs at most 4 creates,
updates or deletes at once, each of which mostly waits on a Director order (docs/pulumi-sdk-notes.md §6).
One explicit provider per node lifts the cap for a stack of many nodes, but a single-node stack (an
all-in-one customer) stays at 4, and splitting a node over several processes would multiply its listings.

``widen_current_pool(n)`` is called from ``configure()``, which the SDK runs inside one of those worker
threads when the first call of a resource type arrives (the engine's ``Check``, which precedes every
create): the thread's arguments hold a weak reference to its executor (CPython's
``concurrent.futures.thread``), and raising the executor's ``_max_workers`` makes it start more workers on
demand (a worker is started when a call arrives and none is idle; calls already queued are served as the
next ones arrive). Anything unexpected (another runtime, a different executor layout) leaves the pool as
it is. This reaches into private attributes of CPython's executor on purpose: the SDK offers no setting.
``tests/provider/test_workers.py`` drives a real provider process over gRPC and fails if either side
changes: the SDK alone must serve exactly 4 calls at once, a widened process all 12 it is sent.
"""

from __future__ import annotations

import threading
import weakref
from concurrent.futures import ThreadPoolExecutor

_lock = threading.Lock()


def _current_executor() -> ThreadPoolExecutor | None:
    args = getattr(threading.current_thread(), "_args", None)
    ref = args[0] if isinstance(args, tuple) and args else None
    executor = ref() if isinstance(ref, weakref.ref) else None
    return executor if isinstance(executor, ThreadPoolExecutor) else None


def widen_current_pool(max_workers: int) -> int | None:
    """Let the executor running this thread use up to ``max_workers`` threads (never fewer than it had).

    Returns its worker limit afterwards, or None when this thread is not a ``ThreadPoolExecutor`` worker.
    """
    executor = _current_executor()
    if executor is None:
        return None
    with _lock:
        current = getattr(executor, "_max_workers", None)
        if not isinstance(current, int):
            return None
        if current < max_workers:
            executor._max_workers = max_workers  # type: ignore[attr-defined]
        return int(executor._max_workers)  # type: ignore[attr-defined]
