"""PermissionGroups (docs/director-api.md §7.14): what a UserGroup's ``roles`` names; entity -> permission level."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from cac_director.emulator.kinds import system_settings_general
from cac_director.emulator.kinds.common import Kind, SeedContext, merge, plain, unique_name, used_by
from cac_director.emulator.validation import Invalid, mapping_items, need_enum, need_str, opt_str, sub

if TYPE_CHECKING:
    from cac_director.emulator.store import NodeState

LEVELS = ("READ", "CREATE_EDIT", "DELETE", "NONE")
ENTITIES = (
    "Normalization Packages", "Lists", "Fields", "Macros", "Label Packages",
    "Devices, DeviceGroups, Log Collection Policy and Parsers", "Distributed Collectors", "Processing Policy",
    "Distributed LogPoints", "Export Management", "Raw Syslog Forwarder", "SOAR Playbooks-Playbook Actions",
    "SOAR Playbooks-Manage Playbook Triggers", "SOAR Settings-Integrations", "SOAR Settings-API Key",
    "SOAR Settings-Licensing", "SOAR Settings-My Products", "SOAR Settings-Lists Management",
    "SOAR Settings-Import", "SOAR Settings-System Health", "SOAR Cases-Manage Cases",
)  # fmt: skip
"""The exact entity labels of the Get/List examples (§7.14.3)."""
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,98}[A-Za-z0-9]$")
"""2-100 letters, digits, ``-`` and ``_``, not beginning or ending with ``-`` or ``_`` (§7.14.3)."""


def validate(data: dict[str, Any], create: bool) -> None:
    name = need_str(data, "name")
    if not NAME.match(name):
        raise Invalid(
            f"'name' must be 2-100 letters, digits, '-' or '_', not beginning or ending with one; got {name!r}"
        )
    opt_str(data, "description")
    for index, item in enumerate(mapping_items(data, "permissions", required=False)):
        try:
            need_enum(item, "entity", ENTITIES)
            need_enum(item, "permission", LEVELS)
        except Invalid as exc:
            raise sub(f"permissions[{index}]", exc) from None


def to_read(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    server = {"description": "", "tid": "", "active": True, "permissions": []}
    return merge(existing, plain(data, ("name", "description", "permissions")), server, node, creator=False)


def check(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> list[str]:
    errors = unique_name(node, "PermissionGroups", "name", data, existing)
    soar = [
        p["entity"] for p in data.get("permissions", []) if p["entity"].startswith("SOAR") and p["permission"] != "NONE"
    ]
    if soar and system_settings_general.settings(node).get("enable_soar") is not True:
        errors.append(f"'{soar[0]}' needs enable_soar in this LogPoint's SystemSettingsGeneral")
    return errors


def referenced_by(node: NodeState, obj: dict[str, Any]) -> list[str]:
    return used_by(node, "UserGroups", "name", "permission_group", obj["id"])


def seed(ctx: SeedContext) -> list[dict[str, Any]]:
    """One group per seeded user group, named like it (which ones a fresh LogPoint has is undocumented)."""
    return [
        {
            "name": name,
            "description": "",
            "tid": "",
            "active": True,
            "permissions": [{"entity": entity, "permission": level} for entity in ENTITIES],
            "id": ctx.oid("PermissionGroups", name),
        }
        for name, level in (("LogPoint Administrator", "DELETE"), ("SOC Analysts", "READ"))
    ]


KIND = Kind("PermissionGroups", "Permission group", "name", validate, to_read, check, referenced_by, seed=seed)
