"""EnrichmentPolicy (docs/director-api.md §7.4): specifications over the node's enrichment sources."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cac_director.emulator.kinds.common import Kind, duplicate, merge, plain, renamed_to_taken, used_by
from cac_director.emulator.validation import Invalid, mapping_items, need_bool, need_enum, need_str, opt_str, sub

if TYPE_CHECKING:
    from cac_director.emulator.store import NodeState

ENRICH_CRITERIA = ("KeyPresents", "KeyPresentsValueMatches")


def _validate_spec(spec: dict[str, Any]) -> None:
    need_str(spec, "source")
    for c_index, crit in enumerate(mapping_items(spec, "criteria", non_empty=True)):
        try:
            kind = need_enum(crit, "type", ENRICH_CRITERIA)
            need_str(crit, "key")
            if kind == "KeyPresentsValueMatches":
                need_str(crit, "value")
            else:
                opt_str(crit, "value")
        except Invalid as exc:
            raise sub(f"criteria[{c_index}]", exc) from None
    for r_index, rule in enumerate(mapping_items(spec, "rules", non_empty=True)):
        try:
            category = need_enum(rule, "category", ("simple", "type_based"))
            need_enum(rule, "operation", ("Equals",))
            need_bool(rule, "prefix")
            need_str(rule, "source_key")
            if category == "simple":
                need_str(rule, "event_key")
            else:
                need_enum(rule, "type", ("ip", "string", "num"))
        except Invalid as exc:
            raise sub(f"rules[{r_index}]", exc) from None


def validate(data: dict[str, Any], create: bool) -> None:
    need_str(data, "name")
    opt_str(data, "description")
    for index, spec in enumerate(mapping_items(data, "specifications", non_empty=True)):
        try:
            _validate_spec(spec)
        except Invalid as exc:
            raise sub(f"specifications[{index}]", exc) from None


def to_read(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    updates = plain(data, ("name", "description", "specifications"))
    return merge(existing, updates, {"description": "", "active": True, "tid": ""}, node)


def check(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> list[str]:
    errors = duplicate(node, "EnrichmentPolicy", "name", data, existing)
    errors += renamed_to_taken(node, "EnrichmentPolicy", "name", data, existing)
    sources = {s["source_name"] for s in node.objects("EnrichmentSource").values()}
    for spec in data["specifications"]:
        if spec["source"] not in sources:
            errors.append(f"enrichment source '{spec['source']}' does not exist on this LogPoint")
    return errors


def referenced_by(node: NodeState, obj: dict[str, Any]) -> list[str]:
    return used_by(node, "ProcessingPolicy", "policy_name", "enrich_policy", obj["id"])


KIND = Kind("EnrichmentPolicy", "Enrichment policy", "name", validate, to_read, check, referenced_by)
