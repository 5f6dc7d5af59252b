"""RoutingPolicies (docs/director-api.md §7.2): repos referenced by name; the built-in policies of a node."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cac_director.emulator.kinds.common import Kind, SeedContext, duplicate, merge, plain, renamed_to_taken, used_by
from cac_director.emulator.validation import Invalid, mapping_items, need_enum, need_str, opt_str, sub

if TYPE_CHECKING:
    from cac_director.emulator.store import NodeState

ROUTING_TYPES = ("KeyPresent", "KeyPresentValueMatches")
ROUTING_DROPS = ("store", "discard_raw", "discard")


def validate(data: dict[str, Any], create: bool) -> None:
    need_str(data, "policy_name")
    need_str(data, "catch_all")
    for index, crit in enumerate(mapping_items(data, "routing_criteria")):
        try:
            kind = need_enum(crit, "type", ROUTING_TYPES)
            need_str(crit, "key")
            if kind == "KeyPresentValueMatches":
                need_str(crit, "value")
            else:
                opt_str(crit, "value")
            opt_str(crit, "repo")
            need_enum(crit, "drop", ROUTING_DROPS)
        except Invalid as exc:
            raise sub(f"routing_criteria[{index}]", exc) from None


def to_read(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    updates = plain(data, ("policy_name", "catch_all", "routing_criteria"))
    return merge(existing, updates, {"tid": "", "active": True}, node)


def check(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> list[str]:
    errors = duplicate(node, "RoutingPolicies", "policy_name", data, existing)
    repos = {r["name"] for r in node.objects("Repos").values()}
    if data["catch_all"] not in repos:
        errors.append(f"catch_all repo '{data['catch_all']}' does not exist on this LogPoint")
    for crit in data["routing_criteria"]:
        if crit.get("repo") and crit["repo"] not in repos:
            errors.append(f"routing_criteria repo '{crit['repo']}' does not exist on this LogPoint")
    errors += renamed_to_taken(node, "RoutingPolicies", "policy_name", data, existing)
    return errors


def referenced_by(node: NodeState, obj: dict[str, Any]) -> list[str]:
    return used_by(node, "ProcessingPolicy", "policy_name", "routing_policy", obj["id"])


def seed(ctx: SeedContext) -> list[dict[str, Any]]:
    alert_criteria = [
        {"type": "KeyPresentValueMatches", "key": "norm_id", "value": "LogPointAlert", "repo": "_LogPointAlerts",
         "drop": "store"},
        {"type": "KeyPresentValueMatches", "key": "norm_id", "value": "UEBA", "repo": "_LogPointAlerts",
         "drop": "store"},
    ]  # fmt: skip
    return [
        {
            "policy_name": name,
            "catch_all": catch_all,
            "routing_criteria": criteria,
            "tid": "",
            "active": True,
            "id": ctx.oid("RoutingPolicies", name),
        }
        for name, catch_all, criteria in (
            ("_logpoint", "_logpoint", []),
            ("default", "default", []),
            ("_LogPointAlerts", "default", alert_criteria),
        )
    ]


KIND = Kind("RoutingPolicies", "Routing policy", "policy_name", validate, to_read, check, referenced_by, seed=seed)
