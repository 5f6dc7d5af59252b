"""Built-in objects every emulated LogPoint starts with (docs/architecture.md "Decisions", docs/director-api.md §9).

Objects are returned in READ shape, keyed by resource path segment; ``builtin`` lists names that cannot be
edited or deleted.
"""

from __future__ import annotations

from typing import Any

from cac_director.emulator.config import UserSpec
from cac_director.emulator.ids import seed_object_id

STORAGE = "/opt/immune/storage/"

NORMALIZATION_PACKAGES: tuple[tuple[str, str], ...] = (
    ("LP_Windows", "Normalization signatures for Microsoft Windows event logs"),
    ("LP_Linux_Syslog", "Normalization signatures for Linux syslog"),
    ("LP_Fortinet_FortiGate", "Normalization signatures for Fortinet FortiGate"),
    ("LP_Palo_Alto_Networks_Firewall", "Normalization signatures for Palo Alto Networks firewalls"),
    ("LP_Cisco_ASA", "Normalization signatures for Cisco ASA"),
    ("LP_Microsoft_Active_Directory", "Normalization signatures for Microsoft Active Directory"),
    ("LP_LogPoint_Internal", "Normalization signatures for LogPoint's own logs"),
)

COMPILED_NORMALIZERS: tuple[str, ...] = (
    "WindowsXMLCompiledNormalizer",
    "JSONCompiledNormalizer",
    "SyslogCompiledNormalizer",
    "CheckPointOpsecCompiledNormalizer",
    "CEFCompiledNormalizer",
)

ENRICHMENT_SOURCES: tuple[tuple[str, str], ...] = (
    ("threat_intelligence", "ThreatIntelligence"),
    ("geoip", "GeoIP"),
    ("ip_to_host", "IPtoHost"),
    ("asset_inventory", "CSV"),
)
UNDERSCORE_ID_SOURCE = "asset_inventory"
"""This source carries ``_id`` instead of ``id``, like one element of the documented list (§4.2, §7.4)."""

INCIDENT_USER_GROUPS: tuple[str, ...] = ("LogPoint Administrator", "SOC Analysts")
"""Incident user groups of every node (alert rules' ``manageable_by``, §7.18); each wraps the user group of the
same name (§7.14.4). Which ones a fresh LogPoint has is undocumented: these are the emulator's choice."""

CHARSETS: tuple[str, ...] = ("ascii", "big5", "utf_8", "utf_8_sig")

TIMEZONES: tuple[tuple[str, str], ...] = (
    ("UTC", "(GMT+00:00) UTC"),
    ("Europe/Paris", "(GMT+01:00) Paris"),
    ("Europe/Zurich", "(GMT+01:00) Zurich"),
    ("America/New_York", "(GMT-05:00) New York"),
    ("Asia/Kathmandu", "(GMT+05:45) Kathmandu"),
)


def seed_node(node_id: str, users: list[UserSpec]) -> tuple[dict[str, dict[str, dict[str, Any]]], set[str]]:
    """(objects per resource keyed by id, ids of built-ins) for a fresh node."""

    def oid(resource: str, name: str) -> str:
        return seed_object_id(node_id, resource, name)

    objects: dict[str, dict[str, dict[str, Any]]] = {}
    builtin: set[str] = set()

    def put(resource: str, obj: dict[str, Any], *, is_builtin: bool = True, id_key: str = "id") -> None:
        objects.setdefault(resource, {})[obj[id_key]] = obj
        if is_builtin:
            builtin.add(obj[id_key])

    for number, name in enumerate(("default", "_logpoint", "_LogPointAlerts"), start=1):
        put(
            "Repos",
            {
                "id": oid("Repos", name),
                "name": name,
                "repo_number": number,
                "repopath": [{"path": STORAGE, "retention": 365}],
                "repoha": [],
                "active": True,
                "tid": "",
                "used_size": "0.28516 MB",
            },
        )

    alert_criteria = [
        {"type": "KeyPresentValueMatches", "key": "norm_id", "value": "LogPointAlert", "repo": "_LogPointAlerts",
         "drop": "store"},
        {"type": "KeyPresentValueMatches", "key": "norm_id", "value": "UEBA", "repo": "_LogPointAlerts",
         "drop": "store"},
    ]  # fmt: skip
    for name, catch_all, criteria in (
        ("_logpoint", "_logpoint", []),
        ("default", "default", []),
        ("_LogPointAlerts", "default", alert_criteria),
    ):
        put(
            "RoutingPolicies",
            {
                "policy_name": name,
                "catch_all": catch_all,
                "routing_criteria": criteria,
                "tid": "",
                "active": True,
                "id": oid("RoutingPolicies", name),
            },
        )

    for index, (name, description) in enumerate(NORMALIZATION_PACKAGES):
        put(
            "NormalizationPackage",
            {
                "id": oid("NormalizationPackage", name),
                "name": name,
                "description": description,
                "type": "vendor",
                "version": "5.2.0",
                "vid": f"NORMPACKAGE_{771 + index}",
                "active": True,
                "share_is": False,
                "tid": "",
                "last_sig_id": 405000 + 100 * index,
                "unused_signatures": [],
                "fields_info": [],
                "signatures": [],
            },
        )

    internal_pkg = oid("NormalizationPackage", "LP_LogPoint_Internal")
    for name, packages in (("_logpoint", [internal_pkg]), ("_LogPointAlerts", [])):
        put(
            "NormalizationPolicy",
            {
                "id": oid("NormalizationPolicy", name),
                "name": name,
                "active": True,
                "tid": "",
                "normalization_packages": packages,
                "compiled_normalizer": "",
                "ordered_signatures": [],
                "selected_signatures": [],
            },
        )

    for name, routing in (("_logpoint", "_logpoint"), ("default", "default")):
        put(
            "ProcessingPolicy",
            {
                "id": oid("ProcessingPolicy", name),
                "policy_name": name,
                "norm_policy": "_logpoint" if name == "_logpoint" else "None",
                "enrich_policy": "None",
                "routing_policy": oid("RoutingPolicies", routing),
                "active": True,
                "tid": "",
            },
        )

    for name, source_type in ENRICHMENT_SOURCES:
        id_key = "_id" if name == UNDERSCORE_ID_SOURCE else "id"
        put(
            "EnrichmentSource",
            {
                id_key: oid("EnrichmentSource", name),
                "source_name": name,
                "source_type": source_type,
                "plugin_info": {"source_fields": []},
                "active": True,
                "delete_status": False,
                "last_updated": 1735689600,
                "reason": "",
                "result": "success",
                "single_entry": False,
                "tid": "",
            },
            id_key=id_key,
        )

    for spec in [UserSpec(username="admin", firstname="Admin", lastname="User", email="admin@example.com"), *users]:
        put("Users", user_object(oid("Users", spec.username), spec))

    for name in INCIDENT_USER_GROUPS:
        put(
            "IncidentUserGroups",
            {
                "id": oid("IncidentUserGroups", name),
                "name": name,
                "tid": "",
                "user": "admin",
                "usergroup": oid("UserGroups", name),
                "users": [],
            },
        )

    for resource in ("EnrichmentPolicy", "DeviceGroups", "Devices", "AlertRules"):
        objects.setdefault(resource, {})
    return objects, builtin


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
