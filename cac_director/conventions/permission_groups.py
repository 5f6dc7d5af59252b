"""PermissionGroups (docs/director-api.md §7.14.3): named sets of entity -> permission level.

A user group names exactly one permission group (``roles``). The Director reads a group back with the same
keys it was written with. ``permissions`` lists only the entities the configuration manages: which entities a
Director fills in when they are not sent is undocumented (§7.14.3), so the entities are written out in full
where a level matters. The SOAR entities need ``enable_soar`` in the node's SystemSettingsGeneral.

Built-ins: ``LogPoint Administrator`` and ``SOC Analysts``, the groups of LogPoint's own user groups (which
groups a fresh LogPoint has is undocumented; these two are the ones the emulator seeds). Their names have a
space, which the documented rule for new names refuses: they are referencable, never managed or exported.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cac_director.conventions._base import Example, ResourceConventions
from cac_director.conventions._model import StrictModel
from cac_director.conventions._values import PermissionGroupName

Entity = Literal[
    "Normalization Packages", "Lists", "Fields", "Macros", "Label Packages",
    "Devices, DeviceGroups, Log Collection Policy and Parsers", "Distributed Collectors", "Processing Policy",
    "Distributed LogPoints", "Export Management", "Raw Syslog Forwarder", "SOAR Playbooks-Playbook Actions",
    "SOAR Playbooks-Manage Playbook Triggers", "SOAR Settings-Integrations", "SOAR Settings-API Key",
    "SOAR Settings-Licensing", "SOAR Settings-My Products", "SOAR Settings-Lists Management",
    "SOAR Settings-Import", "SOAR Settings-System Health", "SOAR Cases-Manage Cases",
]  # fmt: skip
"""The exact entity labels of the Get/List examples (§7.14.3)."""

BUILTIN_GROUPS = frozenset({"LogPoint Administrator", "SOC Analysts"})
"""Shipped with LogPoint as permission groups and as user groups of the same names."""


class Permission(StrictModel):
    entity: Entity = Field(description="Entity label, exactly as the Director writes it.")
    permission: Literal["READ", "CREATE_EDIT", "DELETE", "NONE"] = Field(
        description="CREATE_EDIT includes READ; DELETE includes both; NONE grants nothing."
    )


class PermissionGroup(StrictModel):
    name: PermissionGroupName | None = None
    description: str = ""
    permissions: list[Permission] | None = Field(default=None, description="Entity -> level, one entry per entity.")


PERMISSION_GROUPS = ResourceConventions(
    type_name="PermissionGroup",
    model=PermissionGroup,
    docs=__doc__ or "",
    yaml_section="permissionGroups",
    api_resource="PermissionGroups",
    name_key="name",
    builtins=BUILTIN_GROUPS,
    writable_fields=("name", "description", "permissions"),
    required_fields=("name",),
    computed_fields=frozenset({"id", "tid", "active"}),
    defaults={"description": ""},
    example=Example(
        model={
            "name": "pg-soc",
            "description": "SOC analysts",
            "permissions": [{"entity": "Lists", "permission": "READ"}, {"entity": "Fields", "permission": "NONE"}],
        },
        updated={
            "name": "pg-soc",
            "description": "",
            "permissions": [{"entity": "Lists", "permission": "CREATE_EDIT"}],
        },
    ),
)
