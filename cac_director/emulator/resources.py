"""Per-resource rules: payload shape (sync 400), semantic checks (order failure), write -> read transforms.

Each ``Kind`` knows one Director resource of docs/director-api.md §7: its name key, how a write body becomes the
stored READ object (``hiddenrepopath`` -> ``repopath``, CSV -> list, flat CIA -> ``risk_values``, ...), what must
exist for a write to succeed, and who still references an object that is about to be deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cac_director.emulator.validation import (
    Invalid,
    csv_string,
    mapping_items,
    need_bool,
    need_enum,
    need_int,
    need_list,
    need_str,
    opt_str,
    str_list,
    sub,
)

if TYPE_CHECKING:
    from cac_director.emulator.store import NodeState

NONE = "None"
CIA_LEVELS = ("Minimal", "Minor", "Major", "Critical")
ROUTING_TYPES = ("KeyPresent", "KeyPresentValueMatches")
ROUTING_DROPS = ("store", "discard_raw", "discard")
ENRICH_CRITERIA = ("KeyPresents", "KeyPresentsValueMatches")
PROXY_CONDITIONS = ("use_as_proxy", "uses_proxy", "None")
PARSERS = ("SyslogParser", "LineParser", "MultiLineSyslogParser", "ProofPointEmailProtectionLogParser", "EmailParser")
RISKS = ("low", "medium", "high", "critical")
AGGREGATES = ("min", "max", "avg")
ONLY_ON_FLAGS = ("flush_on_trigger", "throttling_enabled")
"""Alert-rule flags whose only documented value is "on" (§7.9): absent means off."""
CONDITIONS = ("greaterthan", "lessthan", "equalsto", "lessequal", "equals", "moreequal", "notequal")


@dataclass
class Kind:
    path: str
    label: str
    name_key: str
    validate: Callable[[dict[str, Any], bool], None]
    """(data, is_create) -> raises Invalid."""
    to_read: Callable[[NodeState, dict[str, Any], dict[str, Any] | None], dict[str, Any]]
    check: Callable[[NodeState, dict[str, Any], dict[str, Any] | None], list[str]]
    """(node, data, existing or None) -> semantic errors."""
    referenced_by: Callable[[NodeState, dict[str, Any]], list[str]] = lambda _n, _o: []
    immutable: tuple[str, ...] = ()
    allowed: tuple[str, ...] = ()
    """Write keys that are stored; unknown extra keys are tolerated and dropped (§4.1)."""
    server_fields: dict[str, Any] = field(default_factory=dict)
    kept_on_replace: tuple[str, ...] = ()
    """Read keys a replacing edit keeps besides ``SERVER_KEPT``: server-set values and write fields that
    are absent from the Edit table (fixed after creation)."""


SERVER_KEPT = ("id", "user", "tid", "active")
"""Read keys no edit resets, whatever the PUT semantics (``EmulatorConfig.put_semantics``)."""


def replaced(kind: Kind, node: NodeState, data: dict[str, Any], existing: dict[str, Any]) -> dict[str, Any]:
    """The object after an edit that replaces: built from ``data`` alone, plus the keys no edit can change."""
    obj = kind.to_read(node, data, None)
    obj.pop("user", None)
    for key in (*SERVER_KEPT, *kind.kept_on_replace):
        if key in existing:
            obj[key] = existing[key]
    return obj


def _merge(existing: dict[str, Any] | None, updates: list[tuple[str, Any]], server: dict[str, Any],
           node: NodeState, *, creator: bool = True) -> dict[str, Any]:  # fmt: skip
    """New objects: request key order, then server fields (§4.2). Edits keep the existing order.

    ``creator``: new objects carry ``user`` (user-created repos did not on the wire, §7.1).
    """
    if existing is None:
        obj: dict[str, Any] = dict(updates)
        for key, value in server.items():
            obj.setdefault(key, value() if callable(value) else value)
        if creator:
            obj.setdefault("user", node.username)
        return obj
    obj = dict(existing)
    obj.update(updates)
    return obj


def _plain(allowed: tuple[str, ...]) -> Callable[[dict[str, Any]], list[tuple[str, Any]]]:
    return lambda data: [(k, v) for k, v in data.items() if k in allowed]


def _dup(node: NodeState, resource: str, key: str, data: dict[str, Any], existing: dict[str, Any] | None) -> list[str]:
    name = data.get(key)
    if existing is not None or not isinstance(name, str):
        return []
    for obj in node.objects(resource).values():
        if obj.get(key) == name:
            return [f"{key} '{name}' already exists"]
    return []


def _immutable(data: dict[str, Any], existing: dict[str, Any] | None, keys: tuple[str, ...]) -> list[str]:
    if existing is None:
        return []
    return [f"'{k}' cannot be changed" for k in keys if k in data and data[k] != existing.get(k)]


# ---------------------------------------------------------------- Repos (§7.1)


EMPTY_REPO_SIZE = "0.00781 MB"
"""``used_size`` of a repo without logs: a string with a unit and five decimals, as on the wire (§7.1)."""


def _slash(path: str) -> str:
    return path if path.endswith("/") else path + "/"


def _repos_validate(data: dict[str, Any], create: bool) -> None:
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


def _repos_read(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
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
    obj = _merge(existing, updates, server, node, creator=False)
    # On the wire old_repo_paths held the repo's current paths (§7.1); kept so after edits (inferred).
    obj["old_repo_paths"] = [dict(entry) for entry in obj.get("repopath", [])]
    return obj


def _repos_check(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> list[str]:
    errors = _dup(node, "Repos", "name", data, existing) + _immutable(data, existing, ("name",))
    offered = {_slash(p) for p in node.repo_paths}
    for entry in data.get("hiddenrepopath", []):
        if _slash(entry["path"]) not in offered:
            errors.append(f"path '{entry['path']}' is not one of the RepoPaths of this LogPoint")
    return errors


def _repos_refs(node: NodeState, obj: dict[str, Any]) -> list[str]:
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


# ---------------------------------------------------------------- RoutingPolicies (§7.2)


def _rp_validate(data: dict[str, Any], create: bool) -> None:
    need_str(data, "policy_name")
    need_str(data, "catch_all")
    for index, crit in enumerate(mapping_items(data, "routing_criteria")):
        try:
            kind = need_enum(crit, "type", ROUTING_TYPES)
            need_str(crit, "key")
            if kind == "KeyPresentValueMatches":
                need_str(crit, "value")
            else:
                opt_str(crit, "value")
            opt_str(crit, "repo")
            need_enum(crit, "drop", ROUTING_DROPS)
        except Invalid as exc:
            raise sub(f"routing_criteria[{index}]", exc) from None


def _rp_read(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    updates = _plain(("policy_name", "catch_all", "routing_criteria"))(data)
    return _merge(existing, updates, {"tid": "", "active": True}, node)


def _rp_check(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> list[str]:
    errors = _dup(node, "RoutingPolicies", "policy_name", data, existing)
    repos = {r["name"] for r in node.objects("Repos").values()}
    if data["catch_all"] not in repos:
        errors.append(f"catch_all repo '{data['catch_all']}' does not exist on this LogPoint")
    for crit in data["routing_criteria"]:
        if crit.get("repo") and crit["repo"] not in repos:
            errors.append(f"routing_criteria repo '{crit['repo']}' does not exist on this LogPoint")
    errors += _renamed_to_taken(node, "RoutingPolicies", "policy_name", data, existing)
    return errors


def _renamed_to_taken(node: NodeState, resource: str, key: str, data: dict[str, Any],
                      existing: dict[str, Any] | None) -> list[str]:  # fmt: skip
    if existing is None or data.get(key) in (None, existing.get(key)):
        return []
    if any(o.get(key) == data[key] for o in node.objects(resource).values()):
        return [f"{key} '{data[key]}' already exists"]
    return []


def _rp_refs(node: NodeState, obj: dict[str, Any]) -> list[str]:
    return [
        f"ProcessingPolicy '{pp['policy_name']}'"
        for pp in node.objects("ProcessingPolicy").values()
        if pp.get("routing_policy") == obj["id"]
    ]


# ---------------------------------------------------------------- NormalizationPolicy (§7.3)


def _np_validate(data: dict[str, Any], create: bool) -> None:
    if create:
        need_str(data, "name")
    else:
        opt_str(data, "name")
    csv_string(data, "norm_packages")
    csv_string(data, "compiled_normalizer")


def _np_read(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    updates: list[tuple[str, Any]] = []
    for key, value in data.items():
        if key == "name":
            updates.append(("name", value))
        elif key == "norm_packages":
            updates.append(("normalization_packages", [p.strip() for p in value.split(",") if p.strip()]))
        elif key == "compiled_normalizer":
            # Stored as the CSV string that was sent; reads show it only when the emulator is configured to
            # (``hide_unreturned``): the documented Get/List examples lack it (§7.3).
            updates.append(("compiled_normalizer", value))
    server = {
        "active": True,
        "tid": "",
        "normalization_packages": [],
        "compiled_normalizer": "",
        "ordered_signatures": [],
        "selected_signatures": [],
    }
    return _merge(existing, updates, server, node)


def hide_unreturned(resource: str, obj: dict[str, Any], *, returns_compiled_normalizer: bool) -> dict[str, Any]:
    """The object as a Director read returns it: without ``compiled_normalizer`` unless configured (§7.3)."""
    if resource != "NormalizationPolicy" or returns_compiled_normalizer or "compiled_normalizer" not in obj:
        return obj
    return {k: v for k, v in obj.items() if k != "compiled_normalizer"}


def _np_check(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> list[str]:
    errors = _dup(node, "NormalizationPolicy", "name", data, existing) + _immutable(data, existing, ("name",))
    packages = node.objects("NormalizationPackage")
    for pkg in csv_string(data, "norm_packages") or []:
        if pkg not in packages:
            errors.append(f"normalization package id '{pkg}' does not exist on this LogPoint")
    compiled = {c["name"] for c in node.compiled_normalizers}
    for name in csv_string(data, "compiled_normalizer") or []:
        if name not in compiled:
            errors.append(f"compiled normalizer '{name}' does not exist on this LogPoint")
    return errors


def _np_refs(node: NodeState, obj: dict[str, Any]) -> list[str]:
    return [
        f"ProcessingPolicy '{pp['policy_name']}'"
        for pp in node.objects("ProcessingPolicy").values()
        if pp.get("norm_policy") == obj["name"]
    ]


# ---------------------------------------------------------------- EnrichmentPolicy (§7.4)


def _ep_validate(data: dict[str, Any], create: bool) -> None:
    need_str(data, "name")
    opt_str(data, "description")
    for index, spec in enumerate(mapping_items(data, "specifications", non_empty=True)):
        where = f"specifications[{index}]"
        try:
            need_str(spec, "source")
            for c_index, crit in enumerate(mapping_items(spec, "criteria", non_empty=True)):
                try:
                    kind = need_enum(crit, "type", ENRICH_CRITERIA)
                    need_str(crit, "key")
                    if kind == "KeyPresentsValueMatches":
                        need_str(crit, "value")
                    else:
                        opt_str(crit, "value")
                except Invalid as exc:
                    raise sub(f"criteria[{c_index}]", exc) from None
            for r_index, rule in enumerate(mapping_items(spec, "rules", non_empty=True)):
                try:
                    category = need_enum(rule, "category", ("simple", "type_based"))
                    need_enum(rule, "operation", ("Equals",))
                    need_bool(rule, "prefix")
                    need_str(rule, "source_key")
                    if category == "simple":
                        need_str(rule, "event_key")
                    else:
                        need_enum(rule, "type", ("ip", "string", "num"))
                except Invalid as exc:
                    raise sub(f"rules[{r_index}]", exc) from None
        except Invalid as exc:
            raise sub(where, exc) from None


def _ep_read(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    updates = _plain(("name", "description", "specifications"))(data)
    return _merge(existing, updates, {"description": "", "active": True, "tid": ""}, node)


def _ep_check(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> list[str]:
    errors = _dup(node, "EnrichmentPolicy", "name", data, existing)
    errors += _renamed_to_taken(node, "EnrichmentPolicy", "name", data, existing)
    sources = {s["source_name"] for s in node.objects("EnrichmentSource").values()}
    for spec in data["specifications"]:
        if spec["source"] not in sources:
            errors.append(f"enrichment source '{spec['source']}' does not exist on this LogPoint")
    return errors


def _ep_refs(node: NodeState, obj: dict[str, Any]) -> list[str]:
    return [
        f"ProcessingPolicy '{pp['policy_name']}'"
        for pp in node.objects("ProcessingPolicy").values()
        if pp.get("enrich_policy") == obj["id"]
    ]


# ---------------------------------------------------------------- ProcessingPolicy (§7.5)


def _pp_validate(data: dict[str, Any], create: bool) -> None:
    # Edits need all four fields too: a PUT without policy_name was refused with 400 (§4.1).
    for key in ("policy_name", "norm_policy", "enrich_policy", "routing_policy"):
        need_str(data, key)


def _pp_read(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    updates = _plain(("policy_name", "norm_policy", "enrich_policy", "routing_policy"))(data)
    return _merge(existing, updates, {"active": True, "tid": ""}, node)


def _pp_check(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> list[str]:
    errors = _dup(node, "ProcessingPolicy", "policy_name", data, existing)
    errors += _renamed_to_taken(node, "ProcessingPolicy", "policy_name", data, existing)
    if data["norm_policy"] != NONE and not any(
        o["name"] == data["norm_policy"] for o in node.objects("NormalizationPolicy").values()
    ):
        errors.append(f"normalization policy '{data['norm_policy']}' does not exist on this LogPoint")
    if data["enrich_policy"] != NONE and data["enrich_policy"] not in node.objects("EnrichmentPolicy"):
        errors.append(f"enrichment policy id '{data['enrich_policy']}' does not exist on this LogPoint")
    if data["routing_policy"] != NONE and data["routing_policy"] not in node.objects("RoutingPolicies"):
        errors.append(f"routing policy id '{data['routing_policy']}' does not exist on this LogPoint")
    return errors


def _pp_refs(node: NodeState, obj: dict[str, Any]) -> list[str]:
    return [
        f"SyslogCollector {app['uuid']} of device '{dev['name']}'"
        for dev in node.objects("Devices").values()
        for app in dev.get("col_apps", [])
        if app.get("processpolicy") == obj["id"]
    ]


# ---------------------------------------------------------------- DeviceGroups (§7.6)


def _dg_validate(data: dict[str, Any], create: bool) -> None:
    need_str(data, "name")
    opt_str(data, "description")
    str_list(data, "devices")


def _dg_read(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    updates = _plain(("name", "description", "devices"))(data)
    return _merge(existing, updates, {"description": "", "devices": [], "active": True, "tid": ""}, node)


def _dg_check(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> list[str]:
    errors = _dup(node, "DeviceGroups", "name", data, existing)
    errors += _renamed_to_taken(node, "DeviceGroups", "name", data, existing)
    devices = node.objects("Devices")
    errors += [f"device id '{d}' does not exist on this LogPoint" for d in data.get("devices", []) if d not in devices]
    return errors


def _dg_refs(node: NodeState, obj: dict[str, Any]) -> list[str]:
    return [
        f"Devices '{d['name']}'" for d in node.objects("Devices").values() if obj["id"] in d.get("device_groups", [])
    ]


# ---------------------------------------------------------------- Devices (§7.7)

_DEVICE_RENAMES = {"devicegroup": "device_groups", "logpolicy": "log_policies"}
_CIA = ("availability", "confidentiality", "integrity")


def _dev_validate(data: dict[str, Any], create: bool) -> None:
    need_str(data, "name")
    str_list(data, "ip", required=True, non_empty=True)
    for key in _CIA:
        need_enum(data, key, CIA_LEVELS)
    for key in ("devicegroup", "distributed_collector", "logpolicy"):
        str_list(data, key)
    opt_str(data, "timezone")


def _dev_read(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    updates: list[tuple[str, Any]] = []
    risk = dict(existing.get("risk_values", {})) if existing else {}
    for key, value in data.items():
        if key in _CIA:
            risk[key] = value
            if not any(k == "risk_values" for k, _ in updates):
                updates.append(("risk_values", risk))
        elif key in _DEVICE_RENAMES:
            updates.append((_DEVICE_RENAMES[key], value))
        elif key in ("name", "ip", "distributed_collector", "timezone"):
            updates.append((key, value))
    server: dict[str, Any] = {
        "active": True,
        "has_hostname": False,
        "type": None,
        "tid": "",
        "timezone": "UTC",
        "device_groups": [],
        "distributed_collector": [],
        "log_policies": [],
        "risk_values": risk,
        "col_apps": [],
    }
    obj = _merge(existing, updates, server, node)
    obj["has_hostname"] = any(any(ch.isalpha() for ch in ip) and ":" not in ip for ip in obj.get("ip", []))
    return obj


def _dev_check(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> list[str]:
    errors = _dup(node, "Devices", "name", data, existing)
    errors += _renamed_to_taken(node, "Devices", "name", data, existing)
    groups = node.objects("DeviceGroups")
    errors += [
        f"device group id '{g}' does not exist on this LogPoint" for g in data.get("devicegroup", []) if g not in groups
    ]
    # Distributed collectors and log collection policies are not emulated: any id is unknown, except the ones
    # the device already carries (set out of band), which a complete PUT sends back.
    held = existing or {}
    errors += [
        f"distributed collector id '{c}' does not exist"
        for c in data.get("distributed_collector", [])
        if c not in held.get("distributed_collector", [])
    ]
    errors += [
        f"log collection policy id '{p}' does not exist"
        for p in data.get("logpolicy", [])
        if p not in held.get("log_policies", [])
    ]
    return errors


def _dev_refs(node: NodeState, obj: dict[str, Any]) -> list[str]:
    return [
        f"DeviceGroups '{g['name']}'"
        for g in node.objects("DeviceGroups").values()
        if obj["id"] in g.get("devices", [])
    ]


# ---------------------------------------------------------------- SyslogCollector (§7.8)

SYSLOG_FIELDS = ("proxy_condition", "charset", "parser", "processpolicy", "proxy_ip", "hostname")


def syslog_validate(data: dict[str, Any], create: bool) -> None:
    if create:
        device_id = opt_str(data, "device_id", allow_empty=False)
        policy_id = opt_str(data, "policy_id", allow_empty=False)
        if device_id is None and policy_id is None:
            raise Invalid("either 'device_id' or 'policy_id' is mandatory")
    condition = need_enum(data, "proxy_condition", PROXY_CONDITIONS)
    if condition in ("use_as_proxy", "None"):
        need_str(data, "charset")
        need_enum(data, "parser", PARSERS)
    else:
        opt_str(data, "charset")
        need_enum(data, "parser", PARSERS, required=False)
    if condition in ("uses_proxy", "None"):
        need_str(data, "processpolicy")
    else:
        opt_str(data, "processpolicy")
    if condition == "uses_proxy":
        str_list(data, "proxy_ip", required=True, non_empty=True)
        str_list(data, "hostname", required=True)
    else:
        for key in ("proxy_ip", "hostname"):
            if data.get(key):
                raise Invalid(f"'{key}' is only allowed with proxy_condition 'uses_proxy'")


def syslog_check(node: NodeState, data: dict[str, Any], device: dict[str, Any] | None) -> list[str]:
    errors: list[str] = []
    if "policy_id" in data and "device_id" not in data:
        errors.append(f"log collection policy id '{data['policy_id']}' does not exist on this LogPoint")
    if device is None and "device_id" in data:
        errors.append(f"device id '{data['device_id']}' does not exist on this LogPoint")
    charset = data.get("charset")
    if charset and charset not in node.charsets:
        errors.append(f"charset '{charset}' is not supported")
    pp = data.get("processpolicy")
    if pp and pp != NONE and pp not in node.objects("ProcessingPolicy"):
        errors.append(f"processing policy id '{pp}' does not exist on this LogPoint")
    return errors


# ---------------------------------------------------------------- AlertRules (§7.9)

ALERT_FIELDS = (
    "searchname", "owner", "assigned_to", "risk", "aggregate", "condition_option", "condition_value", "limit",
    "repos", "timerange_minute", "timerange_hour", "timerange_day", "query", "description",
    "alert_context_template", "manageable_by", "attack_tag", "log_source", "metadata", "flush_on_trigger",
    "throttling_enabled", "throttling_field", "throttling_time_range", "search_interval_minute",
    "delay_interval_minute", "original_data", "apply_jinja_template",
)  # fmt: skip


def _ar_validate(data: dict[str, Any], create: bool) -> None:
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
    # Its node-level precondition (SystemSettingsGeneral timestamp_on = log_ts) is not emulated (§7.16).
    need_int(data, "delay_interval_minute", minimum=1, maximum=1440, required=False)


def _ar_read(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    updates = _plain(ALERT_FIELDS)(data)
    obj = _merge(existing, updates, {"active": True, "tid": ""}, node)
    # A flag that accepts only "on" can only be turned off by leaving it out (§7.9), whatever PUT semantics are.
    for key in ONLY_ON_FLAGS:
        if key not in data:
            obj.pop(key, None)
    return obj


def _ar_check(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> list[str]:
    errors = _dup(node, "AlertRules", "searchname", data, existing)
    errors += _renamed_to_taken(node, "AlertRules", "searchname", data, existing)
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
    available = set(node.remote_repos())
    errors += [f"repo '{r}' is not available on this LogPoint" for r in data["repos"] if r not in available]
    return errors


def _no_write(data: dict[str, Any], create: bool) -> None:
    raise Invalid("this resource is read-only")


def _no_read(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    raise AssertionError("read-only resource")


def _no_check(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> list[str]:
    return []


KINDS: dict[str, Kind] = {
    kind.path: kind
    for kind in (
        Kind(
            "Repos",
            "Repo",
            "name",
            _repos_validate,
            _repos_read,
            _repos_check,
            _repos_refs,
            kept_on_replace=("name", "repo_number", "used_size", "store_front_port"),
        ),
        Kind("RoutingPolicies", "Routing policy", "policy_name", _rp_validate, _rp_read, _rp_check, _rp_refs),
        Kind(
            "NormalizationPolicy",
            "Normalization policy",
            "name",
            _np_validate,
            _np_read,
            _np_check,
            _np_refs,
            kept_on_replace=("name", "ordered_signatures", "selected_signatures"),
        ),
        Kind("EnrichmentPolicy", "Enrichment policy", "name", _ep_validate, _ep_read, _ep_check, _ep_refs),
        Kind("ProcessingPolicy", "Processing policy", "policy_name", _pp_validate, _pp_read, _pp_check, _pp_refs),
        Kind("DeviceGroups", "Device group", "name", _dg_validate, _dg_read, _dg_check, _dg_refs),
        Kind(
            "Devices",
            "Device",
            "name",
            _dev_validate,
            _dev_read,
            _dev_check,
            _dev_refs,
            kept_on_replace=("col_apps", "type"),
        ),
        Kind("AlertRules", "Alert rule", "searchname", _ar_validate, _ar_read, _ar_check, kept_on_replace=("owner",)),
        Kind("NormalizationPackage", "Normalization package", "name", _no_write, _no_read, _no_check),
        Kind("EnrichmentSource", "Enrichment source", "source_name", _no_write, _no_read, _no_check),
        Kind("Users", "User", "username", _no_write, _no_read, _no_check),
        Kind("IncidentUserGroups", "Incident user group", "name", _no_write, _no_read, _no_check),
    )
}

WRITABLE = ("Repos", "RoutingPolicies", "NormalizationPolicy", "EnrichmentPolicy", "ProcessingPolicy",
            "DeviceGroups", "Devices", "AlertRules")  # fmt: skip
LISTABLE = ("Repos", "RoutingPolicies", "NormalizationPolicy", "EnrichmentPolicy", "ProcessingPolicy",
            "DeviceGroups", "Devices", "NormalizationPackage", "EnrichmentSource", "Users",
            "IncidentUserGroups")  # fmt: skip


def needs_list(data: dict[str, Any], key: str) -> list[Any]:
    return need_list(data, key) or []
