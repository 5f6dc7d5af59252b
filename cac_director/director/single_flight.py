"""Load a value once per key even when several threads miss the cache at the same moment.

A provider process serves up to ``providerThreads`` operations at once (32 by default); without this, a
refresh whose first reads of a type arrive together lists that collection once per read instead of once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class SingleFlightCache(Generic[V]):
    """A thread-safe cache whose loads run at most once at a time per key.

    ``get(key, loader, refresh=True)`` reloads, unless another thread finished a load of that key while
    this one waited for it: then that fresh value is used, so concurrent refreshes collapse into one.
    """

    def __init__(self) -> None:
        self._values: dict[Hashable, V] = {}
        self._generations: dict[Hashable, int] = {}
        self._key_locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()

    def peek(self, key: Hashable) -> V | None:
        with self._guard:
            return self._values.get(key)

    def put(self, key: Hashable, value: V) -> None:
        with self._guard:
            self._values[key] = value

    def update(self, key: Hashable, change: Callable[[V], V]) -> None:
        """Replace a cached value by ``change(value)`` atomically (values are never mutated in place, so
        readers iterating an older value are safe); nothing happens when the key is not cached."""
        with self._guard:
            if key in self._values:
                self._values[key] = change(self._values[key])

    def pop(self, key: Hashable) -> None:
        with self._guard:
            self._values.pop(key, None)

    def get(self, key: Hashable, loader: Callable[[], V], *, refresh: bool = False) -> V:
        with self._guard:
            value = self._values.get(key)
            generation = self._generations.get(key, 0)
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        if value is not None and not refresh:
            return value
        with key_lock:
            with self._guard:
                if self._generations.get(key, 0) != generation and key in self._values:
                    return self._values[key]
            value = loader()
            with self._guard:
                self._values[key] = value
                self._generations[key] = self._generations.get(key, 0) + 1
            return value


class StampedLoads(Generic[V]):
    """The latest load per key, stamped with the moment it began; loads of one key run one at a time.

    ``get(key, since, loader)`` answers with the latest value if its load began at or after ``since``, and
    loads otherwise. A load that began after ``since`` saw everything that was done before ``since``: a
    create whose order finished at ``since`` is in any listing begun since, so creates finishing together
    share one listing, and one that finishes while a listing runs waits for the next one.
    """

    def __init__(self) -> None:
        self._values: dict[Hashable, tuple[float, V]] = {}
        self._key_locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, key: Hashable, since: float, loader: Callable[[], V]) -> tuple[V, bool]:
        """The value and whether this call loaded it (False: a load begun at or after ``since`` answered)."""
        with self._guard:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._guard:
                stamped = self._values.get(key)
            if stamped is not None and stamped[0] >= since:
                return stamped[1], False
            began = time.monotonic()
            value = loader()
            self.record(key, began, value)
            return value, True

    def record(self, key: Hashable, began: float, value: V) -> None:
        """Keep a value loaded elsewhere (begun at ``began``) if it is the latest one."""
        with self._guard:
            stamped = self._values.get(key)
            if stamped is None or stamped[0] <= began:
                self._values[key] = (began, value)
