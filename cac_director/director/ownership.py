"""The ownership marker: which stack manages a Director object, written where the Director keeps free text.

Only AlertRule, DeviceGroup and EnrichmentPolicy have a ``description`` (docs/director-api.md §7.4, §7.6,
§7.9; docs/reliability.md "Ownership"):
their objects carry `` [cac-director:<project>/<stack>]`` at the end of it. The marker is written with the
object (so an object created by an interrupted apply already says whose it is), never shown in the model
(``mapping.from_wire`` strips it, so it is neither drift nor exported) and read back by the provider to
tell its own objects from another stack's.
"""

from __future__ import annotations

import re

from cac_director.conventions import ResourceConventions

MARKER_FIELD = "description"
_MARKER = re.compile(r"\s*\[cac-director:([^\]\s]+)\]\s*$")


def carries_marker(conv: ResourceConventions) -> bool:
    """True when objects of ``conv`` have a free-text field that can hold the marker."""
    return MARKER_FIELD in conv.writable_fields


def owner_of(text: object) -> str | None:
    """The stack named by the marker at the end of ``text``, or None."""
    if not isinstance(text, str):
        return None
    match = _MARKER.search(text)
    return match.group(1) if match else None


def strip(text: str) -> str:
    """``text`` without its marker."""
    return _MARKER.sub("", text)


def mark(text: object, owner: str) -> str:
    """``text`` (None counts as empty) with ``owner``'s marker in place of any earlier one."""
    base = strip(text) if isinstance(text, str) else ""
    return f"{base} [cac-director:{owner}]" if base else f"[cac-director:{owner}]"
