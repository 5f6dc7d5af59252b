"""A reviewer's view of a ``pulumi preview --json``: per object, what will happen to which field, old -> new.

Since every preview reads the Director first (``refresh: always``), a step's old outputs are the live object;
the field comparison is ``plan.fields``. A create that takes over an existing object (``adoptExisting``) has no
old outputs in the preview: its changes come from the note the program attached to it (``plan.adoption``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from cac_director.constants import TYPE_PREFIX
from cac_director.plan.adoption import adopted_changes, is_adoption
from cac_director.plan.fields import UNKNOWN, FieldChange, describe, diff_list, object_changes

__all__ = ["UNKNOWN", "FieldChange", "ObjectChange", "diff_list", "object_changes", "render_text", "report"]

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
class ObjectChange:
    node: str
    type: str
    name: str
    action: str
    changes: list[FieldChange] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _adoptions(preview: dict[str, Any]) -> dict[str, list[FieldChange]]:
    """URN -> field changes, for the creates the program says take over an existing object."""
    found: dict[str, list[FieldChange]] = {}
    for diag in preview.get("diagnostics") or []:
        message = str(diag.get("message") or "") if isinstance(diag, dict) else ""
        if is_adoption(message):
            found[str(diag.get("urn"))] = adopted_changes(message)
    return found


def report(preview: dict[str, Any]) -> list[ObjectChange]:
    """Every Director object a ``pulumi preview --json`` document would change, by node, type and name.

    An adoption is reported even when no field changes: it still changes the state (and may write the marker).
    The engine runs steps concurrently, so their order differs from run to run; a report that CI diffs or a
    reviewer rereads must not."""
    result: list[ObjectChange] = []
    seen: set[str] = set()
    adopted = _adoptions(preview)
    for step in preview.get("steps") or []:
        action = ACTIONS.get(str(step.get("op")))
        urn = str(step.get("urn") or "")
        type_token = urn.split("::")[-2] if urn.count("::") >= 3 else ""
        if action is None or not type_token.startswith(TYPE_PREFIX) or urn in seen:
            continue  # a replacement comes as several steps of one URN: report it once
        seen.add(urn)
        type_name = type_token.removeprefix(TYPE_PREFIX)
        node, _, name = urn.rsplit("::", maxsplit=1)[-1].partition("/")
        if action == "create" and urn in adopted:
            result.append(ObjectChange(node=node, type=type_name, name=name, action="adopt", changes=adopted[urn]))
            continue
        old_state, new_state = step.get("oldState") or {}, step.get("newState") or {}
        old = old_state.get("outputs") if action != "create" else None
        new = new_state.get("inputs") if action != "delete" else None
        changes = object_changes(type_name, old, new)
        if action == "update" and not changes:
            continue  # only meta inputs changed (ids of replaced upstream objects, the node's provider)
        result.append(ObjectChange(node=node, type=type_name, name=name, action=action, changes=changes))
    return sorted(result, key=lambda change: (change.node, change.type, change.name))


def render_text(changes: list[ObjectChange]) -> list[str]:
    """One line per object, then one indented line per field change."""
    lines: list[str] = []
    for obj in changes:
        lines.append(f"{obj.action} {obj.type} {obj.name} on {obj.node}")
        lines.extend(f"    {describe(change)}" for change in obj.changes)
    return lines
