"""DistributedCollectors with ``Devices.distributed_collector`` (§7.17) and alert-rule notifications (§7.18)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from cac_director.emulator import Emulator
from tests.emulator.conftest import DN1, POOL, SH, by_name, cfg, ok, refused, write
from tests.emulator.test_resources import _device, _rule, fetch_rules

ADMIN = f"/_emulator/nodes/{POOL}/{DN1}/objects"


def collector(client: httpx.Client, name: str = "dc-branch-01") -> str:
    r = client.post(f"{ADMIN}/DistributedCollectors", json={"name": name, "ip": "10.30.0.5"})
    assert r.status_code == 200, r.text
    collector_id: str = r.json()["id"]
    return collector_id


def names(client: httpx.Client, node: str = DN1) -> list[str]:
    (rows,) = client.get(f"{cfg(node)}/DistributedCollectors").json()  # an array nested in an array (§7.17)
    return [r["name"] for r in rows]


def test_collectors_are_listed_nested_and_have_no_create_or_edit(client: httpx.Client) -> None:
    # Data nodes start with one connected collector, search heads with none (the emulator's choice).
    assert names(client) == ["dc-hq-01"] and client.get(f"{cfg(SH)}/DistributedCollectors").json() == [[]]
    dc_id = collector(client)
    (rows,) = client.get(f"{cfg()}/DistributedCollectors").json()
    assert [r["name"] for r in rows] == ["dc-hq-01", "dc-branch-01"] and rows[1]["id"] == dc_id
    got = client.get(f"{cfg()}/DistributedCollectors/{dc_id}").json()
    assert got["name"] == "dc-branch-01" and got["file_socket_port"] == 6900 and got["is_li_light"] is True
    assert client.post(f"{cfg()}/DistributedCollectors", json={"data": {"name": "x"}}).status_code == 405
    assert client.put(f"{cfg()}/DistributedCollectors/{dc_id}", json={"data": {"id": dc_id}}).status_code == 405
    ok(write(client, "POST", f"{cfg()}/DistributedCollectors/{dc_id}/deactivate", {}))
    assert client.get(f"{cfg()}/DistributedCollectors/{dc_id}").json()["active"] is False
    ok(write(client, "POST", f"{cfg()}/DistributedCollectors/refreshlist", {}))


def test_device_attaches_to_an_existing_collector(client: httpx.Client) -> None:
    dev = _device(client)
    body = {k: dev[k] for k in ("name", "ip")} | dev["risk_values"]
    refused(write(client, "PUT", f"{cfg()}/Devices/{dev['id']}", {**body, "distributed_collector": ["d" * 24]}),
            "distributed collector")  # fmt: skip
    dc_id = collector(client)
    ok(write(client, "PUT", f"{cfg()}/Devices/{dev['id']}", {**body, "distributed_collector": [dc_id]}))
    assert by_name(client, "Devices", dev["name"])["distributed_collector"] == [dc_id]  # same key on read
    refused(write(client, "DELETE", f"{cfg()}/DistributedCollectors/{dc_id}"), "in use by Devices")
    ok(write(client, "PUT", f"{cfg()}/Devices/{dev['id']}", {**body, "distributed_collector": []}))
    ok(write(client, "DELETE", f"{cfg()}/DistributedCollectors/{dc_id}"))
    assert names(client) == ["dc-hq-01"]


def _rule_id(client: httpx.Client) -> str:
    ok(write(client, "POST", f"{cfg(SH)}/AlertRules", _rule(client)))
    rule_id: str = fetch_rules(client)[0]["id"]
    return rule_id


def test_email_notification_is_an_order_and_not_read_back(emu: Emulator, client: httpx.Client) -> None:
    rule_id = _rule_id(client)
    email = {"notify_email": "on", "email_emails": ["soc@bank-a.example"], "subject": "Alert",
             "email_threshold_option": "hour", "email_threshold_value": 1}  # fmt: skip
    ok(write(client, "POST", f"{cfg(SH)}/AlertRules/{rule_id}/EmailNotification", email))
    assert "notifications" not in fetch_rules(client)[0]  # nothing reads notifications back
    stored = emu.objects(POOL, SH, "AlertRules")[0]["notifications"]
    assert stored["email"]["email_emails"] == ["soc@bank-a.example"]
    ok(write(client, "POST", f"{cfg(SH)}/AlertRules/{rule_id}/EmailNotification", {"notify_email": "off"}))
    assert emu.objects(POOL, SH, "AlertRules")[0]["notifications"]["email"] == {"notify_email": "off"}
    assert emu.request_counts()["POST /configapi/{pool}/{node}/AlertRules/{id}/EmailNotification"] == 2


@pytest.mark.parametrize(
    ("segment", "data"),
    [
        ("EmailNotification", {"notify_email": "on"}),  # email_emails needed when on
        ("EmailNotification", {"notify_email": "yes"}),
        ("EmailNotification", {"notify_email": "on", "email_emails": ["a@b.c"], "email_threshold_option": "hour"}),
        ("SyslogNotification", {"notify_syslog": "on", "server": "s", "port": 514, "protocol": "UDP", "severity": 9}),
        ("SMSNotification", {"notify_sms": "on", "sms_server": "s"}),
        ("HTTPNotification", {"notify_http": "on", "http_url": "https://x", "http_request_type": "GET"}),
    ],
)
def test_malformed_notifications_are_400(client: httpx.Client, segment: str, data: dict[str, Any]) -> None:
    rule_id = _rule_id(client)
    r = client.post(f"{cfg(SH)}/AlertRules/{rule_id}/{segment}", json={"data": data})
    assert r.status_code == 400, r.text


def test_notification_secrets_are_masked_and_unknown_rules_404(emu: Emulator, client: httpx.Client) -> None:
    rule_id = _rule_id(client)
    sms = {"notify_sms": "on", "sms_server": "smpp.example", "sms_port": 2775, "sms_sender": "SOC",
           "sms_username": "soc", "sms_password": "sms-Secret-1", "sms_receivers": ["41790000000"]}  # fmt: skip
    ok(write(client, "POST", f"{cfg(SH)}/AlertRules/{rule_id}/SMSNotification", sms))
    assert "sms-Secret-1" not in json.dumps(client.get(f"/_emulator/nodes/{POOL}/{SH}/objects").json())
    syslog = {"notify_syslog": "on", "server": "10.0.0.9", "port": 514, "protocol": "UDP", "severity": 3,
              "threshold_option": "minute", "threshold_value": 0}  # fmt: skip
    ok(write(client, "POST", f"{cfg(SH)}/AlertRules/{rule_id}/SyslogNotification", syslog))
    missing = client.post(f"{cfg(SH)}/AlertRules/{'0' * 24}/EmailNotification", json={"data": {"notify_email": "off"}})
    assert missing.status_code == 404
