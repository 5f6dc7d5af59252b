"""Lists (docs/director-api.md §7.13): static and dynamic lists over real HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from cac_director.emulator import Emulator
from tests.emulator.conftest import DN2, cfg, ok, refused, write

DYNAMIC_AGES = {"agelimit_day": 0, "agelimit_hour": 0, "agelimit_minute": 30}


def one_list(client: httpx.Client, name: str, node: str | None = None) -> dict[str, Any]:
    lists = client.get(f"{cfg(node) if node else cfg()}/Lists").json()
    matches = [item for item in lists if item["name"] == name]
    assert len(matches) == 1, [item["name"] for item in lists]
    found: dict[str, Any] = matches[0]
    return found


def test_static_list_written_as_s_name_reads_back_upper_cased_as_name(client: httpx.Client) -> None:
    assert client.get(f"{cfg()}/Lists").json() == []  # a fresh node has no lists
    ok(write(client, "POST", f"{cfg()}/Lists/static", {"s_name": "ip_blacklist", "lists": ["10.1.1.1", "10.2.2.2"]}))
    item = one_list(client, "IP_BLACKLIST")
    assert item["lists"] == ["10.1.1.1", "10.2.2.2"] and item["list_type"] == "static_list"
    assert "s_name" not in item and item["age_limit"] == 0 and item["user"] == "admin"
    assert {"last_updated", "lists_vendor", "active", "hidden", "vid", "tid"} <= set(item)
    assert client.get(f"{cfg()}/Lists/{item['id']}").json() == item  # Get has no type segment
    assert client.get(f"{cfg(DN2)}/Lists").json() == []  # per node


def test_static_edit_replaces_the_values_and_keeps_the_name(client: httpx.Client) -> None:
    ok(write(client, "POST", f"{cfg()}/Lists/static", {"s_name": "HOSTS", "lists": ["a"]}))
    list_id = one_list(client, "HOSTS")["id"]
    ok(write(client, "PUT", f"{cfg()}/Lists/static/{list_id}", {"lists": ["b", "c"]}))
    assert one_list(client, "HOSTS")["lists"] == ["b", "c"]
    # The name is in neither Edit table (§7.19): fixed after creation.
    refused(write(client, "PUT", f"{cfg()}/Lists/static/{list_id}", {"s_name": "OTHER", "lists": []}), "s_name")
    assert client.put(f"{cfg()}/Lists/static/{list_id}", json={"data": {"id": list_id}}).status_code == 400


def test_dynamic_list_written_as_d_name_reads_age_limit_in_seconds(client: httpx.Client) -> None:
    ok(write(client, "POST", f"{cfg()}/Lists/dynamic", {"d_name": "Seen_Hosts", **DYNAMIC_AGES}))
    item = one_list(client, "SEEN_HOSTS")
    assert item["list_type"] == "dynamic_list" and item["lists"] == [] and item["age_limit"] == 1800
    assert not any(key.startswith("agelimit_") for key in item)
    longer = {"agelimit_day": 4, "agelimit_hour": 5, "agelimit_minute": 39}
    ok(write(client, "PUT", f"{cfg()}/Lists/dynamic/{item['id']}", longer))
    assert one_list(client, "SEEN_HOSTS")["age_limit"] == 365940  # the Tables example's 4 d 5 h 39 min
    # A dynamic list is edited through Lists/dynamic, not Lists/static.
    refused(write(client, "PUT", f"{cfg()}/Lists/static/{item['id']}", {"lists": ["x"]}), "dynamic list")


def test_names_are_unique_whatever_their_case(client: httpx.Client) -> None:
    ok(write(client, "POST", f"{cfg()}/Lists/static", {"s_name": "Admins", "lists": []}))
    refused(write(client, "POST", f"{cfg()}/Lists/dynamic", {"d_name": "ADMINS", **DYNAMIC_AGES}), "already exists")


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("static", {"lists": ["a"]}),  # no s_name
        ("static", {"s_name": "X", "lists": []}),  # 1 character
        ("static", {"s_name": "_lead", "lists": []}),
        ("static", {"s_name": "has space", "lists": []}),
        ("static", {"s_name": "a" * 101, "lists": []}),
        ("static", {"s_name": "NOVALUES"}),
        ("static", {"s_name": "BADVALUES", "lists": [1]}),
        ("dynamic", {"d_name": "NOAGES"}),
        ("dynamic", {"d_name": "NEGATIVE", **DYNAMIC_AGES, "agelimit_hour": -1}),
        ("dynamic", {"s_name": "WRONGKEY", **DYNAMIC_AGES}),
    ],
)
def test_malformed_lists_are_400(client: httpx.Client, path: str, data: dict[str, Any]) -> None:
    r = client.post(f"{cfg()}/Lists/{path}", json={"data": data})
    assert r.status_code == 400 and r.json()["status"] == "Failed", r.text


def test_writes_need_the_type_segment(client: httpx.Client) -> None:
    assert client.post(f"{cfg()}/Lists", json={"data": {"s_name": "NOPE", "lists": []}}).status_code == 405
    assert client.get(f"{cfg()}/Lists").json() == []


def test_age_limits_follow_the_tables_pages_unless_configured(emu: Emulator, client: httpx.Client) -> None:
    refused(write(client, "POST", f"{cfg()}/Lists/dynamic", {"d_name": "SHORT", **DYNAMIC_AGES,
                                                              "agelimit_minute": 10}), "30 minutes")  # fmt: skip
    refused(write(client, "POST", f"{cfg()}/Lists/dynamic", {"d_name": "LONG", **DYNAMIC_AGES,
                                                              "agelimit_hour": 24}), "out of range")  # fmt: skip
    emu.set_runtime_config(list_age_limits="any")
    ok(write(client, "POST", f"{cfg()}/Lists/dynamic", {"d_name": "SHORT", **DYNAMIC_AGES, "agelimit_minute": 10}))
    assert one_list(client, "SHORT")["age_limit"] == 600
    with pytest.raises(ValueError, match="tables"):
        emu.set_runtime_config(list_age_limits="sometimes")


def test_trash_and_refreshlist(emu: Emulator, client: httpx.Client) -> None:
    ok(write(client, "POST", f"{cfg()}/Lists/static", {"s_name": "GONE", "lists": []}))
    list_id = one_list(client, "GONE")["id"]
    ok(write(client, "POST", f"{cfg()}/Lists/refreshlist", {}))
    ok(write(client, "DELETE", f"{cfg()}/Lists/{list_id}"))  # no type segment
    assert client.get(f"{cfg()}/Lists").json() == []
    assert client.get(f"{cfg()}/Lists/{list_id}").status_code == 404
    counts = emu.request_counts()
    assert counts["POST /configapi/{pool}/{node}/Lists/static"] == 1
    assert counts["POST /configapi/{pool}/{node}/Lists/refreshlist"] == 1
    assert counts["DELETE /configapi/{pool}/{node}/Lists/{id}"] == 1


def test_lists_are_seeded_and_inspected_through_the_admin_api(emu: Emulator, client: httpx.Client) -> None:
    ok(write(client, "POST", f"{cfg()}/Lists/static", {"s_name": "ADMIN_SEEN", "lists": ["1"]}))
    node = cfg().split("/")[2:4]
    stored = client.get(f"/_emulator/nodes/{node[0]}/{node[1]}/objects/Lists").json()
    assert [item["name"] for item in stored] == ["ADMIN_SEEN"]
    r = client.patch(f"/_emulator/nodes/{node[0]}/{node[1]}/objects/Lists/{stored[0]['id']}",
                     json={"lists": ["1", "2"], "list_type": "static_list"})  # fmt: skip
    assert r.status_code == 200
    assert one_list(client, "ADMIN_SEEN")["lists"] == ["1", "2"]
