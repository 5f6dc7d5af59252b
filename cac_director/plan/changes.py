"""A reviewer's view of a ``pulumi preview --json``: per object, what will happen to which field, old -> new.

Only what users write is compared (the model shape, normalised as the providers compare it); the meta
inputs (``target``, ``adopt``, ``ref_ids``) and the pickled provider stay out. Since every preview reads the
Director first (``refresh: always``), a step's old outputs are the live object. Ordered lists of items are
compared by identity, not by position, so a move reads as a move ("moved from 2 to 1"), an addition or a
removal names the item, and only a really changed item shows its changed fields (docs/plan.md).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from cac_director.constants import TYPE_PREFIX
from cac_director.conventions import by_type_name
from cac_director.director import mapping
from cac_director.director.list_items import identity, stay_in_place
from cac_director.pulumi_provider.adoption import ADOPTS
from cac_director.pulumi_provider.base import META_KEYS, PROVIDER_KEY

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""How ``pulumi preview --json`` writes a value that is known only after the apply."""
ACTIONS = {
    "create": "create",
    "update": "update",
    "delete": "delete",
    "replace": "replace",
    "create-replacement": "replace",
    "import": "import",
}
"""Engine step -> reported action; a create that records an existing object is reported as ``adopt``."""


@dataclass(frozen=True)
class FieldChange:
    field: str
    change: str
    """``modified``, ``added``, ``removed`` or ``moved``."""
    old: Any = None
    new: Any = None


@dataclass(frozen=True)
class ObjectChange:
    node: str
    type: str
    name: str
    action: str
    changes: list[FieldChange] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _show(value: Any) -> Any:
    return "(known after apply)" if value == UNKNOWN else value


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
    changes: list[FieldChange] = []
    for key in [*before, *(k for k in after if k not in before)]:
        changes.extend(_diff_value(key, before.get(key), after.get(key), ordered=key in conv.ordered_lists))
    return changes


def report(preview: dict[str, Any]) -> list[ObjectChange]:
    """Every Director object a ``pulumi preview --json`` document would change, by node, type and name.

    The engine runs steps concurrently, so their order differs from run to run; a report that CI diffs or a
    reviewer rereads must not."""
    result: list[ObjectChange] = []
    seen: set[str] = set()
    # With adoptExisting the program says which creates record an existing object (pulumi_provider/adoption.py).
    adopted = {
        str(diag.get("urn"))
        for diag in preview.get("diagnostics") or []
        if isinstance(diag, dict) and str(diag.get("message") or "").strip().startswith(ADOPTS)
    }
    for step in preview.get("steps") or []:
        action = ACTIONS.get(str(step.get("op")))
        urn = str(step.get("urn") or "")
        type_token = urn.split("::")[-2] if urn.count("::") >= 3 else ""
        if action is None or not type_token.startswith(TYPE_PREFIX) or urn in seen:
            continue  # a replacement comes as several steps of one URN: report it once
        seen.add(urn)
        type_name = type_token.removeprefix(TYPE_PREFIX)
        old_state, new_state = step.get("oldState") or {}, step.get("newState") or {}
        old = old_state.get("outputs") if action != "create" else None
        new = new_state.get("inputs") if action != "delete" else None
        node, _, name = urn.rsplit("::", maxsplit=1)[-1].partition("/")
        changes = object_changes(type_name, old, new)
        if action == "create" and urn in adopted:
            action = "adopt"
        if action == "update" and not changes:
            continue  # only meta inputs changed (ids of replaced upstream objects, the node's provider)
        result.append(ObjectChange(node=node, type=type_name, name=name, action=action, changes=changes))
    return sorted(result, key=lambda change: (change.node, change.type, change.name))


def render_text(changes: list[ObjectChange]) -> list[str]:
    """One line per object, then one indented line per field change."""
    lines: list[str] = []
    for obj in changes:
        lines.append(f"{obj.action} {obj.type} {obj.name} on {obj.node}")
        for change in obj.changes:
            if change.change == "moved":
                lines.append(f"    {change.field} moved from {change.old} to {change.new}")
            elif change.change == "modified":
                lines.append(f"    {change.field}: {json.dumps(change.old)} -> {json.dumps(change.new)}")
            elif change.change == "added":
                lines.append(f"    {change.field} added: {json.dumps(change.new)}")
            else:
                lines.append(f"    {change.field} removed")
    return lines
