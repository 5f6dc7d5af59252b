"""Devices (docs/director-api.md §7.7): flat CIA written, ``risk_values`` read; renamed reference lists."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cac_director.emulator.kinds.common import Kind, duplicate, merge, missing_ids, renamed_to_taken
from cac_director.emulator.validation import need_enum, need_str, opt_str, str_list

if TYPE_CHECKING:
    from cac_director.emulator.store import NodeState

CIA_LEVELS = ("Minimal", "Minor", "Major", "Critical")
RENAMES = {"devicegroup": "device_groups", "logpolicy": "log_policies"}
"""Write key -> read key; ``distributed_collector`` keeps its name (§7.7, §7.17)."""
CIA = ("availability", "confidentiality", "integrity")


def validate(data: dict[str, Any], create: bool) -> None:
    need_str(data, "name")
    str_list(data, "ip", required=True, non_empty=True)
    for key in CIA:
        need_enum(data, key, CIA_LEVELS)
    for key in ("devicegroup", "distributed_collector", "logpolicy"):
        str_list(data, key)
    opt_str(data, "timezone")


def to_read(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    updates: list[tuple[str, Any]] = []
    risk = dict(existing.get("risk_values", {})) if existing else {}
    for key, value in data.items():
        if key in CIA:
            risk[key] = value
            if not any(k == "risk_values" for k, _ in updates):
                updates.append(("risk_values", risk))
        elif key in RENAMES:
            updates.append((RENAMES[key], value))
        elif key in ("name", "ip", "distributed_collector", "timezone"):
            updates.append((key, value))
    server: dict[str, Any] = {
        "active": True,
        "has_hostname": False,
        "type": None,
        "tid": "",
        "timezone": "UTC",
        "device_groups": [],
        "distributed_collector": [],
        "log_policies": [],
        "risk_values": risk,
        "col_apps": [],
    }
    obj = merge(existing, updates, server, node)
    obj["has_hostname"] = any(any(ch.isalpha() for ch in ip) and ":" not in ip for ip in obj.get("ip", []))
    return obj


def check(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> list[str]:
    errors = duplicate(node, "Devices", "name", data, existing)
    errors += renamed_to_taken(node, "Devices", "name", data, existing)
    errors += missing_ids(node, "DeviceGroups", data.get("devicegroup", []), "device group")
    errors += missing_ids(node, "LogCollectionPolicies", data.get("logpolicy", []), "log collection policy")
    # An id the device already carries is accepted back: a complete PUT returns what the console attached.
    held = (existing or {}).get("distributed_collector", [])
    collectors = node.objects("DistributedCollectors")
    errors += [
        f"distributed collector id '{c}' does not exist on this LogPoint"
        for c in data.get("distributed_collector", [])
        if c not in collectors and c not in held
    ]
    return errors


def referenced_by(node: NodeState, obj: dict[str, Any]) -> list[str]:
    return [
        f"DeviceGroups '{g['name']}'"
        for g in node.objects("DeviceGroups").values()
        if obj["id"] in g.get("devices", [])
    ]


KIND = Kind("Devices", "Device", "name", validate, to_read, check, referenced_by, kept_on_replace=("col_apps", "type"))
