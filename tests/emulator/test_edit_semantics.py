"""Unknowns the emulator offers both ways (docs/director-api.md §7.6, §7.9): PUT merge vs replace, "on"-only flags."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from cac_director.emulator import Emulator
from tests.emulator.conftest import SH, by_name, cfg, ok, poll, refused, write
from tests.emulator.test_resources import _rule, fetch_rules

SETTINGS_KEPT = ("default_auth", "default_ha_path", "lp_mode", "name", "overscan_period", "timeout", "timezone")
"""Mandatory Save fields read back under their own names (§7.16); ``li_ip`` reads back as ``ip_dns``."""


def _device(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "ip": ["10.0.0.1"],
        "availability": "Minor",
        "confidentiality": "Minor",
        "integrity": "Minor",
    }


def _group_with_a_device(client: httpx.Client) -> tuple[str, str]:
    ok(write(client, "POST", f"{cfg()}/Devices", _device("fw1")))
    device_id = by_name(client, "Devices", "fw1")["id"]
    ok(write(client, "POST", f"{cfg()}/DeviceGroups", {"name": "G", "description": "edge", "devices": [device_id]}))
    return by_name(client, "DeviceGroups", "G")["id"], device_id


def test_merging_put_keeps_fields_it_does_not_send(client: httpx.Client) -> None:
    group_id, device_id = _group_with_a_device(client)
    ok(write(client, "PUT", f"{cfg()}/DeviceGroups/{group_id}", {"name": "G", "description": "core"}))
    group = by_name(client, "DeviceGroups", "G")
    assert group["description"] == "core"
    assert group["devices"] == [device_id]


def test_replacing_put_resets_fields_it_does_not_send(emu: Emulator, client: httpx.Client) -> None:
    emu.set_runtime_config(put_semantics="replace")
    group_id, _ = _group_with_a_device(client)
    before = by_name(client, "DeviceGroups", "G")
    ok(write(client, "PUT", f"{cfg()}/DeviceGroups/{group_id}", {"name": "G", "description": "core"}))
    group = by_name(client, "DeviceGroups", "G")
    assert group["description"] == "core"
    assert group["devices"] == []  # what a PUT without devices does under replace semantics
    assert {k: group[k] for k in ("id", "user", "tid", "active")} == {
        k: before[k] for k in ("id", "user", "tid", "active")
    }


def test_replacing_put_keeps_server_fields_and_fields_fixed_after_creation(emu: Emulator, client: httpx.Client) -> None:
    emu.set_runtime_config(put_semantics="replace")
    ok(
        write(
            client, "POST", f"{cfg()}/Repos", {"name": "r1", "hiddenrepopath": [{"path": "/data/hot/", "retention": 7}]}
        )
    )
    repo = by_name(client, "Repos", "r1")
    ok(
        write(
            client,
            "PUT",
            f"{cfg()}/Repos/{repo['id']}",
            {"name": "r1", "hiddenrepopath": [{"path": "/data/warm/", "retention": 30}]},
        )
    )
    edited = by_name(client, "Repos", "r1")
    assert edited["repopath"] == [{"path": "/data/warm/", "retention": 30}]
    assert edited["repo_number"] == repo["repo_number"] and edited["id"] == repo["id"]
    assert "user" not in edited
    assert edited["old_repo_paths"] == edited["repopath"]


@pytest.mark.parametrize("semantics", ["merge", "replace"])
def test_on_only_flags_are_off_when_an_edit_leaves_them_out(
    emu: Emulator, client: httpx.Client, semantics: str
) -> None:
    emu.set_runtime_config(put_semantics=semantics)
    data = _rule(client, throttling_enabled="on", throttling_field="source_address", throttling_time_range=10)
    ok(write(client, "POST", f"{cfg(SH)}/AlertRules", data))
    row = fetch_rules(client)[0]
    assert row["flush_on_trigger"] == "on" and row["throttling_enabled"] == "on"
    edit = {k: v for k, v in data.items() if k not in ("owner", "flush_on_trigger", "throttling_enabled")}
    ok(write(client, "PUT", f"{cfg(SH)}/AlertRules/{row['id']}", edit))
    row = fetch_rules(client)[0]
    assert "flush_on_trigger" not in row and "throttling_enabled" not in row
    assert row["owner"] == data["owner"]


@pytest.mark.parametrize("flag", ["flush_on_trigger", "throttling_enabled"])
def test_on_only_flags_refuse_off(client: httpx.Client, flag: str) -> None:
    data = _rule(client, **{flag: "off"})
    assert client.post(f"{cfg(SH)}/AlertRules", json={"data": data}).status_code == 400


def test_delay_interval_needs_the_node_setting_not_an_alert_rule_timestamp_on(client: httpx.Client) -> None:
    # The documentation's Create example sets delay_interval_minute and no timestamp_on: the precondition is the
    # node's SystemSettingsGeneral timestamp_on = log_ts (§7.9, §7.16); a fresh node indexes on col_ts.
    refused(write(client, "POST", f"{cfg(SH)}/AlertRules", _rule(client, delay_interval_minute=5)), "log_ts")
    settings = client.get(f"{cfg(SH)}/SystemSettingsGeneral").json()[0]
    save = {k: settings[k] for k in SETTINGS_KEPT} | {"li_ip": settings["ip_dns"], "timestamp_on": "log_ts"}
    ok(write(client, "POST", f"{cfg(SH)}/SystemSettingsGeneral", save))
    ok(write(client, "POST", f"{cfg(SH)}/AlertRules", _rule(client, delay_interval_minute=5)))
    row = fetch_rules(client)[0]
    assert row["delay_interval_minute"] == 5 and "timestamp_on" not in row


def test_delay_gate_can_be_turned_off(emu: Emulator, client: httpx.Client) -> None:
    emu.set_runtime_config(alert_delay_needs_log_ts=False)
    ok(write(client, "POST", f"{cfg(SH)}/AlertRules", _rule(client, delay_interval_minute=5)))


def test_put_semantics_setting_is_validated_and_reported(emu: Emulator) -> None:
    assert emu.set_runtime_config(put_semantics="replace")["put_semantics"] == "replace"
    with pytest.raises(ValueError, match="merge"):
        emu.set_runtime_config(put_semantics="patch")
    assert emu.runtime_config()["put_semantics"] == "replace"


def test_put_without_id_in_data_is_refused_unless_configured(emu: Emulator, client: httpx.Client) -> None:
    group_id, _ = _group_with_a_device(client)
    path = f"{cfg()}/DeviceGroups/{group_id}"
    missing = client.put(path, json={"data": {"name": "G", "description": "core"}})
    assert missing.status_code == 400 and "'id' is mandatory" in missing.json()["message"]
    other = client.put(path, json={"data": {"name": "G", "description": "core", "id": "0" * 24}})
    assert other.status_code == 400 and "not the id in the path" in other.json()["message"]
    emu.set_runtime_config(put_requires_id=False)
    answer = client.put(path, json={"data": {"name": "G", "description": "core"}})
    assert answer.status_code == 200
    ok(poll(client, answer.json()["message"]))
    assert by_name(client, "DeviceGroups", "G")["description"] == "core"


def test_manageable_by_takes_incident_user_group_ids(client: httpx.Client) -> None:
    groups = client.get(f"{cfg(SH)}/IncidentUserGroups").json()
    assert {g["name"] for g in groups} == {"LogPoint Administrator", "SOC Analysts"}
    assert all(set(g) >= {"id", "name", "tid", "user", "usergroup", "users"} for g in groups)
    soc = next(g["id"] for g in groups if g["name"] == "SOC Analysts")
    ok(write(client, "POST", f"{cfg(SH)}/AlertRules", _rule(client, manageable_by=[soc])))
    assert fetch_rules(client)[0]["manageable_by"] == [soc]
    refused(
        write(client, "POST", f"{cfg(SH)}/AlertRules", _rule(client, searchname="other", manageable_by=["0" * 24])),
        "incident user group",
    )
