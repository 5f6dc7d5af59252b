"""IncidentUserGroups (docs/director-api.md §7.14.4): what alert rules' ``manageable_by`` names."""

from __future__ import annotations

from typing import Any

from cac_director.emulator.kinds.common import Kind, SeedContext, read_only

BUILTIN: tuple[str, ...] = ("LogPoint Administrator", "SOC Analysts")
"""Incident user groups of every node; each wraps the user group of the same name (§7.14.4). Which ones a
fresh LogPoint has is undocumented: these are the emulator's choice."""


def seed(ctx: SeedContext) -> list[dict[str, Any]]:
    return [
        {
            "id": ctx.oid("IncidentUserGroups", name),
            "name": name,
            "tid": "",
            "user": "admin",
            "usergroup": ctx.oid("UserGroups", name),
            "users": [],
        }
        for name in BUILTIN
    ]


KIND: Kind = read_only("IncidentUserGroups", "Incident user group", "name", seed)
