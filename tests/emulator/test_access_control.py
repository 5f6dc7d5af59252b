"""PermissionGroups, UserGroups and Users (docs/director-api.md §7.14) over real HTTP: renames, references,
write-only passwords."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from cac_director.emulator import Emulator
from tests.emulator.conftest import DN1, DN2, POOL, by_name, cfg, ok, refused, write
from tests.emulator.test_resources import _device

PASSWORD = "s3cret-Pa55"


def permission_group(client: httpx.Client, name: str = "SOC_L1", **changes: Any) -> str:
    data = {"name": name, "description": "first line", "permissions": [{"entity": "Lists", "permission": "READ"}]}
    ok(write(client, "POST", f"{cfg()}/PermissionGroups", {**data, **changes}))
    group_id: str = by_name(client, "PermissionGroups", name)["id"]
    return group_id


def user_group(client: httpx.Client, roles: str, name: str = "bank_a_soc", **changes: Any) -> dict[str, Any]:
    data = {"name": name, "roles": roles, "object_permission": {"include_all_permission": True}, **changes}
    ok(write(client, "POST", f"{cfg()}/UserGroups", data))
    return by_name(client, "UserGroups", name)


def new_user(usergroup: str, username: str = "jdoe", **changes: Any) -> dict[str, Any]:
    return {"username": username, "password": PASSWORD, "firstname": "Jane", "lastname": "Doe",
            "email": "jane@bank-a.example", "usergroup": [usergroup], **changes}  # fmt: skip


def test_seeded_groups_back_the_seeded_incident_user_groups(client: httpx.Client) -> None:
    groups = {g["name"]: g for g in client.get(f"{cfg()}/UserGroups").json()}
    assert set(groups) == {"LogPoint Administrator", "SOC Analysts"}
    incident = client.get(f"{cfg()}/IncidentUserGroups").json()
    assert {i["usergroup"] for i in incident} == {g["id"] for g in groups.values()}
    admin = by_name(client, "Users", "admin", key="username")
    assert admin["usergroup"] == [groups["LogPoint Administrator"]["id"]]
    assert groups["LogPoint Administrator"]["users"] == [admin["id"]]
    assert {p["name"] for p in client.get(f"{cfg()}/PermissionGroups").json()} == set(groups)


def test_permission_group_round_trip_keeps_its_key_names(client: httpx.Client) -> None:
    group_id = permission_group(client)
    got = client.get(f"{cfg()}/PermissionGroups/{group_id}").json()
    assert got["permissions"] == [{"entity": "Lists", "permission": "READ"}] and got["description"] == "first line"
    assert {"name", "description", "tid", "active", "permissions", "id"} == set(got)
    ok(write(client, "PUT", f"{cfg()}/PermissionGroups/{group_id}", {"name": "SOC_L2", "permissions": []}))
    assert by_name(client, "PermissionGroups", "SOC_L2")["id"] == group_id  # name is editable (§7.19)
    refused(write(client, "POST", f"{cfg()}/PermissionGroups", {"name": "SOC_L2"}), "already exists")


@pytest.mark.parametrize(
    "data",
    [
        {"description": "no name"},
        {"name": "_lead"},
        {"name": "has space"},
        {"name": "ok_name", "permissions": [{"entity": "Dashboards", "permission": "READ"}]},
        {"name": "ok_name", "permissions": [{"entity": "Lists", "permission": "WRITE"}]},
    ],
)
def test_malformed_permission_groups_are_400(client: httpx.Client, data: dict[str, Any]) -> None:
    assert client.post(f"{cfg()}/PermissionGroups", json={"data": data}).status_code == 400


def test_soar_entities_need_enable_soar(client: httpx.Client) -> None:
    soar = {"entity": "SOAR Cases-Manage Cases", "permission": "READ"}
    refused(write(client, "POST", f"{cfg()}/PermissionGroups", {"name": "SOAR_team", "permissions": [soar]}),
            "enable_soar")  # fmt: skip
    ok(write(client, "POST", f"{cfg()}/PermissionGroups", {"name": "SOAR_none", "permissions": [
        {**soar, "permission": "NONE"}]}))  # fmt: skip


def test_user_group_roles_reads_back_as_permission_group(client: httpx.Client) -> None:
    roles = permission_group(client)
    group = user_group(client, roles, description="Bank A SOC", query="col_type=syslog")
    assert group["permission_group"] == roles and "roles" not in group
    assert group["object_permission"] == {"include_all_permission": True, "permitted": []}
    assert group["description"] == "Bank A SOC" and group["query"] == "col_type=syslog" and group["users"] == []
    assert group["lpadmin"] is False and group["useradmin"] is False
    refused(write(client, "POST", f"{cfg()}/UserGroups", {"name": "x_group", "roles": "0" * 24,
                                                          "object_permission": {"include_all_permission": True}}),
            "permission group")  # fmt: skip
    refused(write(client, "DELETE", f"{cfg()}/PermissionGroups/{roles}"), "in use by UserGroups")


def test_object_permission_is_read_back_as_permitted_per_logpoint(client: httpx.Client) -> None:
    roles = permission_group(client)
    dev = _device(client)
    ok(write(client, "POST", f"{cfg()}/DeviceGroups", {"name": "Firewalls", "devices": [dev["id"]]}))
    group_id = by_name(client, "DeviceGroups", "Firewalls")["id"]
    body = {k: dev[k] for k in ("name", "ip")} | dev["risk_values"] | {"devicegroup": [group_id]}
    ok(write(client, "PUT", f"{cfg()}/Devices/{dev['id']}", body))
    permission = {"include_all_permission": False, "permission": [
        {"logpoint_ip": "127.0.0.1", "repos": ["default"], "device_groups": [
            {"name": "Firewalls", "devices": [{"name": dev["name"], "include_all_ips": True}]}]},
        {"logpoint_ip": "10.10.0.12", "include_all_repos": True, "include_all_device_groups": True},
    ]}  # fmt: skip
    permitted = user_group(client, roles, object_permission=permission)["object_permission"]["permitted"]
    assert permitted[0] == {"logpoint_ip": "127.0.0.1", "logpoint_name": "dn-prod-01", "repos": ["default"],
                            "device_groups": [{"name": "Firewalls", "devices": [{"name": dev["name"],
                                                                                  "ips": dev["ip"]}]}]}  # fmt: skip
    # "All" is read back as the explicit names it covered (the read example shows only lists, §7.14.2).
    assert permitted[1]["logpoint_name"] == "dn-prod-02"
    assert permitted[1]["repos"] == ["default", "_logpoint", "_LogPointAlerts"] and permitted[1]["device_groups"] == []


def test_object_permission_names_are_checked_on_the_target_logpoint(client: httpx.Client) -> None:
    roles = permission_group(client)
    for entry, fragment in (
        ({"logpoint_ip": "10.99.0.1"}, "logpoint_ip"),
        ({"logpoint_ip": "10.10.0.12", "repos": ["nope"]}, "repo 'nope'"),
        ({"logpoint_ip": "127.0.0.1", "device_groups": [{"name": "Nope"}]}, "device group 'Nope'"),
    ):
        data = {"name": "checked", "roles": roles, "object_permission": {"permission": [entry]}}
        refused(write(client, "POST", f"{cfg()}/UserGroups", data), fragment)


def test_all_flags_can_be_kept_as_sent(emu: Emulator, client: httpx.Client) -> None:
    emu.set_runtime_config(usergroup_all_flags="kept")
    roles = permission_group(client)
    permission = {"permission": [{"logpoint_ip": "127.0.0.1", "include_all_repos": True}]}
    permitted = user_group(client, roles, object_permission=permission)["object_permission"]["permitted"]
    assert permitted == [{"logpoint_ip": "127.0.0.1", "logpoint_name": "dn-prod-01", "include_all_repos": True}]


@pytest.mark.parametrize(
    "permission",
    [
        {"include_all_permission": True, "permission": []},  # permission must be left out
        {"permission": [{"repos": []}]},  # no logpoint_ip
        {"permission": [{"logpoint_ip": "127.0.0.1", "include_all_repos": True, "repos": ["default"]}]},
        "all",
    ],
)
def test_malformed_object_permission_is_400(client: httpx.Client, permission: Any) -> None:
    data = {"name": "bad", "roles": "x", "object_permission": permission}
    assert client.post(f"{cfg()}/UserGroups", json={"data": data}).status_code == 400


def test_user_password_is_accepted_and_never_read_stored_or_logged(emu: Emulator, client: httpx.Client,
                                                                   tmp_path: Any) -> None:  # fmt: skip
    group = user_group(client, permission_group(client))
    ok(write(client, "POST", f"{cfg()}/Users", new_user(group["id"])))
    user = by_name(client, "Users", "jdoe", key="username")
    assert "password" not in user and user["password_change_date"] != ""
    assert user["fullname"] == "Jane Doe" and user["usergroup"] == [group["id"]] and user["timezone"] == "UTC"
    ok(write(client, "POST", f"{cfg()}/Users/{user['id']}/changePassword", {"new_password": "An0ther-one"}))
    everything = json.dumps(client.get(f"/_emulator/nodes/{POOL}/{DN1}/objects").json())
    everything += json.dumps(client.get(f"{cfg()}/Users").json()) + repr(emu.store.nodes)
    assert PASSWORD not in everything and "An0ther-one" not in everything
    assert by_name(client, "UserGroups", "bank_a_soc")["users"] == [user["id"]]


def test_user_edit_keeps_username_and_drops_a_password(client: httpx.Client) -> None:
    group = user_group(client, permission_group(client))
    ok(write(client, "POST", f"{cfg()}/Users", new_user(group["id"])))
    user = by_name(client, "Users", "jdoe", key="username")
    edit = {"firstname": "Janet", "lastname": "Doe", "email": "janet@bank-a.example", "usergroup": [group["id"]]}
    ok(write(client, "PUT", f"{cfg()}/Users/{user['id']}", {**edit, "password": "ignored-pw"}))
    after = by_name(client, "Users", "jdoe", key="username")
    assert after["fullname"] == "Janet Doe" and after["password_change_date"] == user["password_change_date"]
    refused(write(client, "PUT", f"{cfg()}/Users/{user['id']}", {**edit, "username": "other"}), "username")


def test_user_references_and_trash_needs_deactivation(client: httpx.Client) -> None:
    group = user_group(client, permission_group(client))
    refused(write(client, "POST", f"{cfg()}/Users", new_user("0" * 24)), "user group")
    refused(write(client, "POST", f"{cfg()}/Users", new_user(group["id"], timezone="Mars/Olympus")), "Mars")
    ok(write(client, "POST", f"{cfg()}/Users", new_user(group["id"])))
    refused(write(client, "POST", f"{cfg()}/Users", new_user(group["id"])), "already exists")
    user_id = by_name(client, "Users", "jdoe", key="username")["id"]
    refused(write(client, "DELETE", f"{cfg()}/UserGroups/{group['id']}"), "in use by Users 'jdoe'")
    refused(write(client, "DELETE", f"{cfg()}/Users/{user_id}"), "deactivated first")
    ok(write(client, "POST", f"{cfg()}/Users/{user_id}/deactivate", {}))
    assert by_name(client, "Users", "jdoe", key="username")["active"] is False
    ok(write(client, "POST", f"{cfg()}/Users/{user_id}/unlock", {}))
    ok(write(client, "DELETE", f"{cfg()}/Users/{user_id}"))
    assert [u["username"] for u in client.get(f"{cfg()}/Users").json()] == ["admin", "analyst"]
    assert client.get(f"{cfg(DN2)}/UserGroups").json()[0]["name"] == "LogPoint Administrator"  # per node


@pytest.mark.parametrize(
    "change",
    [{"username": "j"}, {"password": "1234"}, {"email": "not-an-address"}, {"usergroup": []}, {"firstname": None}],
)
def test_malformed_users_are_400(client: httpx.Client, change: dict[str, Any]) -> None:
    data = {k: v for k, v in {**new_user("x"), **change}.items() if v is not None}
    assert client.post(f"{cfg()}/Users", json={"data": data}).status_code == 400


def test_user_actions_validate_and_count_under_templates(emu: Emulator, client: httpx.Client) -> None:
    admin = by_name(client, "Users", "admin", key="username")["id"]
    short = client.post(f"{cfg()}/Users/{admin}/changePassword", json={"data": {"new_password": "1"}})
    assert short.status_code == 400
    assert client.post(f"{cfg()}/Users/{'0' * 24}/unlock", json={"data": {}}).status_code == 404
    refused(write(client, "POST", f"{cfg()}/Users/{admin}/deactivate", {}), "built-in")
    assert emu.request_counts()["POST /configapi/{pool}/{node}/Users/{id}/deactivate"] == 1
