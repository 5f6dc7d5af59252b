"""A log collection policy that a device still names is not deleted (docs/director-api.md §7.15, our choice)."""

from __future__ import annotations

import pytest

from cac_director.director import runtime
from cac_director.errors import DirectorError
from cac_director.pulumi_provider.providers import PROVIDERS
from tests.contract.test_round_trips import CASES
from tests.provider.test_distributed_collectors import DEVICE
from tests.provider.test_lifecycle import _create, _props


def test_a_policy_goes_only_after_the_devices_that_name_it(fresh, target, make_provider) -> None:
    _, policy_model, _ = CASES["logCollectionPolicies"]
    policies, _, policy = _create(make_provider, "logCollectionPolicies", policy_model, target)
    _create(make_provider, "deviceGroups", {"name": "dg-fw", "description": ""}, target)
    _, device_model, _ = CASES["devices"]
    devices = make_provider(PROVIDERS["Device"])
    inputs = devices.check({}, _props(device_model, target, {"logpolicy[]": {"lcp-fw": policy.id}})).inputs
    device = devices.create(inputs)
    stored = [d for d in fresh.objects(target["pool"], target["node"], "Devices") if d["name"] == "fw1"]
    assert [d["log_policies"] for d in stored] == [[policy.id]]

    # Out of order (what Pulumi avoids: the device depends on the policy), the delete is refused, in one line.
    with pytest.raises(DirectorError, match="in use by Devices 'fw1'") as refused:
        policies.delete(policy.id, policy.outs)
    assert "\n" not in str(refused.value)
    assert [p["name"] for p in fresh.objects(target["pool"], target["node"], "LogCollectionPolicies")] == ["lcp-fw"]

    devices.delete(device.id, device.outs)
    policies.delete(policy.id, policy.outs)
    assert fresh.objects(target["pool"], target["node"], "LogCollectionPolicies") == []


def test_a_policy_collector_lives_in_the_policy_and_never_meets_a_device_collector(
    fresh, target, make_provider
) -> None:
    # A device and a policy with the same name each hold a collector: two objects of two types (§7.8, §7.15).
    _, _, policy = _create(make_provider, "logCollectionPolicies", {"name": "fw1", "description": ""}, target)
    _create(make_provider, "devices", CASES["syslogCollectors"][0][0][1], target)
    device_collectors, _, on_device = _create(make_provider, "syslogCollectors", CASES["syslogCollectors"][1], target)
    collectors = make_provider(PROVIDERS["PolicySyslogCollector"])
    model = {**CASES["policySyslogCollectors"][1], "policy": "fw1"}
    inputs = collectors.check({}, _props(model, target, {"policy": {"fw1": policy.id}})).inputs
    on_policy = collectors.create(inputs)
    assert on_policy.id != on_device.id and on_policy.outs["policy"] == "fw1"
    (stored,) = [p for p in fresh.objects(target["pool"], target["node"], "LogCollectionPolicies")]
    assert [(a["uuid"], a["policy_id"], a["charset"]) for a in stored["col_apps"]] == [
        (on_policy.id, policy.id, "utf_8")
    ]
    assert collectors.diff(on_policy.id, collectors.read(on_policy.id, on_policy.outs).outs, inputs).changes is False
    assert device_collectors.read(on_device.id, on_device.outs).outs["device"] == "fw1"

    # The holder is fixed at creation: another policy replaces the collector.
    assert collectors.diff(on_policy.id, on_policy.outs, {**inputs, "policy": "lcp-other"}).replaces == ["policy"]
    collectors.delete(on_policy.id, on_policy.outs)
    (stored,) = [p for p in fresh.objects(target["pool"], target["node"], "LogCollectionPolicies")]
    assert stored["col_apps"] == []
    assert device_collectors.read(on_device.id, on_device.outs).id == on_device.id


def test_a_device_that_names_no_policy_keeps_the_one_the_node_gave_it(fresh, target, make_provider) -> None:
    # Unset in YAML, set on the node (console, another tool): not this stack's field, so no diff on every run.
    _, _, policy = _create(make_provider, "logCollectionPolicies", {"name": "lcp-fw", "description": ""}, target)
    devices = make_provider(PROVIDERS["Device"])
    model = DEVICE  # fw9, no policy
    inputs = devices.check({}, {**model, "target": target}).inputs
    device = devices.create(inputs)
    fresh.oob_update(target["pool"], target["node"], "Devices", device.id, {"logpolicy": [policy.id]})
    runtime.reset()  # a refresh is a new provider process
    read = devices.read(device.id, device.outs)
    assert devices.diff(device.id, read.outs, inputs).changes is False
    # Another change still goes through, and the complete PUT keeps the node's policy.
    devices.update(device.id, read.outs, {**inputs, "ip": ["10.0.9.2"]})
    (stored,) = [d for d in fresh.objects(target["pool"], target["node"], "Devices") if d["name"] == "fw9"]
    assert stored["log_policies"] == [policy.id]

    # Named in YAML, the field is owned: a console change is drift, and `logpolicy: []` detaches it.
    detach = devices.check({}, {**model, "logpolicy": [], "target": target}).inputs
    runtime.reset()
    read = devices.read(device.id, device.outs)
    assert devices.diff(device.id, read.outs, detach).changes is True
    devices.update(device.id, read.outs, detach)
    (stored,) = [d for d in fresh.objects(target["pool"], target["node"], "Devices") if d["name"] == "fw9"]
    assert stored["log_policies"] == []
