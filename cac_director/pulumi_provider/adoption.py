"""What an apply with ``adoptExisting`` will do with same-name objects, said in the plan.

For the engine, taking over an existing object is a create: ``pulumi preview`` shows ``+ create`` whether the
provider will send a POST or record an object that is already on the Director. With ``adoptExisting`` on,
the program therefore reads, per node and type, the names the Director has, and attaches one line to every
declared object the state does not record yet: "adopts" (the apply records it, and updates it to the
configuration if it differs) or "refused" (another stack's ownership marker says it is theirs). The
provider decides the same way at create time (``DirectorProvider._take_over``); this only says it early.
``cac-director plan`` reports those creates as ``adopt`` (docs/reliability.md "Ownership").
"""

from __future__ import annotations

from dataclasses import dataclass

from cac_director.config import ResolvedInstance
from cac_director.constants import TYPE_PREFIX as RESOURCE_TYPE_PREFIX
from cac_director.conventions import REGISTRY
from cac_director.director import ClientSettings, node_client, ownership

ADOPTS = "adopts the existing object of this name"
"""Start of the info line ``cac-director plan`` turns into the action ``adopt``."""


@dataclass(frozen=True)
class Note:
    severity: str
    """``info`` (adopted) or ``warning`` (refused)."""
    message: str


def adoption_notes(
    settings: ClientSettings, resolved: ResolvedInstance, recorded: set[str], owner: str
) -> dict[str, Note]:
    """``<type token>::<node>/<name>`` -> what the apply will do with the same-name object already there."""
    notes: dict[str, Note] = {}
    for node in resolved.nodes.values():
        client = node_client(settings, node.logpoint_id, node.name)
        for conv in REGISTRY:
            declared = [
                str(obj[conv.name_key])
                for obj in node.sections.get(conv.yaml_section, [])
                if f"{RESOURCE_TYPE_PREFIX}{conv.type_name}::{node.name}/{obj[conv.name_key]}" not in recorded
            ]
            if not declared:
                continue
            existing = client.lookup_table(conv)
            for name in declared:
                if name not in existing:
                    continue
                key = f"{RESOURCE_TYPE_PREFIX}{conv.type_name}::{node.name}/{name}"
                marked = None
                if ownership.carries_marker(conv):
                    marked = ownership.owner_of(client.get(conv, existing[name]).get(ownership.MARKER_FIELD))
                if marked and marked != owner:
                    notes[key] = Note(
                        "warning",
                        f"refused: the {conv.type_name} '{name}' on node {node.name} is managed by stack "
                        f"'{marked}' (its ownership marker says so), even with adoptExisting",
                    )
                else:
                    notes[key] = Note(
                        "info",
                        f"{ADOPTS} (id {existing[name]}) on node {node.name}: the apply records it instead of "
                        "creating it, and updates it where it differs from the configuration",
                    )
    return notes
