"""Every PUT carries the complete object (docs/director-api.md §4.1, §7.6): fields the tool does not own survive an edit
whether the Director merges or replaces, and the emulator refuses a PUT without ``id`` in ``data``."""

from __future__ import annotations

from typing import Any

import pytest

from cac_director.conventions import by_section
from cac_director.director import DirectorClient, NodeResolver, mapping
from tests.contract.conftest import NODE, POOL

DEVICE = {"name": "fw1", "ip": ["10.0.0.1"], "availability": "Minor", "confidentiality": "Minor", "integrity": "Minor"}


@pytest.mark.parametrize("semantics", ["merge", "replace"])
def test_a_device_group_edit_keeps_the_members_the_director_lists(
    semantics: str, fresh: Any, client: DirectorClient, resolver: NodeResolver
) -> None:
    fresh.set_runtime_config(put_semantics=semantics)
    groups, devices = by_section("deviceGroups"), by_section("devices")
    group_id, _ = client.create(
        groups, mapping.to_wire(groups, {"name": "G", "description": "edge"}, resolver), name="G"
    )
    device_id, _ = client.create(devices, mapping.to_wire(devices, DEVICE, resolver), name="fw1")
    # Membership as the Director lists it on the group (set in the console or by another tool).
    fresh.oob_update(POOL, NODE, "DeviceGroups", group_id, {"devices": [device_id]})

    client.update(groups, group_id, mapping.to_wire(groups, {"name": "G", "description": "core"}, resolver), name="G")

    group = client.get(groups, group_id)
    assert group["description"] == "core"
    assert group["devices"] == [device_id]


@pytest.mark.parametrize("semantics", ["merge", "replace"])
def test_a_device_edit_keeps_its_unmanaged_attachments(
    semantics: str, fresh: Any, client: DirectorClient, resolver: NodeResolver
) -> None:
    fresh.set_runtime_config(put_semantics=semantics)
    devices = by_section("devices")
    device_id, _ = client.create(devices, mapping.to_wire(devices, DEVICE, resolver), name="fw1")
    fresh.oob_update(POOL, NODE, "Devices", device_id, {"distributed_collector": ["c" * 24]})

    client.update(devices, device_id, mapping.to_wire(devices, {**DEVICE, "integrity": "Major"}, resolver), name="fw1")

    device = client.get(devices, device_id)
    assert device["risk_values"]["integrity"] == "Major"
    assert device["distributed_collector"] == ["c" * 24]
