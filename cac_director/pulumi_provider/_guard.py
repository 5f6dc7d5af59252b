"""Guard against the SDK's pickler leak that crashes programs with ~1,000 dynamic resources.

``pulumi.dynamic.dynamic.serialize_provider`` (SDK 3.272) wraps ``pickle._Pickler._batch_setitems``
with a sorting wrapper on every call and never restores it, so each resource construction adds
one more nested wrapper until ``RecursionError`` (docs/pulumi-sdk-notes.md §4). Restoring the
original after each call keeps serialization flat. ``install()`` is idempotent; tests pin the SDK
version this was checked against and build 2,000 resources to prove it. Serializations run one at a time, as
the SDK's swap of ``pickle.Pickler`` is process-wide and inline fleet programs register from several threads.
"""

from __future__ import annotations

import functools
import pickle
import threading
from typing import Any

import pulumi.dynamic.dynamic as _dynamic

_ORIGINAL_BATCH_SETITEMS = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
_lock = threading.Lock()
_serialize_lock = threading.Lock()
_installed = False


def install() -> None:
    """Wrap ``serialize_provider`` so that it always leaves ``_batch_setitems`` as it found it."""
    global _installed  # noqa: PLW0603 (process-wide, install-once switch)
    with _lock:
        if _installed:
            return
        original = _dynamic.serialize_provider

        @functools.wraps(original)
        def serialize_provider(provider: Any) -> str:
            # One at a time: the SDK swaps pickle.Pickler and its dict methods process-wide for the call, and
            # the inline programs of `cac-director fleet` register resources from several threads at once.
            with _serialize_lock:
                try:
                    return str(original(provider))
                finally:
                    pickle._Pickler._batch_setitems = _ORIGINAL_BATCH_SETITEMS  # type: ignore[attr-defined]

        # Resource.__init__ looks the name up in the module at call time, so rebinding it is enough.
        _dynamic.serialize_provider = serialize_provider
        _installed = True
