"""Walking reference paths such as ``routing_criteria[].repo`` in model-shape objects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def map_path(obj: Any, path: str, fn: Callable[[Any], Any]) -> Any:
    """Replace every value at ``path`` below ``obj`` by ``fn(value)``; absent keys are left absent."""
    return _walk(obj, path.split("."), fn)


def _walk(obj: Any, parts: list[str], fn: Callable[[Any], Any]) -> Any:
    if not parts:
        return fn(obj)
    if not isinstance(obj, dict):
        return obj
    head, rest = parts[0], parts[1:]
    key, many = (head[:-2], True) if head.endswith("[]") else (head, False)
    if obj.get(key) is None:
        return obj
    value = obj[key]
    if many and isinstance(value, list):
        obj[key] = [_walk(item, rest, fn) for item in value]
    else:
        obj[key] = _walk(value, rest, fn)
    return obj


def names_at(obj: Any, path: str) -> list[str]:
    """Every string value at ``path`` below ``obj`` (in order), without touching ``obj``.

    Read-only on purpose: ``obj`` may already hold Pulumi outputs, which refuse to be copied.
    """
    found: list[str] = []
    _collect(obj, path.split("."), found)
    return found


def _collect(obj: Any, parts: list[str], found: list[str]) -> None:
    if not parts:
        if isinstance(obj, str):
            found.append(obj)
        return
    if not isinstance(obj, dict):
        return
    head, rest = parts[0], parts[1:]
    key, many = (head[:-2], True) if head.endswith("[]") else (head, False)
    value = obj.get(key)
    if many and isinstance(value, list):
        for item in value:
            _collect(item, rest, found)
    elif value is not None:
        _collect(value, rest, found)
