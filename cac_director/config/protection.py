"""``protect: true`` from YAML: on one resource (any layer; merged like any key, so a child may set
``protect: false``) or on whole sections of an instance (``spec.protect: {repos: true}``, or ``true`` for
every section). Protected objects are registered with Pulumi's ``protect`` option: the engine refuses to
delete them until they are released (docs/protection.md)."""

from __future__ import annotations

from typing import Any

from cac_director.config.issues import IssueCollector
from cac_director.config.loader import mark_of
from cac_director.conventions import SECTIONS

PROTECT_KEY = "protect"


def pop_protect(resource: dict[str, Any], source: Any, path: str, collector: IssueCollector) -> bool:
    """Take ``protect`` out of a resolved resource (it is no Director field) and say whether it is set."""
    if PROTECT_KEY not in resource:
        return False
    value = resource.pop(PROTECT_KEY)
    if value is None or isinstance(value, bool):
        return bool(value)
    collector.error(
        "bad-protect",
        f"protect must be true or false, got {value!r}",
        mark=mark_of(source, PROTECT_KEY),
        path=f"{path}.{PROTECT_KEY}",
        hint="write `protect: true` to have Pulumi refuse to delete this object",
    )
    return False


def protected_sections(spec: Any) -> frozenset[str]:
    """Sections that ``spec.protect`` protects as a whole (malformed values were reported by level 1)."""
    value = spec.get(PROTECT_KEY) if isinstance(spec, dict) else None
    if value is True:
        return frozenset(SECTIONS)
    if isinstance(value, dict):
        return frozenset(section for section, on in value.items() if section in SECTIONS and on is True)
    return frozenset()
