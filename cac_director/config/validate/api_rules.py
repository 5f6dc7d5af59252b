"""Level 3: required fields, types, enums, bounds (pydantic models) and rules spanning several fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cac_director.config._paths import PathT, element_segment, join
from cac_director.config._schema_check import check_model
from cac_director.config.issues import IssueCollector
from cac_director.config.loader import PosDict, mark_of
from cac_director.config.models import SECTION_MODELS
from cac_director.constants import NONE
from cac_director.conventions import by_section

Rule = Callable[[dict[str, Any], PosDict, PathT, IssueCollector], None]


def validate_resource(
    section: str, resource: dict[str, Any], source: PosDict, path: PathT, collector: IssueCollector
) -> bool:
    """Report every level-3 problem of one resolved resource; True if it has no error (warnings do not count)."""
    before = len(collector.errors)
    conventions = by_section(section)
    for name in conventions.required_fields:
        if name not in resource:
            collector.error(
                "missing-field",
                f"required field {name!r} is missing",
                mark=mark_of(source),
                path=join((*path, name)),
                hint=f"set {name} in this resource or in a template it inherits from",
            )
    object_name = resource.get(conventions.name_key)
    if isinstance(object_name, str) and object_name in conventions.builtins:
        collector.error(
            "builtin-name",
            f"{object_name!r} is a built-in {conventions.type_name}: it is never created, changed or deleted",
            mark=mark_of(source, conventions.name_key),
            path=join((*path, conventions.name_key)),
            hint="reference the built-in by name where it is needed; give a managed object another name",
        )
    check_model(SECTION_MODELS[section], resource, collector, base=path, fallback=mark_of(source), root=source)
    for rule in _RULES.get(section, ()):
        rule(resource, source, path, collector)
    return len(collector.errors) == before


def _require(
    resource: dict[str, Any], source: PosDict, path: PathT, collector: IssueCollector, *, field: str, why: str
) -> None:
    if resource.get(field) in (None, "", []):
        collector.error(
            "missing-field",
            f"{field!r} is required {why}",
            mark=mark_of(source),
            path=join((*path, field)),
            hint=f"add {field}",
        )


def _forbid(
    resource: dict[str, Any], source: PosDict, path: PathT, collector: IssueCollector, *, field: str, why: str
) -> None:
    if resource.get(field) not in (None, "", []):
        collector.error(
            "forbidden-field",
            f"{field!r} must not be set {why}",
            mark=mark_of(source, field),
            path=join((*path, field)),
            hint=f"remove {field} (or set it to null in the child layer)",
        )


def _routing_criteria(resource: dict[str, Any], source: PosDict, path: PathT, collector: IssueCollector) -> None:
    criteria = resource.get("routing_criteria")
    sources = source.get("routing_criteria")
    if not isinstance(criteria, list) or not isinstance(sources, list):
        return
    for index, (criterion, located) in enumerate(zip(criteria, sources, strict=False)):
        if (
            isinstance(criterion, dict)
            and criterion.get("type") == "KeyPresentValueMatches"
            and not criterion.get("value")
        ):
            where = (*path, element_segment("routing_criteria", located, index), "value")
            collector.error(
                "missing-field",
                "'value' is required when type is KeyPresentValueMatches",
                mark=mark_of(located),
                path=join(where),
                hint="set the value to match, or use type KeyPresent",
            )


def _enrichment_rules(resource: dict[str, Any], source: PosDict, path: PathT, collector: IssueCollector) -> None:
    specs = resource.get("specifications")
    located_specs = source.get("specifications")
    if not isinstance(specs, list) or not isinstance(located_specs, list):
        return
    for s_index, (spec, located_spec) in enumerate(zip(specs, located_specs, strict=False)):
        if not isinstance(spec, dict) or not isinstance(located_spec, dict):
            continue
        spec_path = (*path, element_segment("specifications", located_spec, s_index))
        for r_index, (rule, located_rule) in enumerate(
            zip(spec.get("rules") or [], located_spec.get("rules") or [], strict=False)
        ):
            if not isinstance(rule, dict):
                continue
            where = (*spec_path, element_segment("rules", located_rule, r_index))
            if rule.get("category") == "simple" and not rule.get("event_key"):
                collector.error(
                    "missing-field",
                    "'event_key' is required for a simple rule",
                    mark=mark_of(located_rule),
                    path=join((*where, "event_key")),
                    hint="name the log field to enrich, e.g. event_key: source_address",
                )
            if rule.get("category") == "type_based" and not rule.get("type"):
                collector.error(
                    "missing-field",
                    "'type' is required for a type_based rule",
                    mark=mark_of(located_rule),
                    path=join((*where, "type")),
                    hint="type is one of ip, string, num",
                )


def _syslog_proxy(resource: dict[str, Any], source: PosDict, path: PathT, collector: IssueCollector) -> None:
    # Operator rules for proxy modes (docs/director-api.md §7.8).
    mode = resource.get("proxy_condition")
    if mode == "use_as_proxy":
        for field in ("charset", "parser"):
            _require(resource, source, path, collector, field=field, why="when proxy_condition is use_as_proxy")
        for field in ("proxy_ip", "hostname", "processpolicy"):
            _forbid(resource, source, path, collector, field=field, why="when proxy_condition is use_as_proxy")
    elif mode == "uses_proxy":
        for field in ("proxy_ip", "hostname", "processpolicy"):
            _require(resource, source, path, collector, field=field, why="when proxy_condition is uses_proxy")
    elif mode == NONE:
        for field in ("charset", "parser", "processpolicy"):
            _require(resource, source, path, collector, field=field, why="when proxy_condition is None")
        for field in ("proxy_ip", "hostname"):
            _forbid(resource, source, path, collector, field=field, why="when proxy_condition is None")


def _alert_rule(resource: dict[str, Any], source: PosDict, path: PathT, collector: IssueCollector) -> None:
    if not any(resource.get(field) for field in ("timerange_minute", "timerange_hour", "timerange_day")):
        collector.error(
            "missing-field",
            "one of timerange_minute, timerange_hour, timerange_day is required",
            mark=mark_of(source),
            path=join((*path, "timerange_minute")),
            hint="e.g. timerange_minute: 5",
        )
    if resource.get("throttling_enabled") is True:
        for field in ("throttling_field", "throttling_time_range"):
            _require(resource, source, path, collector, field=field, why="when throttling_enabled is true")


def _user_group(resource: dict[str, Any], source: PosDict, path: PathT, collector: IssueCollector) -> None:
    # Either full rights or explicit entries, never both (docs/director-api.md §7.14.2).
    if resource.get("include_all_permission") is True:
        _forbid(resource, source, path, collector, field="permission", why="when include_all_permission is true")
    else:
        _require(resource, source, path, collector, field="permission", why="unless include_all_permission is true")


_RULES: dict[str, tuple[Rule, ...]] = {
    "routingPolicies": (_routing_criteria,),
    "enrichmentPolicies": (_enrichment_rules,),
    "syslogCollectors": (_syslog_proxy,),
    "policySyslogCollectors": (_syslog_proxy,),
    "alertRules": (_alert_rule,),
    "userGroups": (_user_group,),
}
