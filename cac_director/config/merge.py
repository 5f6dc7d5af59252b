"""Layer folding (configuration-model.md §4 rules 1-5 and 7): deep merge, keyed list merge, directives.

Nothing is mutated: every merge builds new ``PosDict``/``PosList`` values and shares untouched
subtrees, so a resolved template can be cached and reused as the parent of many instances.
Directive keys (``_action``, ``_position``, ``_first``, ``_last``, ``_before``, ``_after``) are
consumed by the layer that writes them; ``_id`` is kept until the final pass so later layers can
address the element.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cac_director.config._paths import PathT, element_segment, join
from cac_director.config.issues import IssueCollector, Mark
from cac_director.config.loader import PosDict, PosList, mark_of

ID_KEY = "_id"
ACTION_KEY = "_action"
PLACEMENT_KEYS = ("_position", "_first", "_last", "_before", "_after")
DIRECTIVE_KEYS = frozenset({ACTION_KEY, *PLACEMENT_KEYS})
KNOWN_INTERNAL_KEYS = frozenset({ID_KEY, *DIRECTIVE_KEYS})
# Precedence of placement directives (configuration-model.md §4.4); deletes always come first.
_PHASES: tuple[tuple[str, ...], ...] = (("_position",), ("_first", "_last"), ("_before", "_after"))

KeyFn = Callable[[PosDict], Any]


@dataclass
class MergeContext:
    """Where merge problems go, plus what was deleted (level 4 names deleted objects in its messages)."""

    collector: IssueCollector
    deleted: dict[tuple[str, str], Mark | None] = field(default_factory=dict)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def merge_value(parent: Any, child: Any, ctx: MergeContext, path: PathT) -> Any:
    """The value a child layer's ``child`` produces over the inherited ``parent``."""
    if isinstance(child, dict):
        return merge_mapping(parent if isinstance(parent, dict) else None, child, ctx, path)
    if isinstance(child, list) and child and all(isinstance(item, dict) for item in child):
        base = parent if isinstance(parent, list) and all(isinstance(item, dict) for item in parent) else []
        return merge_keyed_list(base, child, ctx, path, key_fn=_element_id, kind="element")
    # Scalars and lists of scalars (and the empty list) replace what was inherited (rule 5).
    return child


def merge_mapping(
    parent: PosDict | dict[str, Any] | None, child: dict[str, Any], ctx: MergeContext, path: PathT
) -> PosDict:
    """Key-by-key deep merge; child wins on scalars, explicit null removes the inherited key (rule 2)."""
    child_marks = child.key_marks if isinstance(child, PosDict) else {}
    if parent is None:
        result = PosDict(mark=mark_of(child))
    else:
        parent_marks = parent.key_marks if isinstance(parent, PosDict) else {}
        result = PosDict(parent, mark=mark_of(child) or mark_of(parent), key_marks=dict(parent_marks))
    for key, value in child.items():
        if key in DIRECTIVE_KEYS:
            continue
        if key.startswith("_") and key != ID_KEY:
            ctx.collector.warning(
                "unknown-directive",
                f"internal key {key!r} is not a known directive and is ignored",
                mark=child_marks.get(key),
                path=join(path),
                hint="known directives: _id, _action, _position, _first, _last, _before, _after",
            )
        if value is None:
            result.pop(key, None)
            result.key_marks.pop(key, None)
            continue
        if isinstance(value, dict | list):
            result[key] = merge_value(result.get(key), value, ctx, (*path, key))
        else:
            result[key] = value
        mark = child_marks.get(key)
        if mark is not None:
            result.key_marks[key] = mark
    return result


def _element_id(element: PosDict) -> Any:
    return element.get(ID_KEY)


def _placement(element: dict[str, Any], ctx: MergeContext, path: PathT) -> tuple[str, Any] | None:
    """The one placement directive an element uses: the highest-precedence one it carries."""
    found = [key for key in PLACEMENT_KEYS if key in element and element[key] is not None and element[key] is not False]
    if not found:
        return None
    key = found[0]
    if len(found) > 1:
        ctx.collector.warning(
            "conflicting-directives",
            f"element carries {', '.join(found)}; only {key} is applied (precedence: "
            "_position, then _first/_last, then _before/_after)",
            mark=mark_of(element, found[1]),
            path=join(path),
            hint="keep a single ordering directive per element",
        )
    value = element[key]
    if key == "_position" and not (_is_int(value) and value >= 1):
        ctx.collector.error(
            "bad-directive",
            f"_position must be an integer >= 1, got {value!r}",
            mark=mark_of(element, key),
            path=join(path),
            hint="positions are 1-based",
        )
        return None
    if key in ("_first", "_last") and value is not True:
        ctx.collector.error(
            "bad-directive", f"{key} must be true, got {value!r}", mark=mark_of(element, key), path=join(path)
        )
        return None
    if key in ("_before", "_after") and not (isinstance(value, str) or _is_int(value)):
        ctx.collector.error(
            "bad-directive",
            f"{key} must name an element (its _id or name), got {value!r}",
            mark=mark_of(element, key),
            path=join(path),
        )
        return None
    return key, value


def merge_keyed_list(
    parent: list[Any],
    child: list[Any],
    ctx: MergeContext,
    path: PathT,
    *,
    key_fn: KeyFn,
    kind: str,
    section: str | None = None,
) -> PosList:
    """Merge a list of mappings by key (``_id`` for elements, the name key for resources).

    Order of work follows the precedence of configuration-model.md §4.4: deletes, then merges and
    appends, then ``_position``, then ``_first``/``_last``, then ``_before``/``_after`` (each phase
    in the child's order).
    """
    field_name = path[-1] if path else ""
    prefix = path[:-1]
    items: list[PosDict] = list(parent)
    index: dict[Any, int] = {}
    for position, item in enumerate(items):
        key = key_fn(item)
        if key is not None:
            index[key] = position

    def segment(element: Any, key: Any, position: int) -> PathT:
        if key is not None:
            return (*prefix, f"{field_name}[{key}]")
        return (*prefix, element_segment(field_name, element, position))

    # Phase 0: deletes (rule 3 / 1).
    deleted_any = False
    for position, element in enumerate(child):
        action = element.get(ACTION_KEY)
        if action is None:
            continue
        key = key_fn(element)
        where = segment(element, key, position)
        if action != "delete":
            ctx.collector.error(
                "bad-directive",
                f"_action must be 'delete', got {action!r}",
                mark=mark_of(element, ACTION_KEY),
                path=join(where),
            )
            continue
        if key is None:
            ctx.collector.error(
                "bad-directive",
                f"_action: delete needs the {kind}'s {'_id' if kind == 'element' else 'name'} to know what to delete",
                mark=mark_of(element, ACTION_KEY),
                path=join(where),
            )
            continue
        if key in index:
            items[index.pop(key)] = None  # type: ignore[call-overload]
            deleted_any = True
        else:
            ctx.collector.warning(
                "delete-unknown",
                f"_action: delete names {kind} {key!r}, which no parent layer defines",
                mark=mark_of(element, ACTION_KEY),
                path=join(where),
                hint="remove the delete, or check the spelling of the name",
            )
        if section is not None:
            ctx.deleted[(section, str(key))] = mark_of(element, ACTION_KEY)
    if deleted_any:
        items = [item for item in items if item is not None]
        index = {key_fn(item): position for position, item in enumerate(items) if key_fn(item) is not None}

    # Phase 1: merge same keys, append new ones.
    seen: dict[Any, Mark | None] = {}
    moves: list[tuple[PosDict, tuple[str, Any], PathT]] = []
    for position, element in enumerate(child):
        if element.get(ACTION_KEY) is not None:
            continue
        key = key_fn(element)
        where = segment(element, key, position)
        if key is not None:
            if key in seen:
                ctx.collector.error(
                    f"duplicate-{'id' if kind == 'element' else 'name'}",
                    f"{kind} {key!r} is defined twice in the same layer (other at line {getattr(seen[key], 'line', '?')})",
                    mark=mark_of(element),
                    path=join(where),
                    hint="merge the two definitions or rename one",
                )
                continue
            seen[key] = mark_of(element)
        if key is not None and key in index:
            merged = merge_mapping(items[index[key]], element, ctx, where)
            items[index[key]] = merged
        else:
            merged = merge_mapping(None, element, ctx, where)
            if key is not None:
                index[key] = len(items)
            items.append(merged)
        placement = _placement(element, ctx, where)
        if placement is not None:
            moves.append((merged, placement, where))

    # Phases 2-4: placement directives by precedence.
    for phase in _PHASES:
        for merged, (directive, value), where in moves:
            if directive not in phase:
                continue
            current = next(pos for pos, item in enumerate(items) if item is merged)
            if directive in ("_before", "_after"):
                anchor = next((pos for pos, item in enumerate(items) if key_fn(item) == value), None)
                if anchor is None or items[anchor] is merged:
                    known = [str(key_fn(item)) for item in items if key_fn(item) is not None and item is not merged]
                    ctx.collector.error(
                        "unknown-id",
                        f"{directive} names {value!r}, which is not an {'_id' if kind == 'element' else 'name'} "
                        f"of this list",
                        mark=mark_of(merged, directive) if directive in merged else mark_of(merged),
                        path=join(where),
                        hint=f"known: {', '.join(known[:10]) or '(none)'}",
                    )
                    continue
            items.pop(current)
            if directive == "_position":
                if value > len(items) + 1:
                    ctx.collector.error(
                        "bad-directive",
                        f"_position {value} is past the end of the list ({len(items) + 1} element(s))",
                        mark=mark_of(merged),
                        path=join(where),
                        hint="use _last: true to put it at the end",
                    )
                items.insert(min(value, len(items) + 1) - 1, merged)
            elif directive == "_first":
                items.insert(0, merged)
            elif directive == "_last":
                items.append(merged)
            else:
                anchor = next(pos for pos, item in enumerate(items) if key_fn(item) == value)
                items.insert(anchor if directive == "_before" else anchor + 1, merged)

    parent_mark = parent.mark if isinstance(parent, PosList) else None
    child_mark = child.mark if isinstance(child, PosList) else None
    return PosList(items, mark=child_mark or parent_mark, item_marks=[item.mark for item in items])
