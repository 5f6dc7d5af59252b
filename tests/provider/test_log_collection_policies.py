"""A log collection policy that a device still names is not deleted (docs/director-api.md §7.15, our choice)."""

from __future__ import annotations

import pytest

from cac_director.errors import DirectorError
from cac_director.pulumi_provider.providers import PROVIDERS
from tests.contract.test_round_trips import CASES
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
