"""Users (docs/director-api.md §7.14.1): ``admin`` and the configured users on every node, plus API-created ones.

Passwords are write-only: validated, then masked before the order is stored (``Kind.write_only``), so only
``password_change_date`` shows that one was set.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cac_director.emulator.config import UserSpec
from cac_director.emulator.kinds.common import (
    Action,
    Kind,
    SeedContext,
    duplicate,
    immutable,
    merge,
    missing_ids,
    set_active,
)
from cac_director.emulator.validation import Invalid, need_str, opt_str, str_list

if TYPE_CHECKING:
    from cac_director.emulator.store import NodeState

ADMIN = UserSpec(username="admin", firstname="Admin", lastname="User", email="admin@example.com")
ADMIN_GROUP, OTHERS_GROUP = "LogPoint Administrator", "SOC Analysts"
"""Seeded user groups (user_groups.py): ``admin`` is in the first, the configured users in the second."""
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 5
FIELDS = ("username", "firstname", "lastname", "email", "usergroup", "timezone")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _password(data: dict[str, Any], key: str) -> None:
    if len(need_str(data, key)) < MIN_PASSWORD:
        raise Invalid(f"'{key}' must be at least {MIN_PASSWORD} characters")


def validate(data: dict[str, Any], create: bool) -> None:
    if create:
        username = need_str(data, "username")
        if not 2 <= len(username) <= 50:
            raise Invalid("'username' must be 2-50 characters")
        _password(data, "password")
    for key in ("firstname", "lastname", "email"):
        need_str(data, key)
    if not EMAIL.match(data["email"]):
        raise Invalid(f"'email' is not a valid address: {data['email']!r}")
    str_list(data, "usergroup", required=True, non_empty=True)
    opt_str(data, "timezone")


def user_object(user_id: str, spec: UserSpec, groups: list[str]) -> dict[str, Any]:
    return {
        "id": user_id,
        "username": spec.username,
        "firstname": spec.firstname,
        "lastname": spec.lastname,
        "fullname": f"{spec.firstname} {spec.lastname}".strip(),
        "email": spec.email,
        "usergroup": groups,
        **_server_fields(),
    }


def _server_fields() -> dict[str, Any]:
    return {
        "active": True,
        "locked": False,
        "locked_time": 0,
        "failed_login_count": 0,
        "last_login": {"login_date": ""},
        "password_change_date": "",
        "timezone": "UTC",
        "dashboard": [],
        "preferences": {},
        "query": "",
        "fields": {},
        "plugin_settings": {},
        "ldap_strategy": "",
        "tid": "",
    }


def to_read(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    # ``password`` (create only) is never stored: Edit has no password field (§7.14.1), so one sent there is dropped.
    updates = [(k, v) for k, v in data.items() if k in FIELDS and (k != "username" or existing is None)]
    if existing is None and "password" in data:
        updates.append(("password_change_date", _now()))
    obj = merge(existing, updates, _server_fields(), node, creator=False)
    obj["fullname"] = f"{obj.get('firstname', '')} {obj.get('lastname', '')}".strip()
    return obj


def check(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> list[str]:
    # ``username`` is not in the Edit table (§7.19): fixed after creation.
    errors = duplicate(node, "Users", "username", data, existing) + immutable(data, existing, ("username",))
    errors += missing_ids(node, "UserGroups", data.get("usergroup", []), "user group")
    zones = {zone["name"] for zone in node.timezones}
    if data.get("timezone") and data["timezone"] not in zones:
        errors.append(f"timezone '{data['timezone']}' is not one of Timezone - List")
    return errors


def referenced_by(node: NodeState, obj: dict[str, Any]) -> list[str]:
    return [
        f"AlertRules '{rule['searchname']}'"
        for rule in node.objects("AlertRules").values()
        if obj["id"] in (rule.get("owner"), rule.get("assigned_to"))
    ]


def must_be_inactive(node: NodeState, obj: dict[str, Any]) -> list[str]:
    """A user must be deactivated before Trash (§7.14.1)."""
    return [f"user '{obj['username']}' must be deactivated first"] if obj.get("active") else []


def _unlock(obj: dict[str, Any], data: dict[str, Any]) -> None:
    obj.update(locked=False, locked_time=0, failed_login_count=0)


def _changed_password(obj: dict[str, Any], data: dict[str, Any]) -> None:
    obj["password_change_date"] = _now()


def seed(ctx: SeedContext) -> list[dict[str, Any]]:
    admin = [user_object(ctx.oid("Users", ADMIN.username), ADMIN, [ctx.oid("UserGroups", ADMIN_GROUP)])]
    others = [user_object(ctx.oid("Users", s.username), s, [ctx.oid("UserGroups", OTHERS_GROUP)]) for s in ctx.users]
    return admin + others


KIND = Kind(
    "Users",
    "User",
    "username",
    validate,
    to_read,
    check,
    referenced_by,
    kept_on_replace=("username", "password_change_date", "locked", "locked_time", "failed_login_count"),
    seed=seed,
    refresh_routes=("refreshlist",),
    actions={
        "activate": set_active(True),
        "deactivate": set_active(False),
        "unlock": Action(_unlock),
        "changePassword": Action(_changed_password, lambda data: _password(data, "new_password")),
    },
    write_only=("password", "new_password"),
    delete_check=must_be_inactive,
)
