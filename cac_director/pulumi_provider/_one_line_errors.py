"""Our errors reach the engine as their message alone, not as a Python traceback.

The SDK's dynamic provider server (``python -m pulumi.dynamic``, pinned pulumi 3.x) wraps every RPC in
``_abort_with_traceback``, which answers any exception with ``traceback.format_exc()``; the engine prints
that text once per failed resource. Our errors already say the operation, the object, the node, what the
Director said and what to do, so their traceback is noise (one wrong token printed 122 of them).

The SDK offers no hook for this, so the patch is as narrow as it can be: it replaces the ``traceback``
name inside the server module only, and only ``format_exc`` changes, and only for ``CacDirectorError``.
Anything else (a bug) keeps its full traceback.
"""

from __future__ import annotations

import sys
import traceback
from types import ModuleType
from typing import Any

from cac_director.errors import CacDirectorError

SERVER_MODULE = "pulumi.dynamic.__main__"


class _TracebackForOurErrors:
    """Stands in for the ``traceback`` module inside the SDK's provider server."""

    def __getattr__(self, name: str) -> Any:
        return getattr(traceback, name)

    @staticmethod
    def format_exc(limit: int | None = None, chain: bool = True) -> str:
        exc = sys.exc_info()[1]
        if isinstance(exc, CacDirectorError):
            return str(exc)
        return traceback.format_exc(limit, chain)


def server_modules() -> list[ModuleType]:
    """The provider server module, whether it runs as ``__main__`` (``python -m``) or was imported."""
    found = []
    for name in ("__main__", SERVER_MODULE):
        module = sys.modules.get(name)
        spec = getattr(module, "__spec__", None)
        if module is not None and getattr(spec, "name", name) == SERVER_MODULE:
            found.append(module)
    return found


def install() -> bool:
    """Patch the running provider server, if any; True when it is (now) patched. Idempotent."""
    patched = False
    for module in server_modules():
        current = getattr(module, "traceback", None)
        if current is traceback:
            module.traceback = _TracebackForOurErrors()  # type: ignore[attr-defined]
            patched = True
        elif isinstance(current, _TracebackForOurErrors):
            patched = True
    return patched
