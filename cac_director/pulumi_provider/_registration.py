"""Register cac-director resources without a stack trace: for them it carries no information and costs state.

The Python SDK (3.272) sends, with every resource registration, the Python stack from the resource's
constructor down to the bottom of the process (``_get_stack_trace``), and its top frame as the resource's
``sourcePosition``. For a cac-director resource that is always the same: the resource class, the program's
registration loop, the project's ``__main__``, then ``runpy``, the language host's exec script and asyncio
(the object itself is declared in YAML, which the trace cannot point at). The engine stores both in the
checkpoint: ~1.2 KB per resource with the runtime frames, 425 B with the program's frames only. The file
backend rewrites the whole checkpoint after every step (docs/performance.md), so those bytes are paid about
2N times by an ``up`` of N resources. The CLI never shows either field (only the JSON event stream and the
Cloud console carry them), so we record none.

``install()`` rebinds ``pulumi.runtime.resource._get_stack_trace``, which the SDK looks up in that module at
every registration. ``tests/provider/test_registration.py`` pins what the SDK sends without it.

Not trimmed, because the engine would put it back: ``propertyDependencies`` holds an entry per input key,
mostly empty. The SDK sends them, and the engine also adds an empty entry for every input key the request
left out (``source_eval.go``), so the only lever is having fewer top-level input keys.
"""

from __future__ import annotations

import threading
from typing import Any

import pulumi.runtime.resource as _sdk_resource
from pulumi.runtime.proto import source_pb2

_lock = threading.Lock()
_installed = False
ORIGINALS: dict[str, Any] = {}
"""The SDK functions ``install()`` replaced, by name (what the tests compare against)."""


def no_stack_trace() -> source_pb2.StackTrace:
    """An empty trace: the SDK then sends neither frames nor a source position."""
    return source_pb2.StackTrace()


def install() -> None:
    """Register every resource of this process without a stack trace from now on. Idempotent."""
    global _installed  # noqa: PLW0603 (process-wide, install-once switch)
    with _lock:
        if _installed:
            return
        ORIGINALS["_get_stack_trace"] = _sdk_resource._get_stack_trace  # type: ignore[attr-defined]
        _sdk_resource._get_stack_trace = no_stack_trace  # type: ignore[attr-defined]
        _installed = True
