"""Resource contracts (docs/director-api.md §7, §9, §10): endpoints, write/read field renames, seeds, validation."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from cac_director.emulator import Emulator
from tests.emulator.conftest import DN2, POOL, SH, by_name, cfg, ok, poll, refused, write

HEX32 = re.compile(r"^[0-9a-f]{32}$")


def repo(name: str, *paths: tuple[str, int]) -> dict[str, Any]:
    return {
        "name": name,
        "hiddenrepopath": [{"path": p, "retention": r} for p, r in paths or (("/opt/immune/storage/", 90),)],
    }


def user_id(client: httpx.Client, username: str, node: str = SH) -> str:
    return by_name(client, "Users", username, key="username", node=node)["id"]


# ---------------------------------------------------------------- Repos


def test_builtin_repos_are_seeded_with_the_documented_shape(client: httpx.Client) -> None:
    repos = client.get(f"{cfg()}/Repos").json()
    assert [r["name"] for r in repos] == ["default", "_logpoint", "_LogPointAlerts"]
    assert [r["repo_number"] for r in repos] == [1, 2, 3]
    for r in repos:
        assert r["repopath"] == [{"path": "/opt/immune/storage/", "retention": 365}]
        assert r["active"] is True and r["tid"] == "" and "user" not in r
        assert "hiddenrepopath" not in r


def test_repo_write_key_hiddenrepopath_reads_back_as_repopath_with_trailing_slash(client: httpx.Client) -> None:
    ok(write(client, "POST", f"{cfg()}/Repos", repo("Repo_tiered", ("/data/hot", 7), ("/data/warm/", 30))))
    r = by_name(client, "Repos", "Repo_tiered")
    assert r["repopath"] == [{"path": "/data/hot/", "retention": 7}, {"path": "/data/warm/", "retention": 30}]
    assert "hiddenrepopath" not in r
    assert r["repo_number"] == 4
    # Wire shapes of a user-created repo (§7.1): no creator key, a size string, old_repo_paths = current paths.
    assert "user" not in r
    assert re.fullmatch(r"\d+\.\d{5} MB", r["used_size"]) and r["repoha"] == []
    assert r["old_repo_paths"] == r["repopath"]
    assert r["store_front_port"] is None
    assert list(r)[:2] == ["name", "repopath"]  # request key order first, then server fields (§4.2)
    ok(
        write(
            client,
            "PUT",
            f"{cfg()}/Repos/{r['id']}",
            {"name": "Repo_tiered", "hiddenrepopath": [{"path": "/data/cold/", "retention": 365}]},
        )
    )
    edited = by_name(client, "Repos", "Repo_tiered")
    assert edited["repopath"] == [{"path": "/data/cold/", "retention": 365}]
    assert edited["id"] == r["id"]
    assert edited["old_repo_paths"] == [{"path": "/data/cold/", "retention": 365}]


def test_repo_paths_are_configurable_per_node(client: httpx.Client) -> None:
    assert client.get(f"{cfg()}/Repos/RepoPaths").json() == [
        {"paths": ["/opt/immune/storage/", "/data/hot/", "/data/warm/", "/data/cold/"]}
    ]
    assert client.get(f"{cfg(DN2)}/Repos/RepoPaths").json() == [{"paths": ["/opt/immune/storage/"]}]
    refused(write(client, "POST", f"{cfg(DN2)}/Repos", repo("Repo_hot", ("/data/hot/", 7))), "/data/hot/")
    ok(write(client, "POST", f"{cfg(DN2)}/Repos/RepoPaths/refreshlist"))


@pytest.mark.parametrize(
    "data",
    [
        {"hiddenrepopath": [{"path": "/opt/immune/storage/", "retention": 1}]},
        {"name": "x"},
        {"name": "x", "hiddenrepopath": {"path": "/opt/immune/storage/", "retention": 1}},
        {"name": "x", "hiddenrepopath": [{"path": "/opt/immune/storage/", "retention": "90"}]},
        {"name": "x", "hiddenrepopath": []},
        {"name": 5, "hiddenrepopath": [{"path": "/opt/immune/storage/", "retention": 1}]},
        {"name": "x" * 29, "hiddenrepopath": [{"path": "/opt/immune/storage/", "retention": 1}]},
    ],
)
def test_malformed_repo_payloads_are_refused_with_400(client: httpx.Client, data: dict[str, Any]) -> None:
    r = client.post(f"{cfg()}/Repos", json={"data": data})
    assert r.status_code == 400
    assert r.json()["status"] == "Failed" and r.json()["message"]


def test_duplicate_repo_name_fails_the_order(client: httpx.Client) -> None:
    refused(write(client, "POST", f"{cfg()}/Repos", repo("default")), "already exists")
    assert [r["name"] for r in client.get(f"{cfg()}/Repos").json()].count("default") == 1


def test_builtin_repo_cannot_be_deleted_or_edited(client: httpx.Client) -> None:
    default = by_name(client, "Repos", "default")
    refused(write(client, "DELETE", f"{cfg()}/Repos/{default['id']}"), "built-in")
    refused(write(client, "PUT", f"{cfg()}/Repos/{default['id']}", repo("default")), "built-in")
    assert by_name(client, "Repos", "default") == default


def test_repo_referenced_by_a_routing_policy_cannot_be_deleted(client: httpx.Client) -> None:
    ok(write(client, "POST", f"{cfg()}/Repos", repo("Repo_secu")))
    ok(
        write(
            client,
            "POST",
            f"{cfg()}/RoutingPolicies",
            {"policy_name": "rp", "catch_all": "Repo_secu", "routing_criteria": []},
        )
    )
    rid = by_name(client, "Repos", "Repo_secu")["id"]
    refused(write(client, "DELETE", f"{cfg()}/Repos/{rid}"), "in use")
    ok(
        write(
            client, "DELETE", f"{cfg()}/RoutingPolicies/{by_name(client, 'RoutingPolicies', 'rp', 'policy_name')['id']}"
        )
    )
    ok(write(client, "DELETE", f"{cfg()}/Repos/{rid}"))
    assert "Repo_secu" not in [r["name"] for r in client.get(f"{cfg()}/Repos").json()]


def test_remote_repos_fetch_order_yields_ip_port_repo_strings(client: httpx.Client) -> None:
    ok(write(client, "POST", f"{cfg(DN2)}/Repos", repo("Repo_dn2")))
    r = client.post(f"{cfg(SH)}/Repos/RemoteRepos/fetch", json={"data": {}})
    assert r.status_code == 200
    message = r.json()["message"]
    assert message.startswith(f"monitorapi/{POOL}/{SH}/orders/")
    assert message.endswith(f"/{SH}")  # fetch orders carry an extra /{data_node} segment
    rows = ok(poll(client, message))["rows"]
    assert rows[:3] == ["127.0.0.1:5504/default", "127.0.0.1:5504/_logpoint", "127.0.0.1:5504/_LogPointAlerts"]
    assert "10.10.0.11:5504/default" in rows
    assert "10.10.0.12:5504/Repo_dn2" in rows
    assert not any(s.startswith("10.10.0.13:") for s in rows)  # the node itself appears as 127.0.0.1
    assert not any(s.startswith("10.20.") for s in rows)  # only the same pool


# ---------------------------------------------------------------- RoutingPolicies


def test_builtin_routing_policies(client: httpx.Client) -> None:
    rps = {p["policy_name"]: p for p in client.get(f"{cfg()}/RoutingPolicies").json()}
    assert set(rps) == {"_logpoint", "default", "_LogPointAlerts"}
    assert rps["_logpoint"]["catch_all"] == "_logpoint" and rps["_logpoint"]["routing_criteria"] == []
    assert rps["_LogPointAlerts"]["catch_all"] == "default"
    assert rps["_LogPointAlerts"]["routing_criteria"][0] == {
        "type": "KeyPresentValueMatches",
        "key": "norm_id",
        "value": "LogPointAlert",
        "repo": "_LogPointAlerts",
        "drop": "store",
    }
    assert all("user" not in p for p in rps.values())


def test_routing_policy_round_trip_and_references_by_repo_name(client: httpx.Client) -> None:
    ok(write(client, "POST", f"{cfg()}/Repos", repo("Repo_secu")))
    data = {
        "policy_name": "rp_windows",
        "active": True,  # unknown extra keys are tolerated (§4.1)
        "catch_all": "default",
        "routing_criteria": [
            {
                "type": "KeyPresentValueMatches",
                "key": "norm_id",
                "value": "WinServer",
                "repo": "Repo_secu",
                "drop": "store",
            },
            {"type": "KeyPresent", "key": "user", "value": "", "repo": "", "drop": "store"},
        ],
    }
    ok(write(client, "POST", f"{cfg()}/RoutingPolicies", data))
    rp = by_name(client, "RoutingPolicies", "rp_windows", "policy_name")
    assert rp["catch_all"] == "default"
    assert rp["routing_criteria"] == data["routing_criteria"]
    assert rp["user"] == "admin" and rp["tid"] == "" and rp["active"] is True
    refused(
        write(client, "POST", f"{cfg()}/RoutingPolicies", {**data, "policy_name": "x", "catch_all": "nope"}), "nope"
    )
    bad = {**data, "routing_criteria": [{"type": "KeyPresents", "key": "k", "value": "", "drop": "store"}]}
    assert client.post(f"{cfg()}/RoutingPolicies", json={"data": bad}).status_code == 400
    assert (
        client.post(
            f"{cfg()}/RoutingPolicies", json={"data": {"catch_all": "default", "routing_criteria": []}}
        ).status_code
        == 400
    )


# ---------------------------------------------------------------- Normalization


def test_normalization_packages_and_compiled_normalizers_are_listed(client: httpx.Client) -> None:
    packages = client.get(f"{cfg()}/NormalizationPackage").json()
    names = [p["name"] for p in packages]
    assert "LP_Windows" in names and "LP_Cisco_ASA" in names and len(names) == 7
    one = client.get(f"{cfg()}/NormalizationPackage/{packages[0]['id']}").json()
    assert one["type"] == "vendor" and one["name"] == packages[0]["name"]
    compiled = client.get(f"{cfg()}/NormalizationPackage/CompiledNormalizers").json()
    assert {"version": "3.3.0", "name": "WindowsXMLCompiledNormalizer"} in compiled
    assert {c["name"] for c in compiled} >= {"JSONCompiledNormalizer", "CEFCompiledNormalizer"}
    ok(write(client, "POST", f"{cfg()}/NormalizationPackage/CompiledNormalizers/refreshlist"))
    dn2 = by_name(client, "NormalizationPackage", "LP_Windows", node=DN2)
    assert dn2["id"] != by_name(client, "NormalizationPackage", "LP_Windows")["id"]


def test_normalization_policy_csv_write_reads_as_list(client: httpx.Client) -> None:
    win = by_name(client, "NormalizationPackage", "LP_Windows")["id"]
    lin = by_name(client, "NormalizationPackage", "LP_Linux_Syslog")["id"]
    data = {
        "name": "np_windows",
        "norm_packages": f"{win},{lin}",
        "compiled_normalizer": "WindowsXMLCompiledNormalizer,JSONCompiledNormalizer",
    }
    ok(write(client, "POST", f"{cfg()}/NormalizationPolicy", data))
    np_ = by_name(client, "NormalizationPolicy", "np_windows")
    assert np_["normalization_packages"] == [win, lin]
    assert "norm_packages" not in np_
    # The documented Get and List examples carry no compiled_normalizer (§7.3): by default neither read has it.
    assert "compiled_normalizer" not in np_
    assert "compiled_normalizer" not in client.get(f"{cfg()}/NormalizationPolicy/{np_['id']}").json()
    ok(
        write(
            client, "PUT", f"{cfg()}/NormalizationPolicy/{np_['id']}", {"norm_packages": "", "compiled_normalizer": ""}
        )
    )
    assert by_name(client, "NormalizationPolicy", "np_windows")["normalization_packages"] == []


def test_compiled_normalizer_is_returned_as_sent_when_configured(emu: Emulator, client: httpx.Client) -> None:
    emu.set_runtime_config(returns_compiled_normalizer=True)
    data = {"name": "np_json", "compiled_normalizer": "JSONCompiledNormalizer,WindowsXMLCompiledNormalizer"}
    ok(write(client, "POST", f"{cfg()}/NormalizationPolicy", data))
    np_ = by_name(client, "NormalizationPolicy", "np_json")
    assert np_["compiled_normalizer"] == "JSONCompiledNormalizer,WindowsXMLCompiledNormalizer"
    got = client.get(f"{cfg()}/NormalizationPolicy/{np_['id']}").json()
    assert got["compiled_normalizer"] == "JSONCompiledNormalizer,WindowsXMLCompiledNormalizer"


def test_normalization_policy_refuses_arrays_and_unknown_references(client: httpx.Client) -> None:
    win = by_name(client, "NormalizationPackage", "LP_Windows")["id"]
    r = client.post(f"{cfg()}/NormalizationPolicy", json={"data": {"name": "np", "norm_packages": [win]}})
    assert r.status_code == 400
    r = client.post(
        f"{cfg()}/NormalizationPolicy", json={"data": {"name": "np", "compiled_normalizer": ["JSONCompiledNormalizer"]}}
    )
    assert r.status_code == 400
    refused(
        write(
            client, "POST", f"{cfg()}/NormalizationPolicy", {"name": "np", "norm_packages": "0123456789abcdef01234567"}
        ),
        "0123456789abcdef01234567",
    )
    refused(
        write(client, "POST", f"{cfg()}/NormalizationPolicy", {"name": "np", "compiled_normalizer": "NoSuch"}), "NoSuch"
    )
    # an id from another node is unknown here: ids are per node
    dn2_win = by_name(client, "NormalizationPackage", "LP_Windows", node=DN2)["id"]
    refused(write(client, "POST", f"{cfg()}/NormalizationPolicy", {"name": "np", "norm_packages": dn2_win}), dn2_win)


# ---------------------------------------------------------------- Enrichment


def test_enrichment_sources_are_read_only_and_one_uses_underscore_id(client: httpx.Client) -> None:
    sources = client.get(f"{cfg()}/EnrichmentSource").json()
    assert {s["source_name"] for s in sources} == {"threat_intelligence", "geoip", "ip_to_host", "asset_inventory"}
    odd = next(s for s in sources if s["source_name"] == "asset_inventory")
    assert "_id" in odd and "id" not in odd
    ti = next(s for s in sources if s["source_name"] == "threat_intelligence")
    assert client.get(f"{cfg()}/EnrichmentSource/{ti['id']}").json()["source_type"] == "ThreatIntelligence"
    assert client.get(f"{cfg()}/EnrichmentSource/{odd['_id']}").json()["source_name"] == "asset_inventory"
    assert client.post(f"{cfg()}/EnrichmentSource", json={"data": {"source_name": "x"}}).status_code in (400, 405)
    ok(write(client, "POST", f"{cfg()}/EnrichmentSource/refreshlist"))


EP = {
    "name": "ep_ti",
    "description": "<p>TI</p>",
    "specifications": [
        {
            "source": "threat_intelligence",
            "criteria": [{"type": "KeyPresents", "key": "source_address", "value": ""}],
            "rules": [
                {
                    "category": "simple",
                    "operation": "Equals",
                    "prefix": False,
                    "event_key": "source_address",
                    "source_key": "ip_address",
                    "type": "ip",
                }
            ],
        }
    ],
}


def test_enrichment_policy_round_trip_and_source_by_name(client: httpx.Client) -> None:
    ok(write(client, "POST", f"{cfg()}/EnrichmentPolicy", EP))
    ep = by_name(client, "EnrichmentPolicy", "ep_ti")
    assert ep["specifications"] == EP["specifications"] and ep["description"] == "<p>TI</p>"
    refused(
        write(
            client,
            "POST",
            f"{cfg()}/EnrichmentPolicy",
            {**EP, "name": "x", "specifications": [{**EP["specifications"][0], "source": "nope"}]},
        ),
        "nope",
    )


@pytest.mark.parametrize(
    "spec_change",
    [
        {"criteria": [{"type": "KeyPresent", "key": "k", "value": ""}]},  # routing spelling is wrong here (§10 item 7)
        {"criteria": []},
        {"rules": []},
        {"rules": [{"category": "type_based", "operation": "Equals", "prefix": False, "source_key": "ip"}]},
    ],
)
def test_malformed_enrichment_policy_is_400(client: httpx.Client, spec_change: dict[str, Any]) -> None:
    data = {**EP, "specifications": [{**EP["specifications"][0], **spec_change}]}
    assert client.post(f"{cfg()}/EnrichmentPolicy", json={"data": data}).status_code == 400


# ---------------------------------------------------------------- ProcessingPolicy


def test_processing_policy_none_literals_and_references(client: httpx.Client) -> None:
    seeds = {p["policy_name"]: p for p in client.get(f"{cfg()}/ProcessingPolicy").json()}
    assert seeds["default"]["norm_policy"] == "None" and seeds["default"]["enrich_policy"] == "None"
    assert seeds["_logpoint"]["norm_policy"] == "_logpoint"
    assert seeds["_logpoint"]["routing_policy"] == by_name(client, "RoutingPolicies", "_logpoint", "policy_name")["id"]
    ok(write(client, "POST", f"{cfg()}/EnrichmentPolicy", EP))
    ep_id = by_name(client, "EnrichmentPolicy", "ep_ti")["id"]
    rp_id = by_name(client, "RoutingPolicies", "default", "policy_name")["id"]
    data = {"policy_name": "pp_win", "norm_policy": "_logpoint", "enrich_policy": ep_id, "routing_policy": rp_id}
    ok(write(client, "POST", f"{cfg()}/ProcessingPolicy", data))
    pp = by_name(client, "ProcessingPolicy", "pp_win", "policy_name")
    assert {k: pp[k] for k in data} == data
    none = {"policy_name": "pp_none", "norm_policy": "None", "enrich_policy": "None", "routing_policy": "None"}
    ok(write(client, "POST", f"{cfg()}/ProcessingPolicy", none))
    assert by_name(client, "ProcessingPolicy", "pp_none", "policy_name")["routing_policy"] == "None"
    refused(
        write(
            client,
            "POST",
            f"{cfg()}/ProcessingPolicy",
            {**data, "policy_name": "a", "routing_policy": "0123456789abcdef01234567"},
        ),
        "routing policy",
    )
    refused(
        write(client, "POST", f"{cfg()}/ProcessingPolicy", {**data, "policy_name": "b", "norm_policy": "nope"}), "nope"
    )
    # the enrichment policy is in use now
    refused(write(client, "DELETE", f"{cfg()}/EnrichmentPolicy/{ep_id}"), "in use")
    # an edit needs every field (a PUT without policy_name was refused with 400, §4.1)
    r = client.put(
        f"{cfg()}/ProcessingPolicy/{pp['id']}",
        json={"data": {"norm_policy": "None", "enrich_policy": "None", "routing_policy": "None"}},
    )
    assert r.status_code == 400
    ok(write(client, "PUT", f"{cfg()}/ProcessingPolicy/{pp['id']}", {**none, "policy_name": "pp_win", "id": pp["id"]}))
    assert by_name(client, "ProcessingPolicy", "pp_win", "policy_name")["enrich_policy"] == "None"
    ok(write(client, "DELETE", f"{cfg()}/EnrichmentPolicy/{ep_id}"))


# ---------------------------------------------------------------- Devices and groups


def test_device_field_renames_and_group_references(client: httpx.Client) -> None:
    ok(write(client, "POST", f"{cfg()}/DeviceGroups", {"name": "Firewalls", "description": "edge", "devices": []}))
    group = by_name(client, "DeviceGroups", "Firewalls")
    assert group["description"] == "edge" and group["devices"] == []
    data = {
        "name": "fw-01",
        "ip": ["10.1.1.1"],
        "availability": "Major",
        "confidentiality": "Minor",
        "integrity": "Critical",
        "devicegroup": [group["id"]],
        "timezone": "Europe/Zurich",
    }
    ok(write(client, "POST", f"{cfg()}/Devices", data))
    dev = by_name(client, "Devices", "fw-01")
    assert dev["device_groups"] == [group["id"]]
    assert dev["risk_values"] == {"availability": "Major", "confidentiality": "Minor", "integrity": "Critical"}
    assert dev["log_policies"] == [] and dev["col_apps"] == [] and dev["timezone"] == "Europe/Zurich"
    for write_key in ("devicegroup", "availability", "confidentiality", "integrity", "logpolicy"):
        assert write_key not in dev
    ok(write(client, "PUT", f"{cfg()}/Devices/{dev['id']}", {**data, "availability": "Minimal", "devicegroup": []}))
    dev = by_name(client, "Devices", "fw-01")
    assert dev["risk_values"]["availability"] == "Minimal" and dev["device_groups"] == []
    refused(
        write(
            client, "POST", f"{cfg()}/Devices", {**data, "name": "fw-02", "devicegroup": ["0123456789abcdef01234567"]}
        ),
        "device group",
    )


def test_group_in_use_by_a_device_cannot_be_deleted(client: httpx.Client) -> None:
    ok(write(client, "POST", f"{cfg()}/DeviceGroups", {"name": "G", "description": ""}))
    gid = by_name(client, "DeviceGroups", "G")["id"]
    ok(
        write(
            client,
            "POST",
            f"{cfg()}/Devices",
            {
                "name": "d",
                "ip": ["h1"],
                "availability": "Minimal",
                "confidentiality": "Minimal",
                "integrity": "Minimal",
                "devicegroup": [gid],
            },
        )
    )
    refused(write(client, "DELETE", f"{cfg()}/DeviceGroups/{gid}"), "in use")
    refused(write(client, "POST", f"{cfg()}/DeviceGroups", {"name": "G", "description": ""}), "already exists")


@pytest.mark.parametrize(
    "change",
    [{"availability": "High"}, {"ip": "10.1.1.1"}, {"ip": []}, {"name": ""}, {"devicegroup": "abc"}],
)
def test_malformed_device_is_400(client: httpx.Client, change: dict[str, Any]) -> None:
    data = {
        "name": "d",
        "ip": ["10.0.0.1"],
        "availability": "Minimal",
        "confidentiality": "Minimal",
        "integrity": "Minimal",
    }
    assert client.post(f"{cfg()}/Devices", json={"data": {**data, **change}}).status_code == 400


# ---------------------------------------------------------------- SyslogCollector


def _device(client: httpx.Client, name: str = "fw-01") -> dict[str, Any]:
    ok(
        write(
            client,
            "POST",
            f"{cfg()}/Devices",
            {
                "name": name,
                "ip": ["10.1.1.1"],
                "availability": "Minimal",
                "confidentiality": "Minimal",
                "integrity": "Minimal",
            },
        )
    )
    return by_name(client, "Devices", name)


def test_syslog_collector_lives_in_the_device_col_apps(client: httpx.Client) -> None:
    dev = _device(client)
    pp = by_name(client, "ProcessingPolicy", "default", "policy_name")["id"]
    data = {
        "device_id": dev["id"],
        "proxy_condition": "None",
        "charset": "utf_8",
        "parser": "SyslogParser",
        "processpolicy": pp,
    }
    ok(write(client, "POST", f"{cfg()}/SyslogCollector", data))
    apps = by_name(client, "Devices", "fw-01")["col_apps"]
    assert len(apps) == 1
    app = apps[0]
    assert HEX32.match(app["uuid"])
    assert app["app"] == "SyslogCollector" and app["sid"] == "syslog|device-fw-01"
    assert app["charset"] == "utf_8" and app["parser"] == "SyslogParser" and app["processpolicy"] == pp
    assert client.get(f"{cfg()}/Devices/{dev['id']}/plugins").json() == apps
    ok(
        write(
            client,
            "PUT",
            f"{cfg()}/SyslogCollector/{app['uuid']}",
            {**{k: v for k, v in data.items() if k != "device_id"}, "charset": "ascii"},
        )
    )
    assert by_name(client, "Devices", "fw-01")["col_apps"][0]["charset"] == "ascii"
    refused(write(client, "DELETE", f"{cfg()}/ProcessingPolicy/{pp}"), "built-in")
    ok(write(client, "DELETE", f"{cfg()}/SyslogCollector/{app['uuid']}"))
    assert by_name(client, "Devices", "fw-01")["col_apps"] == []
    assert client.delete(f"{cfg()}/SyslogCollector/{app['uuid']}").status_code == 404


def test_syslog_collector_validation(client: httpx.Client) -> None:
    dev = _device(client)
    base = {"proxy_condition": "use_as_proxy", "charset": "utf_8", "parser": "SyslogParser"}
    r = client.post(f"{cfg()}/SyslogCollector", json={"data": base})  # neither device_id nor policy_id (§6)
    assert r.status_code == 400 and r.json()["status"] == "Failed"
    for change in ({"proxy_condition": "proxy"}, {"parser": "JSONParser"}, {"charset": None}):
        assert (
            client.post(
                f"{cfg()}/SyslogCollector", json={"data": {**base, "device_id": dev["id"], **change}}
            ).status_code
            == 400
        )
    uses = {"device_id": dev["id"], "proxy_condition": "uses_proxy", "processpolicy": "None"}
    assert client.post(f"{cfg()}/SyslogCollector", json={"data": uses}).status_code == 400  # proxy_ip missing
    refused(
        write(client, "POST", f"{cfg()}/SyslogCollector", {**base, "device_id": "0123456789abcdef01234567"}), "device"
    )
    refused(
        write(client, "POST", f"{cfg()}/SyslogCollector", {**base, "device_id": dev["id"], "charset": "klingon"}),
        "klingon",
    )
    assert client.get(f"{cfg()}/SyslogCollector").status_code == 405  # no List (§7.8)


# ---------------------------------------------------------------- AlertRules and Users


def test_users_list_and_get(client: httpx.Client) -> None:
    users = client.get(f"{cfg(SH)}/Users").json()
    assert [u["username"] for u in users] == ["admin", "analyst"]
    admin = users[0]
    for key in ("id", "username", "firstname", "lastname", "email", "usergroup", "active", "timezone", "tid"):
        assert key in admin
    assert client.get(f"{cfg(SH)}/Users/{admin['id']}").json() == admin
    ok(write(client, "POST", f"{cfg(SH)}/Users/refreshlist"))


def _rule(client: httpx.Client, **changes: Any) -> dict[str, Any]:
    rule = {
        "searchname": "Brute force",
        "owner": user_id(client, "admin"),
        "risk": "high",
        "aggregate": "max",
        "condition_option": "greaterthan",
        "condition_value": 5,
        "limit": 25,
        "repos": ["10.10.0.11:5504/default", "127.0.0.1:5504/_logpoint"],
        "timerange_minute": 10,
        "query": 'label="Authentication" label="Fail"',
        "flush_on_trigger": "on",
        "log_source": ["Windows"],
    }
    rule.update(changes)
    return rule


def fetch_rules(
    client: httpx.Client, data: dict[str, Any] | None = None, kind: str = "MyAlertRules"
) -> list[dict[str, Any]]:
    r = client.post(f"{cfg(SH)}/AlertRules/{kind}/fetch", json={"data": data or {}})
    assert r.status_code == 200
    assert r.json()["message"].endswith(f"/{SH}")
    return ok(poll(client, r.json()["message"]))["rows"]


def test_alert_rules_create_fetch_edit_activate_trash(client: httpx.Client) -> None:
    data = _rule(client)
    ok(write(client, "POST", f"{cfg(SH)}/AlertRules", data))
    rows = fetch_rules(client)
    assert len(rows) == 1
    row = rows[0]
    assert {k: row[k] for k in data} == data  # create keys as sent
    assert re.match(r"^[0-9a-f]{24}$", row["id"]) and row["active"] is True
    ok(write(client, "POST", f"{cfg(SH)}/AlertRules/{row['id']}/deactivate"))
    assert fetch_rules(client)[0]["active"] is False
    assert fetch_rules(client, {"active": True}) == []
    ok(write(client, "POST", f"{cfg(SH)}/AlertRules/{row['id']}/activate"))
    assert fetch_rules(client, {"active": True})[0]["id"] == row["id"]
    assert fetch_rules(client, {"log_source": ["Linux"]}) == []
    edit = {k: v for k, v in data.items() if k != "owner"} | {
        "risk": "critical",
        "assigned_to": user_id(client, "analyst"),
    }
    ok(write(client, "PUT", f"{cfg(SH)}/AlertRules/{row['id']}", edit))
    assert fetch_rules(client)[0]["risk"] == "critical"
    assert fetch_rules(client, kind="VendorAlertRules") == []
    ok(write(client, "DELETE", f"{cfg(SH)}/AlertRules/{row['id']}"))
    assert fetch_rules(client) == []


def test_alert_rules_have_no_get_and_refuse_bad_references(client: httpx.Client) -> None:
    assert client.get(f"{cfg(SH)}/AlertRules").status_code != 200
    refused(
        write(client, "POST", f"{cfg(SH)}/AlertRules", _rule(client, owner="0123456789abcdef01234567")),
        "Invalid user id",
    )
    refused(
        write(client, "POST", f"{cfg(SH)}/AlertRules", _rule(client, repos=["10.99.0.1:5504/default"])), "10.99.0.1"
    )
    refused(write(client, "POST", f"{cfg(SH)}/AlertRules", _rule(client, repos=["default"])), "default")
    ok(write(client, "POST", f"{cfg(SH)}/AlertRules", _rule(client)))
    refused(write(client, "POST", f"{cfg(SH)}/AlertRules", _rule(client)), "already exists")


@pytest.mark.parametrize(
    "change",
    [
        {"searchname": None},
        {"risk": "severe"},
        {"aggregate": "sum"},
        {"condition_option": "gt"},
        {"condition_value": -1},
        {"limit": 0},
        {"repos": "127.0.0.1:5504/default"},
        {"timerange_minute": None},
        {"flush_on_trigger": True},  # string flags, not booleans (§10 item 6)
        {"throttling_enabled": "on"},  # needs throttling_field and throttling_time_range
    ],
)
def test_malformed_alert_rule_is_400(client: httpx.Client, change: dict[str, Any]) -> None:
    data = _rule(client)
    for key, value in change.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    assert client.post(f"{cfg(SH)}/AlertRules", json={"data": data}).status_code == 400


# ---------------------------------------------------------------- error split


def test_semantic_errors_can_be_synchronous(client: httpx.Client, emu: Emulator) -> None:
    emu.set_runtime_config(semantic_errors="sync")
    r = client.post(f"{cfg()}/Repos", json={"data": repo("default")})
    assert r.status_code == 400
    assert "already exists" in r.json()["message"]
    r = client.post(
        f"{cfg()}/RoutingPolicies", json={"data": {"policy_name": "x", "catch_all": "nope", "routing_criteria": []}}
    )
    assert r.status_code == 400


def test_referenced_delete_can_be_allowed(client: httpx.Client, emu: Emulator) -> None:
    emu.set_runtime_config(block_referenced_deletes=False)
    ok(write(client, "POST", f"{cfg()}/Repos", repo("R")))
    ok(
        write(
            client, "POST", f"{cfg()}/RoutingPolicies", {"policy_name": "rp", "catch_all": "R", "routing_criteria": []}
        )
    )
    ok(write(client, "DELETE", f"{cfg()}/Repos/{by_name(client, 'Repos', 'R')['id']}"))
