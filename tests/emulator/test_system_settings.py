"""SystemSettingsGeneral (docs/director-api.md §7.16): a per-node singleton, saved by POST, over real HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from cac_director.emulator import Emulator
from tests.emulator.conftest import DN1, DN2, POOL, SH, cfg, ok, refused, write

PATH = "SystemSettingsGeneral"


def settings(client: httpx.Client, node: str = DN1) -> dict[str, Any]:
    rows = client.get(f"{cfg(node)}/{PATH}").json()
    assert isinstance(rows, list) and len(rows) == 1  # List returns a one-element array
    result: dict[str, Any] = rows[0]
    return result


def save_body(current: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A complete Save from a read: the nine mandatory fields, ``ip_dns`` sent back as ``li_ip`` (§7.16)."""
    keys = ("default_auth", "default_ha_path", "lp_mode", "name", "overscan_period", "timeout", "timestamp_on",
            "timezone")  # fmt: skip
    return {k: current[k] for k in keys} | {"li_ip": current["ip_dns"]} | changes


def test_every_node_has_its_own_realistic_default(client: httpx.Client) -> None:
    dn1, sh = settings(client, DN1), settings(client, SH)
    assert dn1["id"] != sh["id"] and dn1["identifier"] == DN1 and sh["identifier"] == SH
    assert dn1["name"] == "dn-prod-01" and dn1["ip_dns"] == "10.10.0.11"
    assert dn1["lp_mode"] == "dlp" and sh["lp_mode"] == "search_head"
    assert dn1["timestamp_on"] == "col_ts" and dn1["timezone"] == "UTC" and dn1["type"] == "installation"
    assert "li_ip" not in dn1
    auth = client.get(f"{cfg()}/{PATH}/auth").json()
    assert dn1["default_auth"] in [a["name"] for a in auth]


def test_save_updates_the_one_object_and_keeps_omitted_optional_fields(client: httpx.Client) -> None:
    before = settings(client)
    ok(write(client, "POST", f"{cfg()}/{PATH}", save_body(before, enable_soar="true", tab_title="Bank A")))
    ok(write(client, "POST", f"{cfg()}/{PATH}", save_body(before, timestamp_on="log_ts", li_ip="lp1.bank-a")))
    after = settings(client)
    assert after["id"] == before["id"] and after["timestamp_on"] == "log_ts" and after["ip_dns"] == "lp1.bank-a"
    assert after["enable_soar"] is True and after["tab_title"] == "Bank A"  # left unchanged when omitted
    assert settings(client, DN2)["timestamp_on"] == "col_ts"  # per node


def test_save_merges_even_when_puts_replace(emu: Emulator, client: httpx.Client) -> None:
    emu.set_runtime_config(put_semantics="replace")
    before = settings(client)
    ok(write(client, "POST", f"{cfg()}/{PATH}", save_body(before, tab_title="kept")))
    ok(write(client, "POST", f"{cfg()}/{PATH}", save_body(before)))
    assert settings(client)["tab_title"] == "kept"


@pytest.mark.parametrize(
    "change",
    [
        {"timestamp_on": None},
        {"timestamp_on": "event_ts"},
        {"lp_mode": "aio"},
        {"default_auth": "Kerberos"},
        {"timeout": 0},
        {"overscan_period": "1"},
        {"enable_soar": "yes"},
        {"li_ip": None},
    ],
)
def test_malformed_saves_are_400(client: httpx.Client, change: dict[str, Any]) -> None:
    body = {k: v for k, v in save_body(settings(client), **change).items() if v is not None}
    r = client.post(f"{cfg()}/{PATH}", json={"data": body})
    assert r.status_code == 400 and r.json()["status"] == "Failed", r.text


def test_unknown_timezone_fails_the_order(client: httpx.Client) -> None:
    refused(write(client, "POST", f"{cfg()}/{PATH}", save_body(settings(client), timezone="Mars/Olympus")), "Mars")


def test_there_is_no_create_edit_get_or_trash(client: httpx.Client) -> None:
    current = settings(client)
    assert client.put(f"{cfg()}/{PATH}/{current['id']}", json={"data": save_body(current)}).status_code == 405
    assert client.delete(f"{cfg()}/{PATH}/{current['id']}").status_code == 405
    assert client.get(f"{cfg()}/{PATH}/{current['id']}").status_code == 404
    ok(write(client, "POST", f"{cfg()}/{PATH}/refreshAuthlist", {}))
    assert len(client.get(f"{cfg()}/{PATH}").json()) == 1


def test_reset_restores_the_default_and_admin_shows_it(emu: Emulator, client: httpx.Client) -> None:
    ok(write(client, "POST", f"{cfg()}/{PATH}", save_body(settings(client), timestamp_on="log_ts")))
    assert emu.objects(POOL, DN1, PATH)[0]["timestamp_on"] == "log_ts"
    assert client.post(f"/_emulator/nodes/{POOL}/{DN1}/reset").status_code == 200
    assert settings(client)["timestamp_on"] == "col_ts"
