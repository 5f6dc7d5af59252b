"""Human paths such as ``routingPolicies[rp-windows].routing_criteria[crit-audit].repo``.

Paths are tuples of already formatted segments while resolving (cheap to extend) and joined only
when an issue is reported.
"""

from __future__ import annotations

from typing import Any

PathT = tuple[str, ...]


def join(path: PathT) -> str:
    return ".".join(path)


def element_segment(field: str, element: Any, index: int) -> str:
    """``field[<_id>]`` for an element with an ``_id``, ``field[<index>]`` otherwise."""
    if isinstance(element, dict):
        ident = element.get("_id")
        if isinstance(ident, str | int) and not isinstance(ident, bool):
            return f"{field}[{ident}]"
    return f"{field}[{index}]"
