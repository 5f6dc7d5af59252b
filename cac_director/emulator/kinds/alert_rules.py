"""AlertRules (docs/director-api.md §7.9): created and edited here, read only through fetch orders."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cac_director.emulator.kinds import alert_notifications, system_settings_general
from cac_director.emulator.kinds.common import Kind, duplicate, merge, plain, renamed_to_taken
from cac_director.emulator.validation import (
    Invalid,
    mapping_items,
    need_enum,
    need_int,
    need_str,
    opt_str,
    str_list,
    sub,
)

if TYPE_CHECKING:
    from cac_director.emulator.config import EmulatorConfig
    from cac_director.emulator.store import NodeState

RISKS = ("low", "medium", "high", "critical")
AGGREGATES = ("min", "max", "avg")
CONDITIONS = ("greaterthan", "lessthan", "equalsto", "lessequal", "equals", "moreequal", "notequal")
ONLY_ON_FLAGS = ("flush_on_trigger", "throttling_enabled")
"""Flags whose only documented value is "on" (§7.9): absent means off."""
FETCH_KINDS = ("MyAlertRules", "SharedAlertRules", "UsedAlertRules", "UsedSharedAlertRules", "VendorAlertRules")
"""``AlertRules/<kind>/fetch``: the only way to read rules back (§7.9)."""

FIELDS = (
    "searchname", "owner", "assigned_to", "risk", "aggregate", "condition_option", "condition_value", "limit",
    "repos", "timerange_minute", "timerange_hour", "timerange_day", "query", "description",
    "alert_context_template", "manageable_by", "attack_tag", "log_source", "metadata", "flush_on_trigger",
    "throttling_enabled", "throttling_field", "throttling_time_range", "search_interval_minute",
    "delay_interval_minute", "original_data", "apply_jinja_template",
)  # fmt: skip


def validate(data: dict[str, Any], create: bool) -> None:
    need_str(data, "searchname")
    if create:
        need_str(data, "owner")
    elif "owner" in data:
        raise Invalid("'owner' cannot be edited; use transferOwnership")
    opt_str(data, "assigned_to")
    need_enum(data, "risk", RISKS)
    need_enum(data, "aggregate", AGGREGATES)
    need_enum(data, "condition_option", CONDITIONS)
    need_int(data, "condition_value", minimum=0)
    need_int(data, "limit", minimum=1)
    str_list(data, "repos", required=True, non_empty=True)
    ranges = [
        need_int(data, k, minimum=1, required=False) for k in ("timerange_minute", "timerange_hour", "timerange_day")
    ]
    if all(r is None for r in ranges):
        raise Invalid("'timerange_minute' is mandatory when timerange_hour and timerange_day are absent")
    for key in ("query", "description", "alert_context_template", "throttling_field"):
        opt_str(data, key)
    for key in ("manageable_by", "attack_tag", "log_source"):
        str_list(data, key)
    for index, item in enumerate(mapping_items(data, "metadata", required=False)):
        try:
            need_str(item, "field")
            need_str(item, "value", allow_empty=True)
        except Invalid as exc:
            raise sub(f"metadata[{index}]", exc) from None
    for key in ONLY_ON_FLAGS:
        need_enum(data, key, ("on",), required=False)
    need_enum(data, "apply_jinja_template", ("on", "off"), required=False)
    need_enum(data, "original_data", ("true", "false"), required=False)
    if data.get("throttling_enabled") == "on":
        need_str(data, "throttling_field")
        need_int(data, "throttling_time_range", minimum=1)
    need_int(data, "search_interval_minute", minimum=1, required=False)
    # Its node-level precondition (SystemSettingsGeneral timestamp_on = log_ts) is a check (§7.16).
    need_int(data, "delay_interval_minute", minimum=1, maximum=1440, required=False)


def to_read(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    obj = merge(existing, plain(data, FIELDS), {"active": True, "tid": ""}, node)
    # A flag that accepts only "on" can only be turned off by leaving it out (§7.9), whatever PUT semantics are.
    for key in ONLY_ON_FLAGS:
        if key not in data:
            obj.pop(key, None)
    return obj


def check(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> list[str]:
    errors = duplicate(node, "AlertRules", "searchname", data, existing)
    errors += renamed_to_taken(node, "AlertRules", "searchname", data, existing)
    users = node.objects("Users")
    for key in ("owner", "assigned_to"):
        if data.get(key) and data[key] not in users:
            errors.append(f"Invalid user id '{data[key]}' in '{key}'")
    groups = node.objects("IncidentUserGroups")
    errors += [
        f"incident user group id '{g}' in 'manageable_by' does not exist on this LogPoint"
        for g in data.get("manageable_by", [])
        if g not in groups
    ]
    if "delay_interval_minute" in data and node.store.config.alert_delay_needs_log_ts:
        timestamp_on = system_settings_general.settings(node).get("timestamp_on")
        if timestamp_on != "log_ts":
            errors.append(
                "'delay_interval_minute' needs timestamp_on 'log_ts' in this LogPoint's SystemSettingsGeneral "
                f"(it is '{timestamp_on}')"
            )
    available = set(node.remote_repos())
    errors += [f"repo '{r}' is not available on this LogPoint" for r in data["repos"] if r not in available]
    return errors


def read_view(node: NodeState, obj: dict[str, Any], config: EmulatorConfig) -> dict[str, Any]:
    """Fetch rows: the rule without its notification settings, which nothing reads back (§7.18)."""
    return {k: v for k, v in obj.items() if k != "notifications"}


KIND = Kind(
    "AlertRules",
    "Alert rule",
    "searchname",
    validate,
    to_read,
    check,
    listable=False,
    kept_on_replace=("owner", "notifications"),
    read_view=read_view,
    actions=alert_notifications.ACTIONS,
    write_only=alert_notifications.SECRETS,
)
