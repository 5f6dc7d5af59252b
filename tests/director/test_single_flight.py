"""SingleFlightCache: one load per key under concurrent misses, atomic copy-on-write updates; StampedLoads."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from cac_director.director.single_flight import SingleFlightCache, StampedLoads

HANG_GUARD = 60.0


class _Arrivals:
    """Counts callers about to call the cache; a loader waits for all of them, so they overlap on any machine."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.count = 0
        self.cond = threading.Condition()

    def arrive(self) -> None:
        with self.cond:
            self.count += 1
            self.cond.notify_all()

    def wait_all(self) -> None:
        with self.cond:
            assert self.cond.wait_for(lambda: self.count >= self.expected, timeout=HANG_GUARD)
        time.sleep(0.05)  # the last arrival is between arrive() and get(): let it reach the in-flight wait


def test_concurrent_misses_load_once() -> None:
    cache: SingleFlightCache[dict[str, str]] = SingleFlightCache()
    calls: list[int] = []
    lock = threading.Lock()

    arrivals = _Arrivals(8)

    def loader() -> dict[str, str]:
        with lock:
            calls.append(1)
        arrivals.wait_all()
        return {"a": "1"}

    def call(_: int) -> dict[str, str]:
        arrivals.arrive()
        return cache.get("k", loader)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(call, range(8)))
    assert len(calls) == 1
    assert all(result == {"a": "1"} for result in results)


def test_concurrent_refreshes_collapse_but_a_later_refresh_reloads() -> None:
    cache: SingleFlightCache[int] = SingleFlightCache()
    cache.put("k", 0)
    counter = iter(range(1, 100))

    arrivals = _Arrivals(4)
    loads = 0

    def loader() -> int:
        nonlocal loads
        loads += 1
        if loads == 1:
            arrivals.wait_all()
        return next(counter)

    def call(_: int) -> int:
        arrivals.arrive()
        return cache.get("k", loader, refresh=True)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = set(pool.map(call, range(4)))
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


def test_stamped_loads_answer_only_with_a_load_begun_at_or_after_since() -> None:
    loads: StampedLoads[int] = StampedLoads()
    counter = iter(range(1, 100))
    before = time.monotonic()
    assert loads.get("k", before, lambda: next(counter)) == (1, True)
    assert loads.get("k", before, lambda: next(counter)) == (1, False)
    assert loads.get("k", time.monotonic(), lambda: next(counter)) == (2, True)


def test_a_caller_arriving_during_a_load_waits_for_the_next_one() -> None:
    # The create whose order finishes while a listing runs must not take that listing: it may miss the object.
    loads: StampedLoads[str] = StampedLoads()
    in_flight, release = threading.Event(), threading.Event()

    def slow() -> str:
        in_flight.set()
        assert release.wait(HANG_GUARD)
        return "begun before"

    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(loads.get, "k", time.monotonic(), slow)
        assert in_flight.wait(HANG_GUARD)
        arrived = time.monotonic()
        second = pool.submit(loads.get, "k", arrived, lambda: "begun after")
        release.set()
        assert first.result(HANG_GUARD) == ("begun before", True)
        assert second.result(HANG_GUARD) == ("begun after", True)
