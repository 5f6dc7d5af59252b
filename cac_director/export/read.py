"""Read one node through the client and turn every managed object into the model shape.

What the model cannot express is never dropped silently: unknown fields, ids that name no object, and
object kinds the tool does not manage are collected as ``Unexpressible`` entries for the summary.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

from cac_director.config.fleet import RECEIVES, FleetNodeInfo
from cac_director.constants import CONFIG_NAMESPACE
from cac_director.conventions import REGISTRY, DeviceApps, ResourceConventions
from cac_director.director import DirectorClient, NodeResolver, mapping


@dataclass(frozen=True)
class Unexpressible:
    """Something on the node the model cannot say; shown in the export summary."""

    section: str
    name: str
    what: str


@dataclass
class SectionCounts:
    exported: int = 0
    builtins_skipped: int = 0


@dataclass
class NodeExport:
    """One node's configuration in model shape: sections of its role, resources sorted by name."""

    node: FleetNodeInfo
    sections: dict[str, list[dict[str, Any]]]
    counts: dict[str, SectionCounts] = field(default_factory=dict)
    unexpressible: list[Unexpressible] = field(default_factory=list)
    notes: list[Unexpressible] = field(default_factory=list)
    """What the files need before they can be applied, by design (a secret's config key): no warning."""
    ids: dict[tuple[str, str], str] = field(default_factory=dict)
    """(section, name) -> the object's id on the node (what ``pulumi import`` needs, ``import_file.py``)."""


class _RecordingResolver(NodeResolver):
    """A resolver that remembers ids it could not turn into names (``from_wire`` then keeps the raw id)."""

    def __init__(self, client: DirectorClient) -> None:
        super().__init__(client)
        self.misses: list[tuple[str, str]] = []

    def name_of(self, target: str, obj_id: str) -> str | None:
        name = super().name_of(target, obj_id)
        if name is None:
            self.misses.append((target, obj_id))
        return name


def sections_for(node: FleetNodeInfo, only: frozenset[str] | None) -> list[ResourceConventions]:
    """The managed types a node of this role carries (alert rules on search heads, the rest on data nodes)."""
    return [
        conv
        for conv in REGISTRY
        if node.role in RECEIVES[conv.node_role] and (only is None or conv.yaml_section in only)
    ]


def _known_read_keys(conv: ResourceConventions) -> set[str]:
    return {
        *conv.writable_fields,
        *conv.computed_fields,
        *conv.read_renames,
        *conv.read_renames.values(),
        *conv.read_flatten,
        *conv.wire_keys.values(),
        "id",
    }


def _flattened_keys(conv: ResourceConventions, obj: dict[str, Any]) -> set[str]:
    keys = set(conv.read_hook(copy.deepcopy(obj)) if conv.read_hook else obj)
    for nested in conv.read_flatten:
        inner = obj.get(nested)
        if isinstance(inner, dict):
            keys |= set(inner)
    return keys


def _sort_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def tidy(conv: ResourceConventions, model: dict[str, Any]) -> dict[str, Any]:
    """Stable, minimal model shape: name key first, write-side field order, defaults and empties left out.

    Set-like lists are sorted (the Director's order is not stable across nodes); order-sensitive lists
    (``conv.ordered_lists``: routing criteria, repo tiers, enrichment specifications) keep their order.
    """
    defaults = conv.defaults
    order = [conv.name_key, *(f for f in conv.writable_fields if f != conv.name_key)]
    rest = sorted(k for k in model if k not in order)
    result: dict[str, Any] = {}
    for key in [*order, *rest]:
        if key not in model:
            continue
        value = model[key]
        if value is None or value == [] or (key in defaults and value == defaults[key]):
            continue
        if isinstance(value, list) and key not in conv.ordered_lists:
            value = sorted(value, key=_sort_key)
        result[key] = value
    return result


def read_node(
    client: DirectorClient,
    node: FleetNodeInfo,
    *,
    only: frozenset[str] | None = None,
    include_builtins: bool = False,
) -> NodeExport:
    """Every managed object of ``node`` in model shape (names for references), with what could not be said."""
    resolver = _RecordingResolver(client)
    export = NodeExport(node=node, sections={})
    devices_seen = False
    for conv in sections_for(node, only):
        counts = export.counts[conv.yaml_section] = SectionCounts()
        resources: list[dict[str, Any]] = []
        live = client.list(conv)
        known = _known_read_keys(conv)
        for obj in live:
            name = conv.listing_hook.read_name(conv, obj)
            resolver.misses.clear()
            model = mapping.from_wire(conv, obj, resolver)
            name = str(model.get(conv.name_key) or name)
            if name in conv.builtins and not include_builtins:
                counts.builtins_skipped += 1
                continue
            for key in sorted(_flattened_keys(conv, obj) - known):
                if str(key).startswith("_"):
                    continue
                value = json.dumps(obj.get(key), default=str)[:60]
                export.unexpressible.append(
                    Unexpressible(conv.yaml_section, name, f"field '{key}' is not part of the model (value {value})")
                )
            secret_fields = {secret.field for secret in conv.secret_inputs}
            for secret in conv.secret_inputs:
                # Never readable, never exported: a placeholder key, and the command that gives it its value.
                model[secret.from_field] = name
                setting = f"{CONFIG_NAMESPACE}:{secret.config_map}"
                export.notes.append(
                    Unexpressible(
                        conv.yaml_section,
                        name,
                        f"'{secret.field}' is not readable: exported as {secret.from_field}: {name}; set it with "
                        f"`pulumi config set --secret --path '{setting}.{name}' <value>`",
                    )
                )
            for key in conv.follow_up_fields:
                # Written by actions after the object and never returned (alert-rule notifications, §7.18).
                export.notes.append(
                    Unexpressible(
                        conv.yaml_section,
                        name,
                        f"'{key}' cannot be read from the Director (no read returns them), so none are exported: "
                        f"declare them by hand if the console shows this {conv.type_name} has any; applied "
                        "without them, it keeps the ones it has",
                    )
                )
            for key in conv.write_only_fields:
                if key not in obj and key not in secret_fields:
                    export.unexpressible.append(
                        Unexpressible(
                            conv.yaml_section,
                            name,
                            f"field '{key}' is not returned by the Director, so it is not exported (add it by hand)",
                        )
                    )
            for target, obj_id in resolver.misses:
                export.unexpressible.append(
                    Unexpressible(
                        conv.yaml_section, name, f"references {target} id {obj_id}, which names no object on the node"
                    )
                )
            if obj.get("id"):
                export.ids[(conv.yaml_section, name)] = str(obj["id"])
            resources.append(tidy(conv, model))
            counts.exported += 1
        resources.sort(key=lambda r: str(r.get(conv.name_key)))
        export.sections[conv.yaml_section] = resources
        devices_seen = devices_seen or conv.yaml_section in ("devices", "syslogCollectors")
    if devices_seen:
        export.unexpressible.extend(_unmanaged_collectors(client))
    return export


def _unmanaged_collectors(client: DirectorClient) -> list[Unexpressible]:
    """Collector/fetcher apps other than SyslogCollector attached to devices: object types we do not manage."""
    found: list[Unexpressible] = []
    for device in client.list(_DEVICES):
        for app in device.get("col_apps") or []:
            if isinstance(app, dict) and app.get("app") not in _MANAGED_APPS:
                found.append(
                    Unexpressible(
                        "devices",
                        str(device.get("name")),
                        f"collector app '{app.get('app')}' is not managed by cac-director",
                    )
                )
    return found


_DEVICES = next(conv for conv in REGISTRY if conv.yaml_section == "devices")
_MANAGED_APPS = frozenset(conv.listing_hook.app for conv in REGISTRY if isinstance(conv.listing_hook, DeviceApps))
