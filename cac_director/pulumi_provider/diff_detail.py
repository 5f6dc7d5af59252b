"""The detailed diff our providers hand the engine: which model paths change, and how.

``pulumi preview --diff`` and ``preview --json`` (``detailedDiff``) then show these paths only, never the
meta inputs (``target``, ``adopt``, ``ref_ids``, ``managed_by``) or the pickled provider (docs/plan.md).

The engine reads every path against the old *outputs* and the new *inputs*, by position in lists, and shows
an ``UPDATE`` leaf as the whole difference of the two values under it (docs/plan.md "What ``pulumi preview
--diff`` shows"). So what changes is decided here on the normalised
model (as ``diff`` decides it), and paths are positions in the raw lists the engine holds:

- a scalar field: its key; a nested object: the changed keys under it;
- a list of named items (``list_items.IDENTITY``): a removed item is ``DELETE`` at its old position, an
  added one ``ADD`` at its new position, a changed item that kept its position its changed fields; an item
  that moved (outside the longest common order of an ordered list) or changed while its position shifted is
  ``DELETE`` at the old position and ``ADD`` at the new one, since one path cannot name two positions. A
  position both vacated and filled reads ``UPDATE`` (the old item there becomes the new one).

An update whose only change is in ``ref_ids`` (a referenced object was replaced: same name, new id) names
the references that now point at another object, ``UPDATE`` where the name keeps its position, else
``DELETE``/``ADD``: for an empty detailed diff the engine prints every old input instead, the meta inputs
included.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pulumi.output import Unknown

from cac_director.conventions import ResourceConventions
from cac_director.conventions.paths import slots
from cac_director.director import mapping
from cac_director.director.list_items import identity, stay_in_place

ADD, DELETE, UPDATE = "ADD", "DELETE", "UPDATE"
"""Kinds of ``pulumirpc.PropertyDiff``; ``<kind>_REPLACE`` when the path's field replaces the object."""

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def property_path(parts: Sequence[str | int]) -> str:
    """The engine's property path syntax: ``routing_criteria[2].repo``, odd keys as ``["a.b"]``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(part):
            text += f".{part}" if text else part
        else:
            text += '["' + part.replace("\\", "\\\\").replace('"', '\\"') + '"]'
    return text


def _present(value: Any) -> bool:
    return value is not None


def _kind(old: Any, new: Any) -> str:
    if not _present(old):
        return ADD
    if not _present(new):
        return DELETE
    return UPDATE


def _item(conv: ResourceConventions, field: str, item: Any) -> Any:
    """One list item normalised as the whole list is (paths such as ``routing_criteria[].repo`` apply)."""
    items = mapping.normalize(conv, {field: [item]}).get(field) or [None]
    return items[0]


def _keyed(conv: ResourceConventions, field: str, items: list[Any]) -> list[tuple[str, Any]]:
    """(identity, normalised item) per position; a repeated identity is told apart by its occurrence."""
    seen: dict[str, int] = {}
    keyed = []
    for item in items:
        normal = _item(conv, field, item)
        key = identity(field, normal)[0]
        seen[key] = seen.get(key, 0) + 1
        keyed.append((f"{key}#{seen[key]}", normal))
    return keyed


def _object(prefix: tuple[str | int, ...], old: Any, new: Any, norm_old: Any, norm_new: Any) -> dict[str, str]:
    """Paths of the changed keys of two objects (raw for presence, normalised for equality)."""
    if not (isinstance(old, dict) and isinstance(new, dict)):
        return {property_path(prefix): _kind(old, new)}
    norm_old = norm_old if isinstance(norm_old, dict) else {}
    norm_new = norm_new if isinstance(norm_new, dict) else {}
    paths: dict[str, str] = {}
    for key in [*norm_old, *(k for k in norm_new if k not in norm_old)]:
        if norm_old.get(key) != norm_new.get(key):
            paths[property_path((*prefix, key))] = _kind(old.get(key), new.get(key))
    return paths or {property_path(prefix): UPDATE}


def _list(conv: ResourceConventions, field: str, old: list[Any], new: list[Any]) -> dict[str, str]:
    old_items, new_items = _keyed(conv, field, old), _keyed(conv, field, new)
    old_at = {key: pos for pos, (key, _) in enumerate(old_items)}
    new_at = {key: pos for pos, (key, _) in enumerate(new_items)}
    common_old = [key for key, _ in old_items if key in new_at]
    common_new = [key for key, _ in new_items if key in old_at]
    kept = stay_in_place(common_old, common_new) if field in conv.ordered_lists else set(common_old)
    deleted = {pos for key, pos in old_at.items() if key not in new_at}
    added = {pos for key, pos in new_at.items() if key not in old_at}
    paths: dict[str, str] = {}
    for key in common_new:
        i, j = old_at[key], new_at[key]
        same = old_items[i][1] == new_items[j][1]
        if key in kept and same:
            continue
        if key in kept and i == j:
            paths.update(_object((field, i), old[i], new[j], old_items[i][1], new_items[j][1]))
        else:
            deleted.add(i)
            added.add(j)
    for pos in deleted | added:
        kind = UPDATE if pos in deleted and pos in added else DELETE if pos in deleted else ADD
        paths[property_path((field, pos))] = kind
    return paths


def detailed_diff(
    conv: ResourceConventions,
    *,
    old_model: dict[str, Any],
    new_model: dict[str, Any],
    norm_old: dict[str, Any],
    norm_new: dict[str, Any],
    changed: set[str],
    replaces: set[str],
    unknown: set[str],
) -> dict[str, str]:
    """Property path -> kind for the ``changed`` model fields (``unknown``: not known until the apply).

    ``norm_old``/``norm_new``: both models without the ``unknown`` fields, normalised as ``diff`` compared them
    (passed in: ``diff`` runs twice per object in every preview and has them already)."""
    detail: dict[str, str] = {}
    for field in sorted(changed):
        old, new = old_model.get(field), new_model.get(field)
        if field in unknown:
            paths = {property_path((field,)): _kind(old, new)}
        elif isinstance(old, list) and isinstance(new, list):
            paths = _list(conv, field, old, new)
        else:
            paths = _object((field,), old, new, norm_old.get(field), norm_new.get(field))
        for path, kind in paths.items():
            detail[path] = f"{kind}_REPLACE" if field in replaces else kind
    return detail


def _positions(model: dict[str, Any], path: str, name: str) -> dict[tuple[str, ...], tuple[str | int, ...]]:
    """Where the reference ``path`` holds ``name``: the slot's keys -> its place (keys and list positions)."""
    found: dict[tuple[str, ...], tuple[str | int, ...]] = {}
    for slot in slots(model, path):
        if slot.value == name:
            parts: list[str | int] = []
            for key, position in slot.trail:
                parts.append(key)
                if position is not None:
                    parts.append(position)
            found[tuple(key for key, _ in slot.trail)] = tuple(parts)
    return found


def _re_pointed_names(old_refs: dict[str, Any], new_refs: Any) -> dict[str, list[str]]:
    """Reference path -> the names whose id changes (an unknown id, during a preview, counts)."""
    if isinstance(new_refs, Unknown):
        return {path: list(ids) for path, ids in old_refs.items() if isinstance(ids, dict)}
    changed: dict[str, list[str]] = {}
    for path, new_ids in (new_refs or {}).items():
        recorded = old_refs.get(path)
        old_ids: dict[str, Any] = recorded if isinstance(recorded, dict) else {}
        if isinstance(new_ids, Unknown):
            changed[path] = list(old_ids)
        elif isinstance(new_ids, dict):
            changed[path] = [name for name, id_ in new_ids.items() if old_ids.get(name) != id_]
    return changed


def re_pointed(
    old_model: dict[str, Any], new_model: dict[str, Any], old_refs: dict[str, Any], new_refs: Any
) -> dict[str, dict[str, str]]:
    """Model field -> property path -> kind, for the references whose id changes while the name stays."""
    detail: dict[str, dict[str, str]] = {}
    for path, names in _re_pointed_names(old_refs, new_refs).items():
        for name in names:
            before, after = _positions(old_model, path, name), _positions(new_model, path, name)
            for place in before.keys() & after.keys():
                paths = detail.setdefault(place[0], {})
                old_at, new_at = property_path(before[place]), property_path(after[place])
                if old_at == new_at:
                    paths[new_at] = UPDATE
                else:
                    paths[old_at], paths[new_at] = DELETE, ADD
    return detail
