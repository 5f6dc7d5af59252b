"""Alert-rule notifications (docs/director-api.md §7.18): ``POST AlertRules/{id}/<Type>Notification``.

Six actions on an alert rule. Nothing reads them back (no GET), so the emulator keeps the last settings of
each channel under the rule's ``notifications`` (secrets masked), shown by the admin endpoint only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cac_director.emulator.kinds.common import Action
from cac_director.emulator.validation import Invalid, need_enum, need_int, need_str, str_list

REQUIRED_WHEN_ON: dict[str, tuple[str, ...]] = {
    "email": ("email_emails",),
    "http": ("http_url", "http_request_type", "http_querystring"),
    "sms": ("sms_server", "sms_port", "sms_sender", "sms_username", "sms_password", "sms_receivers"),
    "snmp": ("snmp_ip", "snmp_port", "snmp_version"),
    "ssh": ("ssh_server", "ssh_port", "ssh_username", "ssh_command", "ssh_auth_type"),
    "syslog": ("server", "port", "protocol", "severity"),
}
"""The connection fields each channel needs when ``notify_<type>`` is on (§7.18)."""
SEGMENTS = {"email": "EmailNotification", "http": "HTTPNotification", "sms": "SMSNotification",
            "snmp": "SNMPNotification", "ssh": "SSHNotification", "syslog": "SyslogNotification"}  # fmt: skip
INTS = ("sms_port", "snmp_port", "ssh_port", "port", "severity")
LISTS = ("email_emails", "sms_receivers")
SECRETS = ("sms_password", "ssh_auth_password", "snmp_authorization_key", "snmp_private_key", "http_header")
"""Write-only values (``http_header`` carries ``auth_pass``/``auth_value``); masked before an order is stored."""
PERIODS = ("minute", "hour", "day")


def _threshold(data: dict[str, Any], channel: str) -> None:
    # Syslog's pair is unprefixed and its value may be 0 (§7.18).
    prefix, minimum = ("", 0) if channel == "syslog" else (f"{channel}_", 1)
    option, value = f"{prefix}threshold_option", f"{prefix}threshold_value"
    if (option in data) != (value in data):
        raise Invalid(f"'{option}' and '{value}' go together")
    need_enum(data, option, PERIODS, required=False)
    need_int(data, value, minimum=minimum, required=False)


def _validator(channel: str) -> Callable[[dict[str, Any]], None]:
    def validate(data: dict[str, Any]) -> None:
        switch = f"notify_{channel}"
        if need_enum(data, switch, ("on", "off")) == "off":
            return
        for key in REQUIRED_WHEN_ON[channel]:
            if key in INTS:
                need_int(data, key, minimum=0)
            elif key in LISTS:
                str_list(data, key, required=True, non_empty=True)
            else:
                need_str(data, key)
        need_enum(data, "dispatch_option", ("auto", "manual"), required=False)
        if channel == "syslog" and not 0 <= data["severity"] <= 7:
            raise Invalid("'severity' must be 0-7")
        _threshold(data, channel)

    return validate


def _store(channel: str) -> Callable[[dict[str, Any], dict[str, Any]], None]:
    def apply(rule: dict[str, Any], data: dict[str, Any]) -> None:
        # "off" disables the channel, the only way to remove one (§7.18).
        rule.setdefault("notifications", {})[channel] = dict(data)

    return apply


ACTIONS: dict[str, Action] = {segment: Action(_store(ch), _validator(ch)) for ch, segment in SEGMENTS.items()}
