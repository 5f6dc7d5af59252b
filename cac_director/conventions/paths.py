"""The one walker of reference paths such as ``routing_criteria[].repo`` (the conventions' path syntax).

A path is dot-separated keys; ``key[]`` visits every element of the list at ``key``. Every consumer (the
wire mapping, the program's reference wiring, the YAML reference checks, nested defaults, the export) walks
paths through ``slots``; the small helpers below are its common uses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, NamedTuple


class Step(NamedTuple):
    key: str
    many: bool
    """``key[]``: visit every element of the list at ``key``."""


Trail = tuple[tuple[str, int | None], ...]
"""The keys (and list positions, for ``[]`` steps) leading to a slot, outermost first."""


class Slot(NamedTuple):
    """One place a path reaches: ``container[key]`` (a dict and its key, or a list and a position)."""

    container: Any
    key: Any
    trail: Trail

    @property
    def present(self) -> bool:
        return not isinstance(self.container, dict) or self.key in self.container

    @property
    def value(self) -> Any:
        return self.container[self.key] if self.present else None


def parse(path: str) -> tuple[Step, ...]:
    """``a[].b`` -> (Step("a", True), Step("b", False))."""
    return tuple(Step(part[:-2], True) if part.endswith("[]") else Step(part, False) for part in path.split("."))


def slots(obj: Any, path: str, *, whole_list: bool = False, absent: bool = False) -> Iterator[Slot]:
    """Every place ``path`` reaches below ``obj``, in document order.

    A step through a missing key, a non-dict or (for ``[]``) a non-list reaches nothing. ``whole_list``: a
    trailing ``[]`` reaches the list itself instead of each element. ``absent``: a missing last key (of a
    plain step, in an existing dict) is reached as well (``Slot.present`` is False there).
    """
    steps = parse(path)
    if whole_list and steps[-1].many:
        steps = (*steps[:-1], Step(steps[-1].key, False))
    last = len(steps) - 1

    def walk(node: Any, index: int, trail: Trail) -> Iterator[Slot]:
        if not isinstance(node, dict):
            return
        key, many = steps[index]
        if key not in node:
            if absent and index == last and not many:
                yield Slot(node, key, (*trail, (key, None)))
            return
        value = node[key]
        if not many:
            here: Trail = (*trail, (key, None))
            if index == last:
                yield Slot(node, key, here)
            else:
                yield from walk(value, index + 1, here)
        elif isinstance(value, list):
            for position, item in enumerate(value):
                here = (*trail, (key, position))
                if index == last:
                    yield Slot(value, position, here)
                else:
                    yield from walk(item, index + 1, here)

    yield from walk(obj, 0, ())


DROP = object()
"""Returned by an ``apply`` function: remove the value (the key, or the list element)."""


def apply(obj: Any, path: str, fn: Callable[[Any], Any], *, whole_list: bool = False) -> None:
    """Replace every value at ``path`` by ``fn(value)`` in place; ``DROP`` removes it.

    A missing last key is offered to ``fn`` as None and set when ``fn`` returns something other than None
    or ``DROP`` (how an absent reference becomes the ``"None"`` sentinel on the wire).
    """
    found = [(slot, fn(slot.value)) for slot in slots(obj, path, whole_list=whole_list, absent=True)]
    dropped = []
    for slot, result in found:
        if result is DROP:
            if slot.present:
                dropped.append(slot)
        elif slot.present or result is not None:
            slot.container[slot.key] = result
    for slot in reversed(dropped):  # reversed: list positions behind a removed element stay valid
        del slot.container[slot.key]


def map_path(obj: Any, path: str, fn: Callable[[Any], Any]) -> Any:
    """Replace every non-None value at ``path`` below ``obj`` by ``fn(value)``; absent keys stay absent."""
    for slot in list(slots(obj, path)):
        if slot.value is not None:
            slot.container[slot.key] = fn(slot.value)
    return obj


def names_at(obj: Any, path: str) -> list[str]:
    """Every string value at ``path`` below ``obj`` (in order), without touching ``obj``.

    Read-only on purpose: ``obj`` may already hold Pulumi outputs, which refuse to be copied.
    """
    return [slot.value for slot in slots(obj, path) if isinstance(slot.value, str)]


def values_at(obj: Any, path: str) -> list[Any]:
    """Every value at ``path`` below ``obj`` (in order), e.g. the elements of a list path ``a[].b[]``."""
    return [slot.value for slot in slots(obj, path)]
