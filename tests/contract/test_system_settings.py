"""SystemSettingsGeneral over HTTP: the node's one object is saved (read-modify-write), never created or deleted."""

from __future__ import annotations

from typing import Any

import pytest

from cac_director.conventions import by_section
from cac_director.director import DirectorClient, NodeResolver, mapping
from cac_director.errors import CacDirectorError

CONV = by_section("systemSettings")


def _live(client: DirectorClient) -> dict[str, Any]:
    [settings] = client.list(CONV)
    return settings


def test_save_round_trip_keeps_the_fields_it_does_not_manage(client: DirectorClient, resolver: NodeResolver) -> None:
    before = _live(client)
    assert before["settings"] == "general" and before["timestamp_on"] == "col_ts"
    assert client.lookup_table(CONV) == {"general": before["id"]}

    managed = {"settings": "general", "timestamp_on": "log_ts", "timezone": "Europe/Paris", "tab_title": "Bank A"}
    obj_id, read = client.create(CONV, mapping.to_wire(CONV, managed, resolver), name="general")
    assert obj_id == before["id"]  # taken over, not created
    assert {k: read[k] for k in ("timestamp_on", "timezone", "tab_title")} == {
        "timestamp_on": "log_ts",
        "timezone": "Europe/Paris",
        "tab_title": "Bank A",
    }
    unmanaged = ("default_auth", "default_ha_path", "ip_dns", "lp_mode", "name", "timeout", "overscan_period")
    assert {k: read[k] for k in unmanaged} == {k: before[k] for k in unmanaged}

    # No change: the same managed fields read back equal after normalisation.
    model = mapping.from_wire(CONV, client.get(CONV, obj_id), resolver)
    assert {k: model[k] for k in managed} == managed

    updated = client.update(CONV, obj_id, mapping.to_wire(CONV, {**managed, "timeout": 45}, resolver), name="general")
    assert updated["timeout"] == 45 and updated["timestamp_on"] == "log_ts" and updated["timezone"] == "Europe/Paris"

    client.delete(CONV, obj_id, name="general")  # never deleted: the node keeps its settings as they are
    after = _live(client)
    assert after["id"] == obj_id and after["timeout"] == 45 and after["timestamp_on"] == "log_ts"


def test_the_save_body_sends_the_live_values_back_under_their_write_names() -> None:
    live = {"id": "x1", "settings": "general", "ip_dns": "10.1.0.11", "timeout": 30, "timezone": "UTC", "type": "i"}
    assert CONV.singleton is not None
    body = CONV.singleton.save_body(CONV, live, {"settings": "general", "timezone": "Europe/Paris"})
    assert body == {"li_ip": "10.1.0.11", "timeout": 30, "timezone": "Europe/Paris"}


def test_a_refused_save_names_the_field(client: DirectorClient, resolver: NodeResolver) -> None:
    body = mapping.to_wire(CONV, {"settings": "general", "timezone": "Mars/Olympus"}, resolver)
    with pytest.raises(CacDirectorError, match="timezone"):
        client.update(CONV, _live(client)["id"], body, name="general")
    assert _live(client)["timezone"] == "UTC"
