"""Rules between a node's settings and the objects that depend on them (docs/director-api.md §7.9, §7.16).

An alert rule with ``delay_interval_minute`` only works on a node that indexes on log time
(``timestamp_on: log_ts`` in its SystemSettingsGeneral). An instance's ``systemSettings`` go to every node it
targets, its alert rules to its search heads, so the instance's own settings are those of the rules' nodes.
"""

from __future__ import annotations

from typing import Any

from cac_director.config.issues import IssueCollector
from cac_director.config.loader import mark_of

Located = dict[str, list[tuple[str, dict[str, Any], Any]]]
SETTINGS = "systemSettings"


def validate_node_settings(located: Located, collector: IssueCollector) -> None:
    """An error for a delay the configured ``timestamp_on: col_ts`` rules out; a warning when it is not managed."""
    settings = next(iter(located.get(SETTINGS, [])), None)
    timestamp = settings[1].get("timestamp_on") if settings else None
    if timestamp == "log_ts":
        return
    for name, resource, source in located.get("alertRules", []):
        if resource.get("delay_interval_minute") is None:
            continue
        mark, path = mark_of(source, "delay_interval_minute"), f"alertRules[{name}].delay_interval_minute"
        if settings is not None and timestamp is not None:
            collector.error(
                "node-setting",
                f"delay_interval_minute needs the node to index on log time, but systemSettings sets "
                f"timestamp_on: {timestamp} (at {mark_of(settings[2], 'timestamp_on')})",
                hint="set timestamp_on: log_ts in systemSettings, or drop delay_interval_minute",
                mark=mark,
                path=path,
            )
        else:
            collector.warning(
                "node-setting",
                "delay_interval_minute needs timestamp_on: log_ts in the node's SystemSettingsGeneral, "
                "which this configuration does not manage (a fresh node indexes on col_ts)",
                hint="add `systemSettings: [{settings: general, timestamp_on: log_ts}]`, or drop delay_interval_minute",
                mark=mark,
                path=path,
            )
