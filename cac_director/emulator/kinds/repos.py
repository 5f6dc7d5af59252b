"""Repos (docs/director-api.md §7.1): ``hiddenrepopath`` written, ``repopath`` read; paths from RepoPaths."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cac_director.emulator.kinds.common import Kind, SeedContext, duplicate, immutable, merge
from cac_director.emulator.validation import Invalid, mapping_items, need_int, need_str, opt_str, sub

if TYPE_CHECKING:
    from cac_director.emulator.store import NodeState

STORAGE = "/opt/immune/storage/"
BUILTIN = ("default", "_logpoint", "_LogPointAlerts")
"""The three repos of a fresh LogPoint, numbered 1-3 (§9)."""

EMPTY_REPO_SIZE = "0.00781 MB"
"""``used_size`` of a repo without logs: a string with a unit and five decimals, as on the wire (§7.1)."""


def _slash(path: str) -> str:
    return path if path.endswith("/") else path + "/"


def validate(data: dict[str, Any], create: bool) -> None:
    if create:
        name = need_str(data, "name")
        if len(name) >= 29:
            raise Invalid("'name' must be shorter than 29 characters")
    else:
        opt_str(data, "name")
    for index, item in enumerate(mapping_items(data, "hiddenrepopath", non_empty=True)):
        try:
            need_str(item, "path")
            need_int(item, "retention", minimum=1)
        except Invalid as exc:
            raise sub(f"hiddenrepopath[{index}]", exc) from None
    for index, item in enumerate(mapping_items(data, "repoha", required=False)):
        try:
            need_str(item, "ha_li")
            need_int(item, "ha_day", minimum=1)
        except Invalid as exc:
            raise sub(f"repoha[{index}]", exc) from None


def to_read(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    updates: list[tuple[str, Any]] = []
    for key, value in data.items():
        if key == "hiddenrepopath":
            updates.append(("repopath", [{"path": _slash(e["path"]), "retention": e["retention"]} for e in value]))
        elif key in ("name", "repoha"):
            updates.append((key, value))
    server = {
        "repo_number": node.next_repo_number,
        "repoha": [],
        "active": True,
        "tid": "",
        "used_size": EMPTY_REPO_SIZE,
        "store_front_port": None,
    }
    obj = merge(existing, updates, server, node, creator=False)
    # On the wire old_repo_paths held the repo's current paths (§7.1); kept so after edits (inferred).
    obj["old_repo_paths"] = [dict(entry) for entry in obj.get("repopath", [])]
    return obj


def check(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> list[str]:
    errors = duplicate(node, "Repos", "name", data, existing) + immutable(data, existing, ("name",))
    offered = {_slash(p) for p in node.repo_paths}
    for entry in data.get("hiddenrepopath", []):
        if _slash(entry["path"]) not in offered:
            errors.append(f"path '{entry['path']}' is not one of the RepoPaths of this LogPoint")
    return errors


def referenced_by(node: NodeState, obj: dict[str, Any]) -> list[str]:
    name = obj["name"]
    out = []
    for rp in node.objects("RoutingPolicies").values():
        if rp.get("catch_all") == name or any(c.get("repo") == name for c in rp.get("routing_criteria", [])):
            out.append(f"RoutingPolicies '{rp['policy_name']}'")
    ips = node.remote_repo_strings_for(name)
    for rule in node.objects("AlertRules").values():
        if any(r in ips for r in rule.get("repos", [])):
            out.append(f"AlertRules '{rule['searchname']}'")
    return out


def seed(ctx: SeedContext) -> list[dict[str, Any]]:
    return [
        {
            "id": ctx.oid("Repos", name),
            "name": name,
            "repo_number": number,
            "repopath": [{"path": STORAGE, "retention": 365}],
            "repoha": [],
            "active": True,
            "tid": "",
            "used_size": "0.28516 MB",
        }
        for number, name in enumerate(BUILTIN, start=1)
    ]


KIND = Kind(
    "Repos",
    "Repo",
    "name",
    validate,
    to_read,
    check,
    referenced_by,
    kept_on_replace=("name", "repo_number", "used_size", "store_front_port"),
    seed=seed,
)
