"""LogCollectionPolicies (docs/director-api.md §7.15): a name fixed at creation, collectors in ``col_apps``.

Devices reference policies by id in ``logpolicy`` (read back as ``log_policies``); a SyslogCollector created
with ``policy_id`` instead of ``device_id`` lives in the policy's ``col_apps``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cac_director.emulator.kinds.common import Kind, duplicate, immutable, merge, name_on_create, plain
from cac_director.emulator.validation import opt_str

if TYPE_CHECKING:
    from cac_director.emulator.store import NodeState


def validate(data: dict[str, Any], create: bool) -> None:
    name_on_create(data, create)
    opt_str(data, "description")


def to_read(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    # The documented read shape has no ``user`` (§7.15).
    server = {"active": True, "col_apps": [], "description": "", "tid": ""}
    return merge(existing, plain(data, ("name", "description")), server, node, creator=False)


def check(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> list[str]:
    # ``name`` is not in the Edit table (§7.15, §7.19): fixed after creation.
    return duplicate(node, "LogCollectionPolicies", "name", data, existing) + immutable(data, existing, ("name",))


def referenced_by(node: NodeState, obj: dict[str, Any]) -> list[str]:
    # Undocumented whether the Director refuses this (§7.15); ``block_referenced_deletes`` decides, as elsewhere.
    refs = [
        f"Devices '{d['name']}'" for d in node.objects("Devices").values() if obj["id"] in d.get("log_policies", [])
    ]
    refs += [f"SyslogCollector {app['uuid']}" for app in obj.get("col_apps", [])]
    return refs


KIND = Kind(
    "LogCollectionPolicies",
    "Log collection policy",
    "name",
    validate,
    to_read,
    check,
    referenced_by,
    kept_on_replace=("name", "col_apps"),
)
