"""Field by field, what changes from a live object to the declared one: the comparison of the change report.

Only what users write is compared (the model shape, normalised as the providers compare it); the meta
inputs (``target``, ``adopt``, ``ref_ids``) and the pickled provider stay out. Ordered lists of items are
compared by identity, not by position, so a move reads as a move ("moved from 2 to 1"), an addition or a
removal names the item, and only a really changed item shows its changed fields. A secret input (a user's
password) is never shown, only that it changes (docs/plan.md).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from cac_director.conventions import by_type_name
from cac_director.director import mapping
from cac_director.director.list_items import identity, stay_in_place
from cac_director.pulumi_provider.base import META_KEYS, PROVIDER_KEY

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""How ``pulumi preview --json`` writes a value that is known only after the apply."""


@dataclass(frozen=True)
class FieldChange:
    field: str
    change: str
    """``modified``, ``added``, ``removed`` or ``moved``."""
    old: Any = None
    new: Any = None


SECRET = "(secret)"  # noqa: S105 (the placeholder shown instead of one)
"""What the report shows instead of a secret input's value, old or new."""


def _show(value: Any) -> Any:
    return "(known after apply)" if value == UNKNOWN else value


def _hidden(change: FieldChange) -> FieldChange:
    return dataclasses.replace(
        change,
        old=None if change.old is None else SECRET,
        new=None if change.new is None else SECRET,
    )


def diff_list(name: str, old: list[Any], new: list[Any], *, ordered: bool) -> list[FieldChange]:
    """Changes of one list field, item by item (identity, not position)."""
    old_items = {identity(name, item)[0]: (pos, item) for pos, item in enumerate(old)}
    new_items = {identity(name, item)[0]: (pos, item) for pos, item in enumerate(new)}
    changes: list[FieldChange] = []
    for key, (_pos, item) in old_items.items():
        if key not in new_items:
            changes.append(FieldChange(f"{name}[{identity(name, item)[1]}]", "removed", old=item))
    common_old = [key for key in old_items if key in new_items]
    common_new = [key for key in new_items if key in old_items]
    unmoved = stay_in_place(common_old, common_new) if ordered else set(common_old)
    for key, (pos, item) in new_items.items():
        label = f"{name}[{identity(name, item)[1]}]"
        if key not in old_items:
            changes.append(FieldChange(label, "added", new=item))
            continue
        old_pos, old_item = old_items[key]
        if key not in unmoved:
            changes.append(FieldChange(label, "moved", old=old_pos + 1, new=pos + 1))
        if old_item != item:
            changes.extend(_diff_value(label, old_item, item))
    return changes


def _diff_value(name: str, old: Any, new: Any, *, ordered: bool = True) -> list[FieldChange]:
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        changes: list[FieldChange] = []
        for key in [*old, *(k for k in new if k not in old)]:
            changes.extend(_diff_value(f"{name}.{key}", old.get(key), new.get(key)))
        return changes
    if isinstance(old, list) and isinstance(new, list) and UNKNOWN not in new:
        return diff_list(name, old, new, ordered=ordered)
    if old is None:
        return [FieldChange(name, "added", new=_show(new))]
    if new is None:
        return [FieldChange(name, "removed", old=old)]
    return [FieldChange(name, "modified", old=old, new=_show(new))]


def _model(props: dict[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (props or {}).items() if k not in META_KEYS and k != PROVIDER_KEY}


def object_changes(type_name: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[FieldChange]:
    """Field changes from the live object ``old`` to the desired one ``new`` (model shape, either may be None)."""
    conv = by_type_name(type_name)
    before = mapping.normalize(conv, _model(old)) if old is not None else {}
    after = _model(new)
    known = {k: v for k, v in after.items() if v != UNKNOWN}
    after = {**mapping.normalize(conv, known), **{k: v for k, v in after.items() if v == UNKNOWN}}
    secrets = {secret.field for secret in conv.secret_inputs}
    changes: list[FieldChange] = []
    for key in [*before, *(k for k in after if k not in before)]:
        found = _diff_value(key, before.get(key), after.get(key), ordered=key in conv.ordered_lists)
        changes.extend(_hidden(change) if key in secrets else change for change in found)
    return changes


def describe(change: FieldChange) -> str:
    """One line a reviewer reads: ``retention: 999 -> 90``, ``paths[/data/] added: ...``, ``... moved from 2 to 1``."""
    if change.change == "moved":
        return f"{change.field} moved from {change.old} to {change.new}"
    if change.change == "modified":
        return f"{change.field}: {json.dumps(change.old, default=str)} -> {json.dumps(change.new, default=str)}"
    if change.change == "added":
        return f"{change.field} added: {json.dumps(change.new, default=str)}"
    return f"{change.field} removed"
