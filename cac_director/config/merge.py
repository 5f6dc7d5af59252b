"""Layer folding (docs/configuration.md, "Merge rules" 1-5 and 7): deep merge, keyed list merge, directives.

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
# Precedence of placement directives (docs/configuration.md, "Merge rules" 4); deletes always come first.
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
        return merge_keyed_list(base, _with_usable_ids(child, ctx, path), ctx, path, key_fn=_element_id, kind="element")
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


def _with_usable_ids(child: list[Any], ctx: MergeContext, path: PathT) -> list[Any]:
    """``child`` without elements whose ``_id`` is not a string or integer (each one reported)."""
    usable = PosList(mark=mark_of(child))
    for index, element in enumerate(child):
        ident = element.get(ID_KEY)
        if ident is None or isinstance(ident, str) or _is_int(ident):
            usable.append(element)
            usable.item_marks.append(mark_of(child, index))
            continue
        field_name = path[-1] if path else ""
        ctx.collector.error(
            "wrong-type",
            f"_id must be a string or an integer, got {ident!r}"[:200],
            mark=mark_of(element, ID_KEY),
            path=join((*path[:-1], f"{field_name}[{index}]", ID_KEY)),
            hint="write the _id as a plain word, e.g. _id: crit-audit",
        )
    return usable


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
            "bad-directive",
            f"{key} must be true, got {value!r}",
            mark=mark_of(element, key),
            path=join(path),
            hint=f"write {key}: true, or remove it",
        )
        return None
    if key in ("_before", "_after") and not (isinstance(value, str) or _is_int(value)):
        ctx.collector.error(
            "bad-directive",
            f"{key} must name an element (its _id or name), got {value!r}",
            mark=mark_of(element, key),
            path=join(path),
            hint=f"e.g. {key}: crit-audit (one _id, not a list)",
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

    Order of work follows the precedence of docs/configuration.md, "Merge rules" 4: deletes, then merges and
    appends, then ``_position``, then ``_first``/``_last``, then ``_before``/``_after`` (each phase
    in the child's order).
    """
    merger = _KeyedMerge(list(parent), ctx, path, key_fn=key_fn, kind=kind, section=section)
    merger.apply_deletes(child)
    moves = merger.merge_or_append(child)
    for phase in _PHASES:
        for merged, (directive, value), where in moves:
            if directive in phase:
                merger.place(merged, directive, value, where)
    items = merger.items
    parent_mark = parent.mark if isinstance(parent, PosList) else None
    child_mark = child.mark if isinstance(child, PosList) else None
    return PosList(items, mark=child_mark or parent_mark, item_marks=[item.mark for item in items])


class _KeyedMerge:
    """The working state of one keyed-list merge; one method per phase."""

    def __init__(
        self,
        items: list[PosDict],
        ctx: MergeContext,
        path: PathT,
        *,
        key_fn: KeyFn,
        kind: str,
        section: str | None,
    ) -> None:
        self.items = items
        self.ctx = ctx
        self.field = path[-1] if path else ""
        self.prefix = path[:-1]
        self.key_fn = key_fn
        self.kind = kind
        self.key_label = "_id" if kind == "element" else "name"
        self.section = section
        self.index = self._reindex()

    def _reindex(self) -> dict[Any, int]:
        return {self.key_fn(item): pos for pos, item in enumerate(self.items) if self.key_fn(item) is not None}

    def segment(self, element: Any, key: Any, position: int) -> PathT:
        if key is not None:
            return (*self.prefix, f"{self.field}[{key}]")
        return (*self.prefix, element_segment(self.field, element, position))

    def apply_deletes(self, child: list[Any]) -> None:
        doomed: set[int] = set()
        for position, element in enumerate(child):
            action = element.get(ACTION_KEY)
            if action is None:
                continue
            key = self.key_fn(element)
            where = join(self.segment(element, key, position))
            mark = mark_of(element, ACTION_KEY)
            if action != "delete":
                self.ctx.collector.error(
                    "bad-directive",
                    f"_action must be 'delete', got {action!r}",
                    mark=mark,
                    path=where,
                    hint="the only action is _action: delete; to change an element, just write its new fields",
                )
                continue
            if key is None:
                self.ctx.collector.error(
                    "bad-directive",
                    f"_action: delete needs the {self.kind}'s {self.key_label} to know what to delete",
                    mark=mark,
                    path=where,
                    hint=f"add the {self.key_label} of the {self.kind} to delete",
                )
                continue
            if key in self.index:
                doomed.add(self.index[key])
            else:
                self.ctx.collector.warning(
                    "delete-unknown",
                    f"_action: delete names {self.kind} {key!r}, which no parent layer defines",
                    mark=mark,
                    path=where,
                    hint="remove the delete, or check the spelling of the name",
                )
            if self.section is not None:
                self.ctx.deleted[(self.section, str(key))] = mark
        if doomed:
            self.items = [item for pos, item in enumerate(self.items) if pos not in doomed]
            self.index = self._reindex()

    def merge_or_append(self, child: list[Any]) -> list[tuple[PosDict, tuple[str, Any], PathT]]:
        """Same key: deep-merged in place; new key or none: appended. Returns the placement moves."""
        seen: dict[Any, Mark | None] = {}
        moves: list[tuple[PosDict, tuple[str, Any], PathT]] = []
        for position, element in enumerate(child):
            if element.get(ACTION_KEY) is not None:
                continue
            key = self.key_fn(element)
            where = self.segment(element, key, position)
            if key is not None and key in seen:
                self.ctx.collector.error(
                    f"duplicate-{'id' if self.kind == 'element' else 'name'}",
                    f"{self.kind} {key!r} is defined twice in the same layer "
                    f"(other at line {getattr(seen[key], 'line', '?')})",
                    mark=mark_of(element),
                    path=join(where),
                    hint="merge the two definitions or rename one",
                )
                continue
            seen[key] = mark_of(element)
            if key is not None and key in self.index:
                merged = merge_mapping(self.items[self.index[key]], element, self.ctx, where)
                self.items[self.index[key]] = merged
            else:
                merged = merge_mapping(None, element, self.ctx, where)
                if key is not None:
                    self.index[key] = len(self.items)
                self.items.append(merged)
            placement = _placement(element, self.ctx, where)
            if placement is not None:
                moves.append((merged, placement, where))
        return moves

    def _position_of_key(self, value: Any) -> int | None:
        return next((pos for pos, item in enumerate(self.items) if self.key_fn(item) == value), None)

    def place(self, merged: PosDict, directive: str, value: Any, where: PathT) -> None:
        if directive in ("_before", "_after"):
            anchor = self._position_of_key(value)
            if anchor is None or self.items[anchor] is merged:
                known = [str(self.key_fn(i)) for i in self.items if self.key_fn(i) is not None and i is not merged]
                self.ctx.collector.error(
                    "unknown-id",
                    f"{directive} names {value!r}, which is not an {self.key_label} of this list",
                    mark=mark_of(merged),
                    path=join(where),
                    hint=f"known: {', '.join(known[:10]) or '(none)'}",
                )
                return
        # Identity, not equality: two elements may compare equal.
        self.items.pop(next(pos for pos, item in enumerate(self.items) if item is merged))
        if directive == "_position":
            if value > len(self.items) + 1:
                self.ctx.collector.error(
                    "bad-directive",
                    f"_position {value} is past the end of the list ({len(self.items) + 1} element(s))",
                    mark=mark_of(merged),
                    path=join(where),
                    hint="use _last: true to put it at the end",
                )
            self.items.insert(min(value, len(self.items) + 1) - 1, merged)
        elif directive == "_first":
            self.items.insert(0, merged)
        elif directive == "_last":
            self.items.append(merged)
        else:
            anchor = self._position_of_key(value)
            assert anchor is not None  # checked above; the move cannot remove the anchor
            self.items.insert(anchor if directive == "_before" else anchor + 1, merged)
