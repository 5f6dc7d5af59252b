"""What an apply with ``adoptExisting`` will do with same-name objects, said in the plan.

For the engine, taking over an existing object is a create: ``pulumi preview`` shows ``+ create`` whether the
provider will send a POST or record an object that is already on the Director. With ``adoptExisting`` on,
the program therefore reads, per node and type, the objects the Director has, and attaches one line to every
declared object the state does not record yet: "adopts", with the fields the apply will change (live ->
declared, compared as the plan compares an update), or "refused" (another stack's ownership marker says it is
theirs). The provider decides the same way at create time (``DirectorProvider._take_over``); this only says it
early. ``cac-director plan`` reports those creates as ``adopt`` with these changes (docs/plan.md).

The live objects come from one listing per type per node (the pre-flight's, when it listed the type already),
as the refresh reads them; no object is read by id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cac_director.config import ResolvedInstance
from cac_director.constants import TYPE_PREFIX as RESOURCE_TYPE_PREFIX
from cac_director.conventions import REGISTRY, ResourceConventions
from cac_director.director import ClientSettings, NodeResolver, ownership, runtime
from cac_director.plan.adoption import adoption_message
from cac_director.plan.fields import FieldChange, object_changes
from cac_director.pulumi_provider.providers import PROVIDERS

_ANY_LISTING = float("-inf")
"""``DirectorClient.by_name(since=...)``: a listing this process made earlier in the run answers."""


@dataclass(frozen=True)
class Note:
    severity: str
    """``info`` (adopted) or ``warning`` (refused)."""
    message: str


def adoption_changes(
    conv: ResourceConventions, declared: dict[str, Any], live: dict[str, Any], resolver: NodeResolver
) -> list[FieldChange]:
    """What taking over the wire read object ``live`` changes to reach ``declared`` (model shape, names).

    The live side is what the stack records for it (the provider's outputs: write-only fields the read lacks
    keep the declared value, fields owned only while set are left out), so an adoption shows exactly what the
    first plan after it would show as an update if the apply wrote nothing."""
    provider = PROVIDERS[conv.type_name]()
    recorded = provider.outputs_for({**declared, "target": {}}, live, resolver)
    return object_changes(conv.type_name, recorded, declared)


def adoption_notes(
    settings: ClientSettings, resolved: ResolvedInstance, recorded: set[str], owner: str
) -> dict[str, Note]:
    """``<type token>::<node>/<name>`` -> what the apply will do with the same-name object already there."""
    notes: dict[str, Note] = {}
    for node in resolved.nodes.values():
        director_node = runtime.current().node(settings, node.logpoint_id, node.name)
        client = director_node.client
        for conv in REGISTRY:
            declared = [
                obj
                for obj in node.sections.get(conv.yaml_section, [])
                if f"{RESOURCE_TYPE_PREFIX}{conv.type_name}::{node.name}/{obj[conv.name_key]}" not in recorded
            ]
            existing = client.by_name(conv, since=_ANY_LISTING) if declared else {}
            for obj in declared:
                name = str(obj[conv.name_key])
                live = existing.get(name)
                if live is None:
                    continue
                key = f"{RESOURCE_TYPE_PREFIX}{conv.type_name}::{node.name}/{name}"
                marks = ownership.carries_marker(conv)
                marked = ownership.owner_of(live.get(ownership.MARKER_FIELD)) if marks else None
                if marked and marked != owner:
                    notes[key] = Note(
                        "warning",
                        f"refused: the {conv.type_name} '{name}' on node {node.name} is managed by stack "
                        f"'{marked}' (its ownership marker says so), even with adoptExisting",
                    )
                    continue
                changes = adoption_changes(conv, obj, live, director_node.resolver)
                message = adoption_message(str(live["id"]), node.name, changes, marks=marks and marked != owner)
                notes[key] = Note("info", message)
    return notes
