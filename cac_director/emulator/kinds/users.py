"""Users (docs/director-api.md §7.14.1): ``admin`` plus the configured users on every node."""

from __future__ import annotations

from typing import Any

from cac_director.emulator.config import UserSpec
from cac_director.emulator.kinds.common import Kind, SeedContext, read_only

ADMIN = UserSpec(username="admin", firstname="Admin", lastname="User", email="admin@example.com")


def user_object(user_id: str, spec: UserSpec) -> dict[str, Any]:
    return {
        "id": user_id,
        "username": spec.username,
        "firstname": spec.firstname,
        "lastname": spec.lastname,
        "fullname": f"{spec.firstname} {spec.lastname}".strip(),
        "email": spec.email,
        "usergroup": [],
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


def seed(ctx: SeedContext) -> list[dict[str, Any]]:
    return [user_object(ctx.oid("Users", spec.username), spec) for spec in (ADMIN, *ctx.users)]


KIND: Kind = read_only("Users", "User", "username", seed, refreshable=True)
