"""Every managed resource type: create/get/list/find/update/delete over HTTP, read back equal after normalisation."""

from __future__ import annotations

from typing import Any

import pytest

from cac_director.conventions import REGISTRY, ResourceConventions, by_section
from cac_director.director import DirectorClient, NodeResolver, mapping

# section -> (prerequisites as (section, model), model to create, model after an update)
CASES: dict[str, tuple[list[tuple[str, dict[str, Any]]], dict[str, Any], dict[str, Any]]] = {
    "repos": (
        [],
        {
            "name": "repo-secu",
            "hiddenrepopath": [{"path": "/data/hot", "retention": 30}, {"path": "/data/warm", "retention": 90}],
        },
        {"name": "repo-secu", "hiddenrepopath": [{"path": "/data/hot", "retention": 60}]},
    ),
    "routingPolicies": (
        [],
        {
            "policy_name": "rp-secu",
            "catch_all": "default",
            "routing_criteria": [
                {
                    "type": "KeyPresentValueMatches",
                    "key": "norm_id",
                    "value": "WinServer",
                    "repo": "_logpoint",
                    "drop": "store",
                }
            ],
        },
        {"policy_name": "rp-secu", "catch_all": "_logpoint", "routing_criteria": []},
    ),
    "normalizationPolicies": (
        [],
        {"name": "np-win", "norm_packages": ["LP_Windows"], "compiled_normalizer": ["WindowsXMLCompiledNormalizer"]},
        {
            "name": "np-win",
            "norm_packages": ["LP_Linux_Syslog", "LP_Windows"],
            "compiled_normalizer": ["JSONCompiledNormalizer", "WindowsXMLCompiledNormalizer"],
        },
    ),
    "enrichmentPolicies": (
        [],
        {
            "name": "ep-geo",
            "description": "geo",
            "specifications": [
                {
                    "source": "geoip",
                    "criteria": [{"type": "KeyPresents", "key": "source_address", "value": ""}],
                    "rules": [
                        {
                            "category": "simple",
                            "operation": "Equals",
                            "prefix": False,
                            "event_key": "source_address",
                            "source_key": "ip",
                        }
                    ],
                }
            ],
        },
        None,  # filled below: same with another description
    ),
    "processingPolicies": (
        [],
        {"policy_name": "pp-win", "norm_policy": "_logpoint", "routing_policy": "_logpoint"},
        {"policy_name": "pp-win", "norm_policy": "None", "routing_policy": "default"},
    ),
    "deviceGroups": ([], {"name": "dg-fw", "description": "firewalls"}, {"name": "dg-fw", "description": "perimeter"}),
    "logCollectionPolicies": (
        [],
        {"name": "lcp-fw", "description": "firewalls"},
        {"name": "lcp-fw", "description": "perimeter"},
    ),
    "devices": (
        [("deviceGroups", {"name": "dg-fw", "description": ""}), ("logCollectionPolicies", {"name": "lcp-fw"})],
        {
            "name": "fw1",
            "ip": ["10.0.0.1"],
            "availability": "Minor",
            "confidentiality": "Major",
            "integrity": "Critical",
            "devicegroup": ["dg-fw"],
            "logpolicy": ["lcp-fw"],
            "distributed_collector": ["dc-hq-01"],  # seeded on every data node (no Create exists, §7.17)
        },
        {
            "name": "fw1",
            "ip": ["10.0.0.2", "10.0.0.1"],
            "availability": "Major",
            "confidentiality": "Major",
            "integrity": "Critical",
            "devicegroup": ["dg-fw"],
            "logpolicy": [],
            "distributed_collector": [],
        },
    ),
    "syslogCollectors": (
        [
            (
                "devices",
                {
                    "name": "fw1",
                    "ip": ["10.0.0.1"],
                    "availability": "Minor",
                    "confidentiality": "Minor",
                    "integrity": "Minor",
                },
            )
        ],
        {
            "device": "fw1",
            "proxy_condition": "None",
            "charset": "utf_8",
            "parser": "SyslogParser",
            "processpolicy": "default",
        },
        {
            "device": "fw1",
            "proxy_condition": "None",
            "charset": "ascii",
            "parser": "LineParser",
            "processpolicy": "_logpoint",
        },
    ),
    # A collector on a log collection policy (§7.15): found in the policy's col_apps, keyed by its name.
    "policySyslogCollectors": (
        [("logCollectionPolicies", {"name": "lcp-fw", "description": ""})],
        {
            "policy": "lcp-fw",
            "proxy_condition": "None",
            "charset": "utf_8",
            "parser": "SyslogParser",
            "processpolicy": "default",
        },
        {
            "policy": "lcp-fw",
            "proxy_condition": "use_as_proxy",
            "charset": "ascii",
            "parser": "LineParser",
        },
    ),
    "alertRules": (
        [],
        {
            "searchname": "ar-brute",
            "owner": "admin",
            "risk": "high",
            "aggregate": "max",
            "condition_option": "greaterthan",
            "condition_value": 5,
            "limit": 10,
            "repos": ["default"],
            "timerange_minute": 15,
            "query": "label=Login label=Fail",
            "flush_on_trigger": True,
            "manageable_by": ["SOC Analysts"],
            "active": True,
        },
        {
            "searchname": "ar-brute",
            "owner": "admin",
            "risk": "critical",
            "aggregate": "max",
            "condition_option": "greaterthan",
            "condition_value": 3,
            "limit": 10,
            "repos": ["default", "_logpoint"],
            "timerange_minute": 30,
            "query": "label=Login label=Fail",
            "flush_on_trigger": False,
            "manageable_by": ["LogPoint Administrator", "SOC Analysts"],
            "active": False,
        },
    ),
    # A singleton, never created or deleted: its own round trip is tests/contract/test_system_settings.py.
    "systemSettings": (
        [],
        {"settings": "general", "timestamp_on": "log_ts"},
        {"settings": "general", "timestamp_on": "log_ts", "timeout": 45},
    ),
    "permissionGroups": (
        [],
        {
            "name": "pg-soc",
            "description": "SOC analysts",
            "permissions": [{"entity": "Lists", "permission": "READ"}, {"entity": "Fields", "permission": "NONE"}],
        },
        {"name": "pg-soc", "description": "", "permissions": [{"entity": "Lists", "permission": "CREATE_EDIT"}]},
    ),
    "userGroups": (
        [
            ("permissionGroups", {"name": "pg-soc", "description": ""}),
            ("deviceGroups", {"name": "dg-fw", "description": ""}),
            (
                "devices",
                {
                    "name": "fw1",
                    "ip": ["10.0.0.1"],
                    "availability": "Minor",
                    "confidentiality": "Minor",
                    "integrity": "Minor",
                    "devicegroup": ["dg-fw"],
                },
            ),
        ],
        {
            "name": "ug-soc",
            "description": "SOC",
            "roles": "pg-soc",
            "query": "col_type=syslog",
            "include_all_permission": False,
            "permission": [
                {
                    "logpoint_ip": "127.0.0.1",
                    "repos": ["default", "_logpoint"],
                    "device_groups": [{"name": "dg-fw", "devices": [{"name": "fw1", "ips": ["10.0.0.1"]}]}],
                }
            ],
        },
        {
            "name": "ug-soc",
            "description": "",
            "roles": "SOC Analysts",
            "query": "",
            "include_all_permission": True,
        },
    ),
    "staticLists": (
        [],
        {"name": "BLOCKED_IPS", "lists": ["10.0.0.1", "10.0.0.2"]},
        {"name": "BLOCKED_IPS", "lists": ["10.0.0.3"]},
    ),
    "dynamicLists": (
        [],
        {"name": "SEEN_USERS", "agelimit_day": 4, "agelimit_hour": 5, "agelimit_minute": 39},
        {"name": "SEEN_USERS", "agelimit_day": 0, "agelimit_hour": 0, "agelimit_minute": 0},
    ),
}
_ep = CASES["enrichmentPolicies"]
CASES["enrichmentPolicies"] = (_ep[0], _ep[1], {**_ep[1], "description": "geo, updated"})


def _name(conv: ResourceConventions, model: dict[str, Any]) -> str:
    return str(model[conv.name_key])


def _create(client: DirectorClient, resolver: NodeResolver, section: str, model: dict[str, Any]) -> str:
    conv = by_section(section)
    new_id, _ = client.create(conv, mapping.to_wire(conv, model, resolver), name=_name(conv, model))
    return new_id


def _model(conv: ResourceConventions, read: dict[str, Any], resolver: NodeResolver) -> dict[str, Any]:
    return mapping.normalize(conv, mapping.from_wire(conv, read, resolver))


def _expected(conv: ResourceConventions, model: dict[str, Any], read: dict[str, Any]) -> dict[str, Any]:
    """The normalised model, without the write-only fields this read does not return (§7.3)."""
    expected = mapping.normalize(conv, model)
    return {k: v for k, v in expected.items() if k in read or k not in conv.write_only_fields}


# The Director's unknowns (docs/emulator.md "Choices"): the client must work against either answer.
MODES = {
    "documented": {"put_semantics": "merge", "returns_compiled_normalizer": False},
    "replace-and-echo": {"put_semantics": "replace", "returns_compiled_normalizer": True},
}


def test_every_registered_type_has_a_case() -> None:
    assert {conv.yaml_section for conv in REGISTRY} == set(CASES)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("conv", [c for c in REGISTRY if not c.singleton], ids=lambda c: c.yaml_section)
def test_round_trip(conv: ResourceConventions, mode: str, fresh: Any, client: DirectorClient,
                    resolver: NodeResolver) -> None:  # fmt: skip
    fresh.set_runtime_config(**MODES[mode])
    prerequisites, model, changed = CASES[conv.yaml_section]
    for section, prereq in prerequisites:
        _create(client, resolver, section, prereq)
    name = _name(conv, model)

    new_id, read = client.create(conv, mapping.to_wire(conv, model, resolver), name=name)
    assert new_id
    assert _model(conv, read, resolver) == _expected(conv, model, read)
    got = client.get(conv, new_id)
    assert _model(conv, got, resolver) == _expected(conv, model, got)
    assert [o["id"] for o in client.list(conv) if o["id"] == new_id] == [new_id]
    found = client.find(conv, name)
    assert found is not None and found["id"] == new_id

    updated = client.update(conv, new_id, mapping.to_wire(conv, changed, resolver), name=name)
    assert _model(conv, updated, resolver) == _expected(conv, changed, updated)
    got = client.get(conv, new_id)
    assert _model(conv, got, resolver) == _expected(conv, changed, got)
    if mode == "replace-and-echo":
        assert all(field in got for field in conv.write_only_fields if field in changed)
    assert mapping.normalize(conv, changed) != mapping.normalize(conv, model)

    client.delete(conv, new_id, name=name)
    assert client.find(conv, name) is None
    client.delete(conv, new_id, name=name)  # already gone: still success


def test_lookups_resolve_seeded_vendor_objects(client: DirectorClient) -> None:
    assert client.lookup("users", "admin")
    assert client.lookup("incidentUserGroups", "SOC Analysts")
    assert client.lookup("distributedCollectors", "dc-hq-01")  # the List nests its array (§7.17)
    assert client.lookup("normalizationPackages", "LP_Windows")
    assert client.lookup("compiledNormalizers", "JSONCompiledNormalizer") == "JSONCompiledNormalizer"
    assert client.lookup("enrichmentSources", "geoip")
    assert "/opt/immune/storage/" in client.repo_paths()
    assert any(r.endswith("/default") for r in client.remote_repos())
