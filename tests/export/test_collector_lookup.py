"""Client fix found by the adopt round trip: a SyslogCollector is found in the name table by its device name."""

from __future__ import annotations

from typing import Any

from cac_director.conventions import by_section
from cac_director.director import node_client
from tests.export.conftest import STAGING, populate, settings_for


def test_syslog_collectors_are_named_by_their_device(emu: Any) -> None:
    resolved = populate(emu, STAGING)
    node = resolved.nodes["dn-stg-01"]
    client = node_client(
        settings_for(emu, resolved.fleet.pool_uuid), node.logpoint_id, node.name, resolved.fleet.pool_uuid
    )
    table = client.lookup_table(by_section("syslogCollectors"))
    assert set(table) == {"stg-dc-01", "stg-fw-01", "stg-linux-01", "stg-test-harness"}
    live = {obj["id"]: obj for obj in client.list(by_section("syslogCollectors"))}
    assert set(table.values()) == set(live)
