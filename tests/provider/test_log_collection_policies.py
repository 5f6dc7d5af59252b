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
