"""ProcessingPolicy (docs/director-api.md §7.5): normalization by name, enrichment and routing by id."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cac_director.emulator.kinds.common import NONE, Kind, SeedContext, duplicate, merge, plain, renamed_to_taken
from cac_director.emulator.validation import need_str

if TYPE_CHECKING:
    from cac_director.emulator.store import NodeState

FIELDS = ("policy_name", "norm_policy", "enrich_policy", "routing_policy")


def validate(data: dict[str, Any], create: bool) -> None:
    # Edits need all four fields too: a PUT without policy_name was refused with 400 (§4.1).
    for key in FIELDS:
        need_str(data, key)


def to_read(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    return merge(existing, plain(data, FIELDS), {"active": True, "tid": ""}, node)


def check(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> list[str]:
    errors = duplicate(node, "ProcessingPolicy", "policy_name", data, existing)
    errors += renamed_to_taken(node, "ProcessingPolicy", "policy_name", data, existing)
    if data["norm_policy"] != NONE and not any(
        o["name"] == data["norm_policy"] for o in node.objects("NormalizationPolicy").values()
    ):
        errors.append(f"normalization policy '{data['norm_policy']}' does not exist on this LogPoint")
    if data["enrich_policy"] != NONE and data["enrich_policy"] not in node.objects("EnrichmentPolicy"):
        errors.append(f"enrichment policy id '{data['enrich_policy']}' does not exist on this LogPoint")
    if data["routing_policy"] != NONE and data["routing_policy"] not in node.objects("RoutingPolicies"):
        errors.append(f"routing policy id '{data['routing_policy']}' does not exist on this LogPoint")
    return errors


def referenced_by(node: NodeState, obj: dict[str, Any]) -> list[str]:
    return [
        f"SyslogCollector {app['uuid']} of device '{dev['name']}'"
        for dev in node.objects("Devices").values()
        for app in dev.get("col_apps", [])
        if app.get("processpolicy") == obj["id"]
    ]


def seed(ctx: SeedContext) -> list[dict[str, Any]]:
    return [
        {
            "id": ctx.oid("ProcessingPolicy", name),
            "policy_name": name,
            "norm_policy": "_logpoint" if name == "_logpoint" else NONE,
            "enrich_policy": NONE,
            "routing_policy": ctx.oid("RoutingPolicies", name),
            "active": True,
            "tid": "",
        }
        for name in ("_logpoint", "default")
    ]


KIND = Kind("ProcessingPolicy", "Processing policy", "policy_name", validate, to_read, check, referenced_by, seed=seed)
