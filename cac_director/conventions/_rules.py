"""Cross-field rules of a type ("field X is required when Y"), declared in its type file.

A rule reads one resolved resource as a plain dict and returns plain findings. It knows nothing of
files or lines: the config layer (``config/validate/api_rules.py``) walks each finding's location in
the located source to attach file, line and the human path, so this bottom layer never imports config.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]

Step = str | int
"""A dict key or a list index, from the resource down to the object a finding is about."""


@dataclass(frozen=True)
class Finding:
    """One problem of one resource: where (``within`` + ``field``), what, what to do."""

    code: str
    message: str
    field: str
    hint: str
    within: tuple[Step, ...] = ()
    """Path of the object holding ``field``, e.g. ``("routing_criteria", 0)``; empty for the resource itself."""
    at_field: bool = False
    """Point at the line of ``field`` itself (a field that must go); else at its object (a field that is missing)."""
    severity: Severity = "error"


Rule = Callable[[Mapping[str, Any]], Iterator[Finding]]
"""A cross-field rule: every finding of one resolved resource (the type's defaults already filled in)."""


def _is_empty(value: object) -> bool:
    return value in (None, "", [])


def require(resource: Mapping[str, Any], field: str, why: str, within: tuple[Step, ...] = ()) -> Iterator[Finding]:
    """``field`` must be set (not absent, null, "" or []) ``why`` (e.g. "when proxy_condition is None")."""
    if _is_empty(resource.get(field)):
        yield Finding("missing-field", f"{field!r} is required {why}", field, f"add {field}", within)


def forbid(resource: Mapping[str, Any], field: str, why: str, within: tuple[Step, ...] = ()) -> Iterator[Finding]:
    """``field`` must be unset (absent, null, "" or []) ``why``."""
    if not _is_empty(resource.get(field)):
        hint = f"remove {field} (or set it to null in the child layer)"
        yield Finding("forbidden-field", f"{field!r} must not be set {why}", field, hint, within, at_field=True)


def elements(resource: Mapping[str, Any], field: str) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """(index, element) of every object in the list ``field`` (other values are the model check's to report)."""
    values = resource.get(field)
    for index, value in enumerate(values if isinstance(values, list) else ()):
        if isinstance(value, Mapping):
            yield index, value
