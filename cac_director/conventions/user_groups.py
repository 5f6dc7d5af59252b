"""UserGroups (docs/director-api.md §7.14.2): who may see which repos and devices, with one permission group.

``roles`` names the group's permission group (sent as its id; read back as ``permission_group``). The
Director nests the object permissions in ``object_permission``; the model lifts its two keys to the top
(``include_all_permission``, ``permission``), like Devices' flat CIA levels, so that defaults and diffs
work per key. A read returns ``permission`` as ``permitted`` and adds each entry's ``logpoint_name``.

Object permissions are written as explicit lists: the documented read shows only lists, never the
``include_all_*`` flags, and whether a Director expands a flag into names or keeps it is undocumented
(§7.14.2), so a flag below the top could never be compared. Entries name the local LogPoint
(``127.0.0.1``): repos, device groups and devices are this node's own, referenced by name. Remote LogPoints
(``DistributedLogpoints`` private IPs) and the ``Ungrouped`` pseudo-group are not offered yet.

Built-ins: ``LogPoint Administrator`` and ``SOC Analysts`` (the emulator's seeded groups; which groups a
fresh LogPoint has is undocumented). Deployed to Data Nodes and AIOs, where the repos they grant live.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Literal

from pydantic import Field

from cac_director.conventions._base import Example, Reference, ResourceConventions
from cac_director.conventions._model import Name, NonEmpty, RefName, StrictModel
from cac_director.conventions._rules import Finding, forbid, require
from cac_director.conventions.permission_groups import BUILTIN_GROUPS

LOCAL_LOGPOINT: Literal["127.0.0.1"] = "127.0.0.1"


class DeviceAccess(StrictModel):
    name: RefName = Field(description="Device name (a device of the group).")
    ips: list[NonEmpty] = Field(min_length=1, description="The device's IPs the group may see.")


class GroupAccess(StrictModel):
    name: RefName = Field(description="Device group name.")
    devices: list[DeviceAccess] | None = None


class LogPointAccess(StrictModel):
    logpoint_ip: Literal["127.0.0.1"] = Field(default=LOCAL_LOGPOINT, description="The local LogPoint.")
    repos: list[RefName] | None = Field(default=None, description="Repo names the group may search.")
    device_groups: list[GroupAccess] | None = None


class UserGroup(StrictModel):
    name: Name | None = None
    description: str = ""
    roles: RefName | None = Field(default=None, description="Permission group name.")
    query: str = Field(default="", description='"Universal query" applied to every search, e.g. col_type=syslog.')
    include_all_permission: bool = Field(
        default=False, description="Full rights on every repo and device group; leave `permission` out then."
    )
    permission: list[LogPointAccess] | None = Field(default=None, description="What the group may see.")


def _nest(body: dict[str, Any]) -> dict[str, Any]:
    """Model keys -> the Director's ``object_permission`` object (§7.14.2)."""
    everything = bool(body.pop("include_all_permission", False))
    entries = body.pop("permission", None) or []
    nested: dict[str, Any] = {"include_all_permission": everything}
    if not everything:
        nested["permission"] = [{"logpoint_ip": LOCAL_LOGPOINT, **entry} for entry in entries]
    return {**body, "object_permission": nested}


def _lift(obj: dict[str, Any]) -> dict[str, Any]:
    """A read ``object_permission`` -> the model keys; ``logpoint_name`` is the Director's, not ours."""
    nested = obj.pop("object_permission", None)
    if isinstance(nested, dict):
        obj["include_all_permission"] = bool(nested.get("include_all_permission", False))
        entries = nested.get("permitted", nested.get("permission")) or []
        obj["permission"] = [
            {k: v for k, v in entry.items() if k != "logpoint_name"} for entry in entries if isinstance(entry, dict)
        ]
    return obj


def _all_rights_or_entries(group: Mapping[str, Any]) -> Iterator[Finding]:
    # Either full rights or explicit entries, never both (docs/director-api.md §7.14.2).
    if group.get("include_all_permission") is True:
        yield from forbid(group, "permission", "when include_all_permission is true")
    else:
        yield from require(group, "permission", "unless include_all_permission is true")


USER_GROUPS = ResourceConventions(
    type_name="UserGroup",
    model=UserGroup,
    docs=__doc__ or "",
    rules=(_all_rights_or_entries,),
    yaml_section="userGroups",
    api_resource="UserGroups",
    name_key="name",
    references=(
        Reference("roles", "permissionGroups", wire="id"),
        Reference("permission[].repos[]", "repos"),
        Reference("permission[].device_groups[].name", "deviceGroups"),
        Reference("permission[].device_groups[].devices[].name", "devices"),
    ),
    builtins=BUILTIN_GROUPS,
    writable_fields=("name", "description", "roles", "query", "include_all_permission", "permission"),
    required_fields=("name", "roles"),
    read_renames={"permission_group": "roles"},
    computed_fields=frozenset({"id", "tid", "active", "lpadmin", "useradmin", "users"}),
    defaults={"description": "", "query": "", "include_all_permission": False},
    nested_defaults={"permission[]": {"logpoint_ip": LOCAL_LOGPOINT}},
    write_hook=_nest,
    read_hook=_lift,
    example=Example(
        model={
            "name": "ug-soc",
            "description": "SOC",
            "roles": "pg-soc",
            "query": "col_type=syslog",
            "include_all_permission": False,
            "permission": [
                {
                    "logpoint_ip": "127.0.0.1",
                    "repos": ["default", "_logpoint"],
                    "device_groups": [{"name": "dg-fw", "devices": [{"name": "fw1", "ips": ["10.0.0.1"]}]}],
                }
            ],
        },
        updated={
            "name": "ug-soc",
            "description": "",
            "roles": "SOC Analysts",
            "query": "",
            "include_all_permission": True,
        },
        prerequisites=(
            ("permissionGroups", {"name": "pg-soc", "description": ""}),
            ("deviceGroups", {"name": "dg-fw", "description": ""}),
            (
                "devices",
                {
                    "name": "fw1",
                    "ip": ["10.0.0.1"],
                    "availability": "Minor",
                    "confidentiality": "Minor",
                    "integrity": "Minor",
                    "devicegroup": ["dg-fw"],
                },
            ),
        ),
    ),
)
