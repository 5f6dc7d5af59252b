"""SingleFlightCache: one load per key under concurrent misses, atomic copy-on-write updates."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from cac_director.director.single_flight import SingleFlightCache


def test_concurrent_misses_load_once() -> None:
    cache: SingleFlightCache[dict[str, str]] = SingleFlightCache()
    calls: list[int] = []
    lock = threading.Lock()

    def loader() -> dict[str, str]:
        with lock:
            calls.append(1)
        time.sleep(0.05)
        return {"a": "1"}

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: cache.get("k", loader), range(8)))
    assert len(calls) == 1
    assert all(result == {"a": "1"} for result in results)


def test_concurrent_refreshes_collapse_but_a_later_refresh_reloads() -> None:
    cache: SingleFlightCache[int] = SingleFlightCache()
    cache.put("k", 0)
    counter = iter(range(1, 100))

    def loader() -> int:
        time.sleep(0.05)
        return next(counter)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = set(pool.map(lambda _: cache.get("k", loader, refresh=True), range(4)))
    assert results == {1}
    assert cache.get("k", loader, refresh=True) == 2


def test_update_replaces_without_mutating_what_readers_hold() -> None:
    cache: SingleFlightCache[dict[str, str]] = SingleFlightCache()
    cache.put("k", {"a": "1"})
    held = cache.peek("k")
    cache.update("k", lambda table: {**table, "b": "2"})
    assert held == {"a": "1"}
    assert cache.peek("k") == {"a": "1", "b": "2"}
    cache.update("missing", lambda table: {**table, "x": "y"})
    assert cache.peek("missing") is None
