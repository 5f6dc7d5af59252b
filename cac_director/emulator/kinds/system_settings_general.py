"""SystemSettingsGeneral (docs/director-api.md §7.16): one settings object per node, saved by POST, never deleted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cac_director.emulator.kinds.common import Kind, SeedContext, merge
from cac_director.emulator.validation import Invalid, need_enum, need_int, need_str, opt_str

if TYPE_CHECKING:
    from cac_director.emulator.store import NodeState

PATH = "SystemSettingsGeneral"
AUTH_METHODS = (
    {"name": "LogpointAuthentication", "text": "Logpoint Authentication"},
    {"name": "LDAPAuthentication", "text": "LDAP Authentication"},
)
"""What ``SystemSettingsGeneral/auth`` lists; ``default_auth`` takes one of the names (§7.16)."""
LP_MODES = ("search_head", "dlp")
TIMESTAMPS = ("log_ts", "col_ts")
DEFAULT_TIMESTAMP = "col_ts"
"""A fresh node's ``timestamp_on``: undocumented, the emulator's choice (docs/emulator.md), so a fleet that uses
alert-rule delays must manage the setting."""
MANDATORY_STR = ("default_auth", "default_ha_path", "li_ip", "lp_mode", "name", "timestamp_on", "timezone")
BOOLS = ("enable_soar", "share_usage_data")
"""Typed boolean while the examples send ``"true"``: both are accepted and stored as booleans."""
SAVED = (
    "default_auth", "default_ha_path", "enable_soar", "lp_mode", "name", "overscan_period", "share_usage_data",
    "tab_title", "timeout", "timestamp_on", "timezone",
)  # fmt: skip
"""Save fields read back under the same name; ``li_ip`` reads back as ``ip_dns`` (inferred, §7.16)."""


def _bool(data: dict[str, Any], key: str) -> None:
    if key in data and data[key] not in (True, False, "true", "false"):
        raise Invalid(f"'{key}' must be a boolean")


def _minutes(data: dict[str, Any], key: str) -> None:
    # An int on Save, while the List example reads back 1.0 (§7.16): a read-modify-write sends the float back.
    value = data.get(key)
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return
    need_int(data, key, minimum=0)


def validate(data: dict[str, Any], create: bool) -> None:
    for key in MANDATORY_STR:
        need_str(data, key)
    need_enum(data, "default_auth", (a["name"] for a in AUTH_METHODS))
    need_enum(data, "lp_mode", LP_MODES)
    need_enum(data, "timestamp_on", TIMESTAMPS)
    _minutes(data, "overscan_period")
    need_int(data, "timeout", minimum=1)
    opt_str(data, "tab_title")
    for key in BOOLS:
        _bool(data, key)


def to_read(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    updates: list[tuple[str, Any]] = []
    for key, value in data.items():
        if key in BOOLS:
            updates.append((key, value in (True, "true")))
        elif key == "overscan_period":
            updates.append((key, float(value)))
        elif key in SAVED:
            updates.append((key, value))
        elif key == "li_ip":
            updates.append(("ip_dns", value))
    # Optional fields left out of a Save keep their values (§7.16): a Save always merges.
    return merge(existing, updates, {}, node, creator=False)


def check(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> list[str]:
    zones = {zone["name"] for zone in node.timezones}
    return [] if data["timezone"] in zones else [f"timezone '{data['timezone']}' is not one of Timezone - List"]


def settings(node: NodeState) -> dict[str, Any]:
    """The node's settings (there is always exactly one)."""
    (obj,) = node.objects(PATH).values()
    return obj


def seed(ctx: SeedContext) -> list[dict[str, Any]]:
    return [
        {
            "auth_ldap": False,
            "auth_li": True,
            "buffering": False,
            "default_auth": "LogpointAuthentication",
            "default_ha_path": "/opt/immune/storage",
            "enable_soar": False,
            "id": ctx.oid(PATH, "general"),
            "identifier": ctx.node_id,
            "ip_dns": ctx.node_ip or "127.0.0.1",
            "is_msui": False,
            "lp_mode": "search_head" if ctx.node_role == "searchHead" else "dlp",
            "name": ctx.node_name,
            "overscan_period": 1.0,
            "sequence_number": 1,
            "share_usage_data": False,
            "tab_title": "",
            "timeout": 30,
            "timestamp_on": DEFAULT_TIMESTAMP,
            "timezone": "UTC",
            "type": "installation",
        }
    ]


KIND = Kind(
    PATH,
    "System settings",
    "name",
    validate,
    to_read,
    check,
    singleton=True,
    seed=seed,
    sub_reads={"auth": lambda _node: [dict(a) for a in AUTH_METHODS]},
    refresh_routes=("refreshAuthlist",),
)
