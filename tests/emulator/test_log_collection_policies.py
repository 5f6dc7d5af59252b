"""LogCollectionPolicies and who references them (docs/director-api.md §7.15), over real HTTP."""

from __future__ import annotations

from typing import Any

import httpx

from cac_director.emulator import Emulator
from tests.emulator.conftest import DN1, DN2, by_name, cfg, ok, refused, write
from tests.emulator.test_resources import HEX32, _device

SYSLOG = {"proxy_condition": "use_as_proxy", "charset": "utf_8", "parser": "SyslogParser"}


def policy(client: httpx.Client, name: str = "lcp_linux", node: str = DN1) -> dict[str, Any]:
    ok(write(client, "POST", f"{cfg(node)}/LogCollectionPolicies", {"name": name, "description": "Linux servers"}))
    return by_name(client, "LogCollectionPolicies", name, node=node)


def test_policy_round_trip_with_the_documented_read_shape(client: httpx.Client) -> None:
    assert client.get(f"{cfg()}/LogCollectionPolicies").json() == []
    lcp = policy(client)
    assert set(lcp) == {"active", "col_apps", "description", "id", "name", "tid"}
    assert lcp["col_apps"] == [] and lcp["description"] == "Linux servers"
    assert client.get(f"{cfg()}/LogCollectionPolicies/{lcp['id']}").json() == lcp
    assert client.get(f"{cfg()}/LogCollectionPolicies/{lcp['id']}/plugins").json() == []
    ok(write(client, "PUT", f"{cfg()}/LogCollectionPolicies/{lcp['id']}", {"description": "changed"}))
    assert by_name(client, "LogCollectionPolicies", "lcp_linux")["description"] == "changed"
    # The name is not in the Edit table (§7.15): fixed after creation.
    refused(write(client, "PUT", f"{cfg()}/LogCollectionPolicies/{lcp['id']}", {"name": "renamed"}), "name")
    refused(write(client, "POST", f"{cfg()}/LogCollectionPolicies", {"name": "lcp_linux"}), "already exists")
    assert client.post(f"{cfg()}/LogCollectionPolicies", json={"data": {"description": "x"}}).status_code == 400
    ok(write(client, "DELETE", f"{cfg()}/LogCollectionPolicies/{lcp['id']}"))
    assert client.get(f"{cfg()}/LogCollectionPolicies").json() == []


def test_device_logpolicy_must_name_an_existing_policy_and_reads_as_log_policies(client: httpx.Client) -> None:
    dev = _device(client)
    body = {k: dev[k] for k in ("name", "ip")} | dev["risk_values"]
    refused(write(client, "PUT", f"{cfg()}/Devices/{dev['id']}", {**body, "logpolicy": ["0" * 24]}), "log collection")
    lcp = policy(client)
    other_node = policy(client, node=DN2)
    refused(write(client, "PUT", f"{cfg()}/Devices/{dev['id']}", {**body, "logpolicy": [other_node["id"]]}), "policy")
    ok(write(client, "PUT", f"{cfg()}/Devices/{dev['id']}", {**body, "logpolicy": [lcp["id"]]}))
    assert by_name(client, "Devices", dev["name"])["log_policies"] == [lcp["id"]]
    refused(write(client, "DELETE", f"{cfg()}/LogCollectionPolicies/{lcp['id']}"), "in use by Devices")


def test_syslog_collector_attached_by_policy_id_lives_in_the_policy(client: httpx.Client) -> None:
    refused(write(client, "POST", f"{cfg()}/SyslogCollector", {**SYSLOG, "policy_id": "0" * 24}), "log collection")
    lcp = policy(client)
    ok(write(client, "POST", f"{cfg()}/SyslogCollector", {**SYSLOG, "policy_id": lcp["id"]}))
    apps = by_name(client, "LogCollectionPolicies", "lcp_linux")["col_apps"]
    assert len(apps) == 1 and HEX32.match(apps[0]["uuid"])
    assert apps[0]["policy_id"] == lcp["id"] and apps[0]["app"] == "SyslogCollector"
    assert client.get(f"{cfg()}/LogCollectionPolicies/{lcp['id']}/plugins").json() == apps
    uuid = apps[0]["uuid"]
    ok(write(client, "PUT", f"{cfg()}/SyslogCollector/{uuid}", {**SYSLOG, "charset": "ascii"}))
    assert by_name(client, "LogCollectionPolicies", "lcp_linux")["col_apps"][0]["charset"] == "ascii"
    refused(write(client, "DELETE", f"{cfg()}/LogCollectionPolicies/{lcp['id']}"), "SyslogCollector")
    ok(write(client, "DELETE", f"{cfg()}/SyslogCollector/{uuid}"))
    assert by_name(client, "LogCollectionPolicies", "lcp_linux")["col_apps"] == []


def test_referenced_policy_delete_can_be_allowed(emu: Emulator, client: httpx.Client) -> None:
    lcp = policy(client)
    ok(write(client, "POST", f"{cfg()}/SyslogCollector", {**SYSLOG, "policy_id": lcp["id"]}))
    emu.set_runtime_config(block_referenced_deletes=False)
    ok(write(client, "DELETE", f"{cfg()}/LogCollectionPolicies/{lcp['id']}"))
