"""UserGroups' irregular shape against both answers to what a read shows (docs/director-api.md §7.14.2).

Whether the Director expands ``include_all_*`` flags into names or keeps them is undocumented; the emulator
offers both (``usergroup_all_flags``). The model writes explicit lists only, so either answer must read back
as the configuration, and a group edited outside cac-director must show as different.
"""

from __future__ import annotations

from typing import Any

import pytest

from cac_director.conventions import by_section
from cac_director.director import DirectorClient, NodeResolver, mapping

_PREREQUISITES: list[tuple[str, dict[str, Any]]] = [
    ("permissionGroups", {"name": "pg-soc", "description": ""}),
    ("deviceGroups", {"name": "dg-fw", "description": ""}),
    (
        "devices",
        {"name": "fw1", "ip": ["10.0.0.1", "10.0.0.2"], "availability": "Minor", "confidentiality": "Minor",
         "integrity": "Minor", "devicegroup": ["dg-fw"]},
    ),
]  # fmt: skip
_GROUP: dict[str, Any] = {
    "name": "ug-soc",
    "description": "SOC",
    "roles": "pg-soc",
    "query": "",
    "include_all_permission": False,
    "permission": [
        {
            "logpoint_ip": "127.0.0.1",
            "repos": ["default"],
            "device_groups": [{"name": "dg-fw", "devices": [{"name": "fw1", "ips": ["10.0.0.2"]}]}],
        }
    ],
}
CONV = by_section("userGroups")


def _setup(client: DirectorClient, resolver: NodeResolver) -> str:
    for section, model in _PREREQUISITES:
        conv = by_section(section)
        obj_id, _ = client.create(conv, mapping.to_wire(conv, model, resolver), name=model["name"])
        resolver.seed(section, model["name"], obj_id)
    new_id, _ = client.create(CONV, mapping.to_wire(CONV, _GROUP, resolver), name="ug-soc")
    return new_id


def _live(client: DirectorClient, resolver: NodeResolver, obj_id: str) -> dict[str, Any]:
    return mapping.normalize(CONV, mapping.from_wire(CONV, client.get(CONV, obj_id), resolver))


@pytest.mark.parametrize("flags", ["expanded", "kept"])
def test_explicit_lists_read_back_as_written(flags: str, fresh: Any, client: DirectorClient,
                                             resolver: NodeResolver) -> None:  # fmt: skip
    fresh.set_runtime_config(usergroup_all_flags=flags)
    obj_id = _setup(client, resolver)
    read = client.get(CONV, obj_id)
    assert read["object_permission"]["permitted"][0]["logpoint_name"]  # the Director's own key, dropped
    assert read["permission_group"] == resolver.id_of("permissionGroups", "pg-soc")
    assert _live(client, resolver, obj_id) == mapping.normalize(CONV, _GROUP)


def test_wire_body_nests_object_permission(resolver: NodeResolver, fresh: Any, client: DirectorClient) -> None:
    _setup(client, resolver)
    body = mapping.to_wire(CONV, {**_GROUP, "include_all_permission": True, "permission": None}, resolver)
    assert body["object_permission"] == {"include_all_permission": True}
    assert "include_all_permission" not in body and "permission" not in body
    body = mapping.to_wire(CONV, _GROUP, resolver)
    assert body["object_permission"]["include_all_permission"] is False
    assert body["object_permission"]["permission"][0]["repos"] == ["default"]
    assert body["roles"] == resolver.id_of("permissionGroups", "pg-soc")


def test_a_group_changed_outside_shows_as_different(fresh: Any, client: DirectorClient,
                                                    resolver: NodeResolver) -> None:  # fmt: skip
    obj_id = _setup(client, resolver)
    console = {**_GROUP, "permission": [{"logpoint_ip": "127.0.0.1", "repos": ["default", "_logpoint"]}]}
    client.update(CONV, obj_id, mapping.to_wire(CONV, console, resolver), name="ug-soc")
    live = _live(client, resolver, obj_id)
    assert live != mapping.normalize(CONV, _GROUP)
    assert live["permission"][0]["repos"] == ["default", "_logpoint"]
