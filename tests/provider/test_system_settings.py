"""SystemSettingsGeneral through the provider: managed fields only, taken over without adoptExisting, never deleted."""

from __future__ import annotations

from typing import Any

import pytest

from cac_director.director import runtime
from cac_director.errors import DirectorError
from cac_director.pulumi_provider.providers import PROVIDERS

PATH = "SystemSettingsGeneral"


def _stored(fresh: Any, target: dict[str, str]) -> dict[str, Any]:
    [settings] = fresh.objects(target["pool"], target["node"], PATH)
    return dict(settings)


def _inputs(provider: Any, model: dict[str, Any], target: dict[str, str]) -> dict[str, Any]:
    checked = provider.check({}, {**model, "target": target})
    assert checked.failures == []
    return dict(checked.inputs)


def test_managed_fields_only_from_take_over_to_destroy(fresh, target, make_provider) -> None:
    provider = make_provider(PROVIDERS["SystemSettingsGeneral"])
    before = _stored(fresh, target)
    inputs = _inputs(provider, {"settings": "general", "timestamp_on": "log_ts", "timezone": "Europe/Paris"}, target)

    # No adopt key: the node's one settings object is taken over, not created.
    created = provider.create(inputs)
    assert created.id == before["id"]
    assert {k: v for k, v in created.outs.items() if k != "target"} == {
        "settings": "general",
        "timestamp_on": "log_ts",
        "timezone": "Europe/Paris",
    }
    stored = _stored(fresh, target)
    assert stored["timestamp_on"] == "log_ts" and stored["timezone"] == "Europe/Paris"
    assert {k: stored[k] for k in ("timeout", "ip_dns", "name", "tab_title")} == {
        k: before[k] for k in ("timeout", "ip_dns", "name", "tab_title")
    }

    # Drift of an unmanaged field is not this stack's business; drift of a managed one is seen and repaired.
    fresh.oob_update(target["pool"], target["node"], PATH, created.id, {"timeout": 5, "timezone": "UTC"})
    runtime.reset()
    read = provider.read(created.id, created.outs)
    assert "timeout" not in read.outs and read.outs["timezone"] == "UTC"
    assert provider.diff(created.id, read.outs, inputs).changes is True
    repaired = provider.update(created.id, read.outs, inputs)
    assert provider.diff(created.id, repaired.outs, inputs).changes is False
    assert _stored(fresh, target)["timezone"] == "Europe/Paris" and _stored(fresh, target)["timeout"] == 5

    # A field removed from the configuration is no longer managed: it keeps its value, and the plan settles.
    fewer = _inputs(provider, {"settings": "general", "timestamp_on": "log_ts"}, target)
    assert provider.diff(created.id, repaired.outs, fewer).changes is True
    after = provider.update(created.id, repaired.outs, fewer)
    assert "timezone" not in after.outs
    assert provider.diff(created.id, after.outs, fewer).changes is False
    assert _stored(fresh, target)["timezone"] == "Europe/Paris"

    # Destroy leaves the node as it is: nothing deleted, nothing restored.
    provider.delete(created.id, after.outs)
    left = _stored(fresh, target)
    assert left["id"] == created.id and left["timestamp_on"] == "log_ts" and left["timezone"] == "Europe/Paris"


def test_an_unknown_timezone_fails_in_one_line_naming_the_object(fresh, target, make_provider) -> None:
    provider = make_provider(PROVIDERS["SystemSettingsGeneral"])
    inputs = _inputs(provider, {"settings": "general", "timezone": "Mars/Olympus"}, target)
    with pytest.raises(DirectorError) as refused:
        provider.create(inputs)
    message = str(refused.value)
    assert "SystemSettingsGeneral 'general' on node dn-01" in message and "timezone" in message
    assert "\n" not in message
    assert _stored(fresh, target)["timezone"] == "UTC"
