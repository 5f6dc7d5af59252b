"""The adoption note: the line the program attaches to a create that takes over an existing object.

With ``adoptExisting`` on, the program knows before the apply which creates will record an object the
Director already has, and what taking it over changes (``pulumi_provider/adoption.py``). The engine shows
such a step as ``+ create`` and keeps no old values for it, so the note is the only carrier: a readable
line per changed field for ``pulumi preview``, and the same changes once more as one JSON line that
``cac-director plan`` reads back (a value rendered for reading, a name such as ``routing_criteria[k=v]``
holding ``: `` or `` -> ``, would not parse back reliably). This module owns that format on both sides.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from cac_director.errors import UnreadableNote
from cac_director.plan.fields import FieldChange, describe

ADOPTS = "adopts the existing object of this name"
"""Start of the info line ``cac-director plan`` turns into the action ``adopt``."""
CHANGES_LINE = "cac-director plan changes: "
"""Start of the note's last line: the field changes as JSON (``[{"field", "change", "old", "new"}, ...]``)."""


def adoption_message(obj_id: str, node_name: str, changes: list[FieldChange], *, marks: bool) -> str:
    """The note of one adopted object: what the apply does with it, then one line per changed field.

    ``marks``: the object can carry this stack's ownership marker and does not yet, so the apply writes it
    even when no field differs.
    """
    head = f"{ADOPTS} (id {obj_id}) on node {node_name}: the apply records it instead of creating it"
    if changes:
        lines = [f"{head} and updates it to the configuration:", *(f"    {describe(c)}" for c in changes)]
    else:
        marker = " and writes this stack's ownership marker" if marks else ""
        lines = [f"{head}{marker}; it matches the configuration (no change)"]
    payload = json.dumps([dataclasses.asdict(c) for c in changes], sort_keys=True, default=str)
    return "\n".join([*lines, f"{CHANGES_LINE}{payload}"])


def is_adoption(message: str) -> bool:
    return message.strip().startswith(ADOPTS)


def adopted_changes(message: str) -> list[FieldChange]:
    """The field changes an adoption note carries; ``UnreadableNote`` when its JSON line is missing or bad."""
    for line in reversed(message.splitlines()):
        if not line.startswith(CHANGES_LINE):
            continue
        try:
            items: Any = json.loads(line.removeprefix(CHANGES_LINE))
            return [
                FieldChange(field=str(i["field"]), change=str(i["change"]), old=i.get("old"), new=i.get("new"))
                for i in items
            ]
        except (ValueError, TypeError, KeyError) as exc:
            raise UnreadableNote(f"the adoption note has an unreadable change list ({exc})") from None
    raise UnreadableNote("the adoption note has no change list")
