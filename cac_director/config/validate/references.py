"""Level 4: every name referenced exists (declared or built-in), is not deleted, and nothing loops.

Reference facts come from ``conventions`` (``Reference.path``/``target``, ``builtins``). Targets
that are not sections (normalization packages, compiled normalizers, enrichment sources, users)
are vendor objects: they can only be checked against a node, at apply time (docs/architecture.md).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from cac_director.config._paths import PathT, element_segment, join
from cac_director.config.issues import IssueCollector, Mark
from cac_director.config.loader import mark_of
from cac_director.constants import NONE
from cac_director.conventions import LOOKUPS, SECTIONS, Reference, by_section
from cac_director.conventions.paths import slots

NONE_SENTINEL = NONE


def iter_reference_values(
    resource: Any, source: Any, spec: str, path: PathT
) -> Iterator[tuple[Any, Mark | None, PathT]]:
    """(value, mark, path) of every value at a conventions path such as ``routing_criteria[].repo``.

    ``source`` is the located (marked) twin of ``resource``: the walk follows the same keys there for marks.
    """
    for slot in slots(resource, spec):
        located: Any = source
        where = path
        *outer, (key, position) = slot.trail
        for outer_key, outer_position in outer:
            located = located.get(outer_key) if isinstance(located, dict) else None
            if outer_position is None:
                where = (*where, outer_key)
                continue
            located = located[outer_position] if isinstance(located, list) and outer_position < len(located) else None
            where = (*where, element_segment(outer_key, located, outer_position))
        if position is None:
            yield slot.value, mark_of(located, key), (*where, key)
        else:
            located_list = located.get(key) if isinstance(located, dict) else None
            yield slot.value, mark_of(located_list, position), (*where, f"{key}[{position}]")


def validate_references(
    resolved: dict[str, list[tuple[str, dict[str, Any], Any]]],
    deleted: dict[tuple[str, str], Mark | None],
    collector: IssueCollector,
) -> None:
    """Check every reference of every resolved resource; ``resolved`` maps section -> (name, plain, source)."""
    declared = {section: {name for name, _, _ in resolved.get(section, [])} for section in SECTIONS}
    edges: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for section in SECTIONS:
        conventions = by_section(section)
        for name, resource, source in resolved.get(section, []):
            base: PathT = (f"{section}[{name}]",)
            for reference in conventions.references:
                for value, mark, where in iter_reference_values(resource, source, reference.path, base):
                    target = _check_one(
                        reference,
                        value,
                        mark=mark,
                        where=where,
                        declared=declared,
                        deleted=deleted,
                        collector=collector,
                    )
                    if target is not None:
                        edges.setdefault((section, name), []).append(target)
    _check_cycles(edges, collector)


def _check_one(  # noqa: PLR0911 - each early return is one kind of acceptable reference
    reference: Reference,
    value: Any,
    *,
    mark: Mark | None,
    where: PathT,
    declared: dict[str, set[str]],
    deleted: dict[tuple[str, str], Mark | None],
    collector: IssueCollector,
) -> tuple[str, str] | None:
    if not isinstance(value, str) or value == "":
        return None  # type errors are level 3's; "" means "no reference" (e.g. a criterion without repo)
    if reference.target not in declared:
        return None  # vendor object: only its syntax can be checked offline
    if reference.none_sentinel and value == NONE_SENTINEL:
        return None
    target = by_section(reference.target)
    if value in declared[reference.target]:
        return (reference.target, value)
    if value in target.builtins:
        return None
    if reference.target in LOOKUPS and (reference.target, value) not in deleted:
        # Also a node lookup (Users: alert-rule owners made in the console): checked on the node at apply time.
        return None
    if (reference.target, value) in deleted:
        where_deleted = deleted[(reference.target, value)]
        collector.error(
            "deleted-reference",
            f"references {reference.target}[{value}], which is deleted"
            + (f" at {where_deleted}" if where_deleted else ""),
            mark=mark,
            path=join(where),
            hint="remove the reference too, or keep the object",
        )
        return None
    candidates = sorted(declared[reference.target] | target.builtins)
    close = difflib.get_close_matches(value, candidates, n=3)
    collector.error(
        "dangling-reference",
        f"{reference.target} {value!r} does not exist",
        mark=mark,
        path=join(where),
        hint=(f"did you mean {', '.join(close)}? " if close else "")
        + f"declare it under {reference.target} or use a built-in ({', '.join(sorted(target.builtins)) or 'none'})",
    )
    return None


def _check_cycles(edges: dict[tuple[str, str], list[tuple[str, str]]], collector: IssueCollector) -> None:
    # Iterative DFS: white/grey/black colouring; a grey target is a back edge.
    state: dict[tuple[str, str], int] = {}
    for start in edges:
        if state.get(start):
            continue
        stack: list[tuple[tuple[str, str], int]] = [(start, 0)]
        trail: list[tuple[str, str]] = [start]
        state[start] = 1
        while stack:
            node, position = stack[-1]
            targets = edges.get(node, [])
            if position >= len(targets):
                stack.pop()
                trail.pop()
                state[node] = 2
                continue
            stack[-1] = (node, position + 1)
            nxt = targets[position]
            if state.get(nxt) == 1:
                loop = [*trail[trail.index(nxt) :], nxt]
                collector.error(
                    "reference-cycle",
                    "references form a loop: " + " -> ".join(f"{s}[{n}]" for s, n in loop),
                    path=f"{node[0]}[{node[1]}]",
                    hint="break the loop; the Director cannot create these in any order",
                )
            elif not state.get(nxt):
                state[nxt] = 1
                stack.append((nxt, 0))
                trail.append(nxt)
