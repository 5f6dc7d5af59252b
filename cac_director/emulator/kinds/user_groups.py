"""UserGroups (docs/director-api.md §7.14.2): ``roles`` written, ``permission_group`` read; object permissions.

``object_permission.permission`` (write) reads back as ``object_permission.permitted``, each entry naming its
LogPoint (``logpoint_name``). Repos, device groups and devices are named, per target LogPoint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cac_director.emulator.kinds.common import Kind, SeedContext, merge, unique_name
from cac_director.emulator.validation import Invalid, mapping_items, need_bool, need_str, opt_str, str_list, sub

if TYPE_CHECKING:
    from cac_director.emulator.config import EmulatorConfig
    from cac_director.emulator.store import NodeState

LOCAL = "127.0.0.1"
UNGROUPED = "Ungrouped"
"""The device-group name that stands for devices in no group (§7.14.2)."""


def _all_or_list(item: dict[str, Any], flag: str, key: str) -> bool:
    """``include_all_<x>: true`` or an explicit ``<x>`` list, never both (§7.14.2)."""
    if need_bool(item, flag):
        if key in item:
            raise Invalid(f"'{key}' must be left out when '{flag}' is true")
        return True
    return False


def _validate_groups(entry: dict[str, Any]) -> None:
    if _all_or_list(entry, "include_all_device_groups", "device_groups"):
        return
    for g_index, group in enumerate(mapping_items(entry, "device_groups", required=False)):
        try:
            need_str(group, "name")
            if _all_or_list(group, "include_all_devices", "devices"):
                continue
            for d_index, device in enumerate(mapping_items(group, "devices", required=False)):
                try:
                    need_str(device, "name")
                    if not _all_or_list(device, "include_all_ips", "ips"):
                        str_list(device, "ips")
                except Invalid as exc:
                    raise sub(f"devices[{d_index}]", exc) from None
        except Invalid as exc:
            raise sub(f"device_groups[{g_index}]", exc) from None


def validate(data: dict[str, Any], create: bool) -> None:
    need_str(data, "name")
    opt_str(data, "description")
    need_str(data, "roles")
    opt_str(data, "query")
    permission = data.get("object_permission")
    if not isinstance(permission, dict):
        raise Invalid("'object_permission' is mandatory and must be an object")
    if _all_or_list(permission, "include_all_permission", "permission"):
        return
    for index, entry in enumerate(mapping_items(permission, "permission")):
        try:
            need_str(entry, "logpoint_ip")
            if not _all_or_list(entry, "include_all_repos", "repos"):
                str_list(entry, "repos")
            _validate_groups(entry)
        except Invalid as exc:
            raise sub(f"object_permission.permission[{index}]", exc) from None


def _target(node: NodeState, ip: str) -> NodeState | None:
    """The LogPoint an entry is about: this one (``127.0.0.1``) or a node of the pool by its private IP."""
    if ip == LOCAL:
        return node
    for spec in node.pool.nodes:
        if spec.ip == ip:
            return node.store.node(node.pool.uuid, spec.identifier)
    return None


def _devices(target: NodeState, group: str) -> list[dict[str, Any]]:
    objects = target.objects("Devices").values()
    if group == UNGROUPED:
        return [d for d in objects if not d.get("device_groups")]
    ids = {g["id"] for g in target.objects("DeviceGroups").values() if g["name"] == group}
    return [d for d in objects if ids & set(d.get("device_groups", []))]


def _expanded(target: NodeState, entry: dict[str, Any]) -> dict[str, Any]:
    """A written entry as read back: every ``include_all_*`` flag replaced by the names it stands for now."""
    if entry.get("include_all_repos"):
        repos = [r["name"] for r in target.objects("Repos").values()]
    else:
        repos = list(entry.get("repos", []))
    if entry.get("include_all_device_groups"):
        names = [g["name"] for g in target.objects("DeviceGroups").values()]
        groups: list[dict[str, Any]] = [{"name": n, "include_all_devices": True} for n in names]
    else:
        groups = entry.get("device_groups", [])
    out_groups = []
    for group in groups:
        known = {d["name"]: d for d in _devices(target, group["name"])}
        sent = {d["name"]: d for d in group.get("devices", [])}
        devices = []
        for name in list(known) if group.get("include_all_devices") else list(sent):
            spec = sent.get(name)
            if spec is None or spec.get("include_all_ips"):
                ips = list(known.get(name, {}).get("ip", []))
            else:
                ips = list(spec.get("ips", []))
            devices.append({"name": name, "ips": ips})
        out_groups.append({"name": group["name"], "devices": devices})
    return {"logpoint_ip": entry["logpoint_ip"], "logpoint_name": target.spec.name, "repos": repos,
            "device_groups": out_groups}  # fmt: skip


def _permitted(node: NodeState, permission: dict[str, Any]) -> dict[str, Any]:
    if permission.get("include_all_permission"):
        return {"include_all_permission": True, "permitted": []}
    entries = []
    for entry in permission.get("permission", []):
        target = _target(node, entry["logpoint_ip"])
        if target is None:
            continue  # refused by ``check`` before an order applies
        if node.store.config.usergroup_all_flags == "kept":
            kept = {k: v for k, v in entry.items() if k != "logpoint_ip"}
            entries.append({"logpoint_ip": entry["logpoint_ip"], "logpoint_name": target.spec.name, **kept})
        else:
            entries.append(_expanded(target, entry))
    return {"include_all_permission": False, "permitted": entries}


def to_read(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    updates: list[tuple[str, Any]] = []
    for key, value in data.items():
        if key in ("name", "description", "query"):
            updates.append((key, value))
        elif key == "roles":
            updates.append(("permission_group", value))
        elif key == "object_permission":
            updates.append(("object_permission", _permitted(node, value)))
    server = {"description": "", "active": True, "lpadmin": False, "useradmin": False, "query": "", "tid": ""}
    return merge(existing, updates, server, node, creator=False)


def _entry_errors(node: NodeState, entry: dict[str, Any]) -> list[str]:
    target = _target(node, entry["logpoint_ip"])
    if target is None:
        return [f"logpoint_ip '{entry['logpoint_ip']}' is neither 127.0.0.1 nor a LogPoint of this pool"]
    repos = {r["name"] for r in target.objects("Repos").values()}
    errors = [f"repo '{r}' does not exist on {target.spec.name}" for r in entry.get("repos", []) if r not in repos]
    groups = {g["name"] for g in target.objects("DeviceGroups").values()} | {UNGROUPED}
    for group in entry.get("device_groups", []):
        if group["name"] not in groups:
            errors.append(f"device group '{group['name']}' does not exist on {target.spec.name}")
            continue
        members = {d["name"] for d in _devices(target, group["name"])}
        errors += [
            f"device '{d['name']}' is not in device group '{group['name']}' on {target.spec.name}"
            for d in group.get("devices", [])
            if d["name"] not in members
        ]
    return errors


def check(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> list[str]:
    errors = unique_name(node, "UserGroups", "name", data, existing)
    if data["roles"] not in node.objects("PermissionGroups"):
        errors.append(f"permission group id '{data['roles']}' in 'roles' does not exist on this LogPoint")
    for entry in data["object_permission"].get("permission", []):
        errors += _entry_errors(node, entry)
    return errors


def read_view(node: NodeState, obj: dict[str, Any], config: EmulatorConfig) -> dict[str, Any]:
    """``users``: the users whose ``usergroup`` names this group, as they are now."""
    members = [u["id"] for u in node.objects("Users").values() if obj["id"] in u.get("usergroup", [])]
    return {**obj, "users": members}


def referenced_by(node: NodeState, obj: dict[str, Any]) -> list[str]:
    refs = [f"Users '{u['username']}'" for u in node.objects("Users").values() if obj["id"] in u.get("usergroup", [])]
    refs += [
        f"IncidentUserGroups '{g['name']}'"
        for g in node.objects("IncidentUserGroups").values()
        if g.get("usergroup") == obj["id"]
    ]
    return refs


def seed(ctx: SeedContext) -> list[dict[str, Any]]:
    """The groups the seeded incident user groups wrap (which ones a fresh LogPoint has is undocumented)."""
    return [
        {
            "id": ctx.oid("UserGroups", name),
            "name": name,
            "description": "",
            "active": True,
            "lpadmin": admin,
            "useradmin": admin,
            "query": "",
            "tid": "",
            "permission_group": ctx.oid("PermissionGroups", name),
            "object_permission": {"include_all_permission": True, "permitted": []},
        }
        for name, admin in (("LogPoint Administrator", True), ("SOC Analysts", False))
    ]


KIND = Kind(
    "UserGroups",
    "User group",
    "name",
    validate,
    to_read,
    check,
    referenced_by,
    read_view=read_view,
    seed=seed,
    refresh_routes=("refreshlist",),
)
