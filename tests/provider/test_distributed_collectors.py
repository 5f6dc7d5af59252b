"""Devices attach to distributed collectors the node already has (docs/director-api.md §7.17): by name in YAML,
by id on the wire, owned only when the configuration sets ``distributed_collector``."""

from __future__ import annotations

import pytest

from cac_director.director import runtime
from cac_director.errors import CacDirectorError
from cac_director.pulumi_provider.providers import PROVIDERS

DEVICE = {"name": "fw9", "ip": ["10.0.9.1"], "availability": "Minor", "confidentiality": "Minor", "integrity": "Minor"}


def _stored(fresh, target) -> dict:
    (device,) = [d for d in fresh.objects(target["pool"], target["node"], "Devices") if d["name"] == "fw9"]
    return device


def _collector_ids(fresh, target) -> dict[str, str]:
    return {c["name"]: c["id"] for c in fresh.objects(target["pool"], target["node"], "DistributedCollectors")}


def test_named_collectors_are_sent_as_ids_and_diffed(fresh, target, make_provider) -> None:
    branch = fresh.oob_create(target["pool"], target["node"], "DistributedCollectors", {"name": "dc-branch-02"})
    ids = _collector_ids(fresh, target)
    devices = make_provider(PROVIDERS["Device"])
    inputs = devices.check({}, {**DEVICE, "distributed_collector": ["dc-hq-01"], "target": target}).inputs
    created = devices.create(inputs)
    assert _stored(fresh, target)["distributed_collector"] == [ids["dc-hq-01"]]
    assert created.outs["distributed_collector"] == ["dc-hq-01"]
    assert devices.diff(created.id, devices.read(created.id, created.outs).outs, inputs).changes is False

    # A console change is drift on a device that names its collectors, and the update puts it back.
    fresh.oob_update(target["pool"], target["node"], "Devices", created.id, {"distributed_collector": [branch]})
    runtime.reset()  # a refresh is a new provider process
    read = devices.read(created.id, created.outs)
    assert read.outs["distributed_collector"] == ["dc-branch-02"]
    assert devices.diff(created.id, read.outs, inputs).changes is True
    devices.update(created.id, read.outs, inputs)
    assert _stored(fresh, target)["distributed_collector"] == [ids["dc-hq-01"]]

    # An empty list is a declaration too: it detaches them all.
    detach = devices.check({}, {**DEVICE, "distributed_collector": [], "target": target}).inputs
    runtime.reset()
    assert devices.diff(created.id, devices.read(created.id, created.outs).outs, detach).changes is True
    devices.update(created.id, created.outs, detach)
    assert _stored(fresh, target)["distributed_collector"] == []


def test_a_device_that_names_none_keeps_what_the_node_gave_it(fresh, target, make_provider) -> None:
    devices = make_provider(PROVIDERS["Device"])
    inputs = devices.check({}, {**DEVICE, "target": target}).inputs
    created = devices.create(inputs)
    hq = _collector_ids(fresh, target)["dc-hq-01"]
    fresh.oob_update(target["pool"], target["node"], "Devices", created.id, {"distributed_collector": [hq]})
    runtime.reset()
    read = devices.read(created.id, created.outs)
    assert "distributed_collector" not in read.outs
    assert devices.diff(created.id, read.outs, inputs).changes is False
    # Another change still goes through, and the complete PUT keeps the collector.
    moved = {**inputs, "ip": ["10.0.9.2"]}
    devices.update(created.id, read.outs, moved)
    assert _stored(fresh, target)["distributed_collector"] == [hq]


def test_a_collector_the_node_does_not_have_is_one_line(fresh, target, make_provider) -> None:
    devices = make_provider(PROVIDERS["Device"])
    inputs = devices.check({}, {**DEVICE, "distributed_collector": ["dc-nowhere"], "target": target}).inputs
    with pytest.raises(CacDirectorError, match="'dc-nowhere' does not exist on node") as failed:
        devices.create(inputs)
    assert "\n" not in str(failed.value)


def test_adopting_a_device_whose_collector_the_configuration_leaves_out_writes_nothing(
    fresh, target, make_provider
) -> None:
    hq = _collector_ids(fresh, target)["dc-hq-01"]
    fresh.oob_create(target["pool"], target["node"], "Devices", {**DEVICE, "distributed_collector": [hq]})
    fresh.reset_request_log()
    devices = make_provider(PROVIDERS["Device"])
    adopted = devices.create(devices.check({}, {**DEVICE, "target": target, "adopt": True}).inputs)
    assert "distributed_collector" not in adopted.outs
    # Compared as the plan compares it: what the node gave the device is not this stack's, so no edit.
    assert not [call for call in fresh.request_counts() if call.split()[0] in {"POST", "PUT", "DELETE"}]
    assert _stored(fresh, target)["distributed_collector"] == [hq]
