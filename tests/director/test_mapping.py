"""Model <-> wire mapping and the canonical form, per resource type, with wire bodies from docs/director-api.md."""

from __future__ import annotations

from cac_director.conventions import by_section
from cac_director.director import mapping


class TableResolver:
    """Name <-> id tables as one node would answer them (stands in for the node, not for our mapping)."""

    def __init__(self) -> None:
        self.ids = {
            "normalizationPackages": {"LP_Windows": "567cf0", "LP_Linux_Syslog": "567cf3"},
            "deviceGroups": {"dg-dc": "6" * 24, "dg-fw": "7" * 24},
            "enrichmentPolicies": {"ep-ti": "8" * 24},
            "routingPolicies": {"rp-win": "9" * 24},
            "users": {"admin": "a" * 24},
            "devices": {"fw1": "d" * 24},
            "processingPolicies": {"pp-win": "f" * 24},
        }
        self.remote = ["10.1.0.11:5504/repo-secu", "10.1.0.12:5504/repo-secu", "10.1.0.11:5504/default"]

    def id_of(self, target: str, name: str) -> str:
        return self.ids[target][name]

    def name_of(self, target: str, obj_id: str) -> str | None:
        return next((n for n, i in self.ids.get(target, {}).items() if i == obj_id), None)

    def require(self, target: str, name: str) -> str:
        return name

    def remote_repos_for(self, repo: str) -> list[str]:
        return [r for r in self.remote if r.endswith("/" + repo)]


R = TableResolver()


def round_trip(section: str, model: dict, read_extra: dict | None = None) -> tuple[dict, dict]:
    conv = by_section(section)
    return conv, mapping.to_wire(conv, model, R)  # type: ignore[arg-type]


def test_repos_wire_and_read_back_with_trailing_slash_and_float_retention() -> None:
    conv = by_section("repos")
    model = {"name": "repo-secu", "hiddenrepopath": [{"_id": "fast", "path": "/data/hot", "retention": 30}]}
    wire = mapping.to_wire(conv, model, R)  # type: ignore[arg-type]
    assert wire == {"name": "repo-secu", "hiddenrepopath": [{"path": "/data/hot", "retention": 30}]}
    read = {
        "name": "repo-secu",
        "repopath": [{"path": "/data/hot/", "retention": 30.0}],
        "repoha": [],
        "id": "1" * 24,
        "repo_number": 4,
        "used_size": "0 MB",
        "active": True,
        "tid": "",
    }
    back = mapping.from_wire(conv, read, R)  # type: ignore[arg-type]
    assert back == {"name": "repo-secu", "hiddenrepopath": [{"path": "/data/hot/", "retention": 30}], "repoha": []}
    assert mapping.normalize(conv, model) == mapping.normalize(conv, back)
    changed = {**model, "hiddenrepopath": [{"path": "/data/hot", "retention": 31}]}
    assert mapping.normalize(conv, changed) != mapping.normalize(conv, back)


def test_normalization_policy_csv_ids_and_names() -> None:
    conv = by_section("normalizationPolicies")
    model = {"name": "np-win", "norm_packages": ["LP_Windows", "LP_Linux_Syslog"], "compiled_normalizer": ["A", "B"]}
    wire = mapping.to_wire(conv, model, R)  # type: ignore[arg-type]
    assert wire == {"name": "np-win", "norm_packages": "567cf0,567cf3", "compiled_normalizer": "A,B"}
    read = {"name": "np-win", "normalization_packages": ["567cf3", "567cf0"], "compiled_normalizer": "B,A", "id": "x"}
    back = mapping.from_wire(conv, read, R)  # type: ignore[arg-type]
    assert back["norm_packages"] == ["LP_Linux_Syslog", "LP_Windows"]
    assert back["compiled_normalizer"] == ["B", "A"]
    assert mapping.normalize(conv, model) == mapping.normalize(conv, back)  # set-like: order does not matter


def test_processing_policy_none_sentinel_and_ids() -> None:
    conv = by_section("processingPolicies")
    model = {"policy_name": "pp-win", "norm_policy": "_logpoint", "routing_policy": "rp-win"}
    wire = mapping.to_wire(conv, model, R)  # type: ignore[arg-type]
    assert wire == {
        "policy_name": "pp-win",
        "norm_policy": "_logpoint",
        "routing_policy": "9" * 24,
        "enrich_policy": "None",
    }
    read = {**wire, "id": "p" * 24, "active": True, "tid": ""}
    back = mapping.from_wire(conv, read, R)  # type: ignore[arg-type]
    assert back == model
    assert mapping.normalize(conv, {**model, "enrich_policy": "None"}) == mapping.normalize(conv, model)


def test_devices_groups_by_id_and_cia_flattened() -> None:
    conv = by_section("devices")
    model = {
        "name": "fw1",
        "ip": ["10.0.0.2", "10.0.0.1"],
        "availability": "Minor",
        "confidentiality": "Major",
        "integrity": "Critical",
        "devicegroup": ["dg-fw"],
    }
    wire = mapping.to_wire(conv, model, R)  # type: ignore[arg-type]
    assert wire["devicegroup"] == ["7" * 24] and wire["availability"] == "Minor"
    read = {
        "id": "d" * 24,
        "name": "fw1",
        "ip": ["10.0.0.1", "10.0.0.2"],
        "device_groups": ["7" * 24],
        "log_policies": [],
        "distributed_collector": [],
        "risk_values": {"availability": "Minor", "confidentiality": "Major", "integrity": "Critical"},
        "col_apps": [],
        "timezone": "UTC",
        "has_hostname": False,
        "type": None,
    }
    back = mapping.from_wire(conv, read, R)  # type: ignore[arg-type]
    assert back["integrity"] == "Critical" and back["devicegroup"] == ["dg-fw"] and "risk_values" not in back
    assert mapping.normalize(conv, {**model, "timezone": "UTC"}) == mapping.normalize(conv, back)


def test_syslog_collector_device_is_create_only_id() -> None:
    conv = by_section("syslogCollectors")
    model = {"device": "fw1", "proxy_condition": "None", "processpolicy": "pp-win", "parser": "SyslogParser"}
    wire = mapping.to_wire(conv, model, R)  # type: ignore[arg-type]
    assert wire["device_id"] == "d" * 24 and "device" not in wire and wire["processpolicy"] == "f" * 24
    read = {"app": "SyslogCollector", "uuid": "u" * 32, "id": "u" * 32, "device_id": "d" * 24, **wire}
    del read["device_id"]
    read["device_id"] = "d" * 24
    back = mapping.from_wire(conv, read, R)  # type: ignore[arg-type]
    assert back["device"] == "fw1" and back["processpolicy"] == "pp-win"
    assert mapping.normalize(conv, model) == mapping.normalize(conv, back)


def test_alert_rule_flags_repos_and_users() -> None:
    conv = by_section("alertRules")
    model = {
        "searchname": "brute-force",
        "owner": "admin",
        "risk": "high",
        "aggregate": "max",
        "condition_option": "greaterthan",
        "condition_value": 5,
        "limit": 10,
        "repos": ["repo-secu"],
        "timerange_minute": 15,
        "flush_on_trigger": True,
        "original_data": False,
        "active": False,
    }
    wire = mapping.to_wire(conv, model, R)  # type: ignore[arg-type]
    assert wire["repos"] == ["10.1.0.11:5504/repo-secu", "10.1.0.12:5504/repo-secu"]
    assert wire["owner"] == "a" * 24
    assert (wire["flush_on_trigger"], wire["original_data"], wire["active"]) == ("on", "false", False)
    read = {**wire, "id": "r" * 24, "tid": "", "user": "admin", "throttling_enabled": "off"}
    back = mapping.from_wire(conv, read, R)  # type: ignore[arg-type]
    assert back["repos"] == ["repo-secu"] and back["owner"] == "admin" and back["flush_on_trigger"] is True
    assert mapping.normalize(conv, model) == mapping.normalize(conv, back)
    assert mapping.normalize(conv, {**model, "active": True}) != mapping.normalize(conv, back)
    assert mapping.normalize(conv, {k: v for k, v in model.items() if k != "active"})["active"] is True


def test_routing_policy_criteria_keep_their_order_and_empty_repo_equals_absent() -> None:
    conv = by_section("routingPolicies")
    crit = [
        {"type": "KeyPresentValueMatches", "key": "norm_id", "value": "WinServer", "repo": "repo-win", "drop": "store"},
        {"type": "KeyPresent", "key": "user", "value": "", "repo": "", "drop": "store"},
    ]
    model = {"policy_name": "rp-win", "catch_all": "default", "routing_criteria": crit}
    read = {**mapping.to_wire(conv, model, R), "id": "9" * 24, "user": "admin"}  # type: ignore[arg-type]
    back = mapping.from_wire(conv, read, R)  # type: ignore[arg-type]
    assert mapping.normalize(conv, back) == mapping.normalize(conv, model)
    swapped = {**model, "routing_criteria": list(reversed(crit))}
    assert mapping.normalize(conv, swapped) != mapping.normalize(conv, back)
    no_repo = [crit[0], {k: v for k, v in crit[1].items() if k != "repo"}]
    assert mapping.normalize(conv, {**model, "routing_criteria": no_repo}) == mapping.normalize(conv, model)


def test_internal_keys_never_reach_the_wire() -> None:
    conv = by_section("enrichmentPolicies")
    model = {
        "name": "ep",
        "_action": "keep",
        "specifications": [
            {
                "_id": "s1",
                "source": "geoip",
                "criteria": [{"type": "KeyPresents", "key": "ip", "value": ""}],
                "rules": [],
            }
        ],
    }
    wire = mapping.to_wire(conv, model, R)  # type: ignore[arg-type]
    assert "_action" not in wire and "_id" not in wire["specifications"][0]
