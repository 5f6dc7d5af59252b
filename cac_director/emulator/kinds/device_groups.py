"""DeviceGroups (docs/director-api.md §7.6): device ids, kept in step with each device's ``device_groups``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cac_director.emulator.kinds.common import Kind, duplicate, merge, missing_ids, plain, renamed_to_taken
from cac_director.emulator.validation import need_str, opt_str, str_list

if TYPE_CHECKING:
    from cac_director.emulator.store import NodeState


def validate(data: dict[str, Any], create: bool) -> None:
    need_str(data, "name")
    opt_str(data, "description")
    str_list(data, "devices")


def to_read(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    updates = plain(data, ("name", "description", "devices"))
    return merge(existing, updates, {"description": "", "devices": [], "active": True, "tid": ""}, node)


def check(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> list[str]:
    errors = duplicate(node, "DeviceGroups", "name", data, existing)
    errors += renamed_to_taken(node, "DeviceGroups", "name", data, existing)
    return errors + missing_ids(node, "Devices", data.get("devices", []), "device")


def referenced_by(node: NodeState, obj: dict[str, Any]) -> list[str]:
    return [
        f"Devices '{d['name']}'" for d in node.objects("Devices").values() if obj["id"] in d.get("device_groups", [])
    ]


KIND = Kind("DeviceGroups", "Device group", "name", validate, to_read, check, referenced_by)
