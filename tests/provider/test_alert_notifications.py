"""Alert-rule notifications (docs/director-api.md §7.18): sent after the rule, diffed against what was last sent."""

from __future__ import annotations

import copy

import pytest

from cac_director.conventions.alert_rules import notification_writes
from cac_director.director import runtime
from cac_director.errors import CacDirectorError
from cac_director.pulumi_provider.providers import PROVIDERS
from tests.contract.test_round_trips import CASES
from tests.provider.test_lifecycle import _props

EMAIL = {"email_emails": ["soc@bank.example"], "subject": "Brute force", "email_threshold_option": "hour",
         "email_threshold_value": 1}  # fmt: skip
SYSLOG = {"server": "10.9.0.5", "port": 514, "protocol": "UDP", "severity": 4, "split_rows": True}
HTTP = {
    "http_url": "https://soar.example/hook",
    "http_request_type": "POST",
    "http_querystring": "source=logpoint",
    "http_body": "{}",
}


def _rule(notifications: dict | None) -> dict:
    model = copy.deepcopy(CASES["alertRules"][1])
    if notifications is not None:
        model["notifications"] = notifications
    return model


def _sent(fresh, target) -> dict:
    (rule,) = fresh.objects(target["pool"], target["node"], "AlertRules")
    return rule.get("notifications", {})


def _notification_posts(fresh) -> list[str]:
    return sorted(call for call in fresh.request_counts() if call.startswith("POST") and "Notification" in call)


def test_channels_are_sent_after_the_rule_and_diffed_against_what_was_sent(fresh, target, make_provider) -> None:
    rules = make_provider(PROVIDERS["AlertRule"])
    inputs = rules.check({}, _props(_rule({"email": EMAIL, "syslog": SYSLOG}), target)).inputs
    created = rules.create(inputs)
    sent = _sent(fresh, target)
    assert sent["email"] == {"notify_email": "on", **EMAIL}
    assert sent["syslog"] == {"notify_syslog": "on", **SYSLOG, "split_rows": "true"}  # a string flag on the wire
    assert "http" not in sent
    assert created.outs["notifications"] == {"email": EMAIL, "syslog": SYSLOG}

    # Nothing reads them back: a refresh keeps what was sent, and a console change is not seen.
    runtime.reset()
    read = rules.read(created.id, created.outs)
    assert read.outs["notifications"] == created.outs["notifications"]
    assert rules.diff(created.id, read.outs, inputs).changes is False

    # One channel changed, one added, one removed: only those are posted, the removed one as "off".
    fresh.reset_request_log()
    changed = rules.check({}, _props(_rule({"email": {**EMAIL, "subject": "Brute!"}, "http": HTTP}), target)).inputs
    assert rules.diff(created.id, read.outs, changed).changes is True
    updated = rules.update(created.id, read.outs, changed)
    sent = _sent(fresh, target)
    assert sent["email"]["subject"] == "Brute!" and sent["http"]["notify_http"] == "on"
    assert sent["syslog"] == {"notify_syslog": "off"}
    assert len(_notification_posts(fresh)) == 3
    assert updated.outs["notifications"] == {"email": {**EMAIL, "subject": "Brute!"}, "http": HTTP}

    # Nothing changed in notifications: an update of the rule sends none.
    fresh.reset_request_log()
    other = {**changed, "risk": "low"}
    rules.update(created.id, updated.outs, other)
    assert _notification_posts(fresh) == []

    # No notifications left in the configuration: every channel sent so far is turned off.
    bare = rules.check({}, _props(_rule(None), target)).inputs
    done = rules.update(created.id, updated.outs, bare)
    assert _sent(fresh, target)["email"] == {"notify_email": "off"} and _sent(fresh, target)["http"] == {
        "notify_http": "off"
    }
    assert "notifications" not in done.outs


def test_a_refused_notification_leaves_no_rule_behind(fresh, target, make_provider) -> None:
    rules = make_provider(PROVIDERS["AlertRule"])
    # The model's bounds stop this at validation; a provider that is handed it must still not half-create.
    bad = {**SYSLOG, "severity": 9}
    inputs = _props(_rule({"syslog": bad}), target)
    with pytest.raises(CacDirectorError, match="severity") as refused:
        rules.create(inputs)
    assert "\n" not in str(refused.value)
    assert fresh.objects(target["pool"], target["node"], "AlertRules") == []


def test_numbers_recorded_as_floats_are_no_change() -> None:
    # Pulumi state is JSON: a port recorded as 514 may come back as 514.0.
    desired = {"notifications": {"syslog": SYSLOG}}
    recorded = {"notifications": {"syslog": {**SYSLOG, "port": 514.0, "severity": 4.0}}}
    assert notification_writes(desired, recorded) == []
    assert notification_writes(desired, {}) == [
        ("SyslogNotification", {"notify_syslog": "on", **SYSLOG, "split_rows": "true"})
    ]
