"""SyslogCollector (docs/director-api.md §7.8): an instance in its device's (or policy's) ``col_apps``, by ``uuid``.

Not a ``Kind``: the API has no List/Get for collectors, and the instances live inside Devices and
LogCollectionPolicies reads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cac_director.emulator.ids import plugin_uuid
from cac_director.emulator.kinds.common import NONE
from cac_director.emulator.validation import Invalid, need_enum, need_str, opt_str, str_list

if TYPE_CHECKING:
    from cac_director.emulator.store import NodeState

PROXY_CONDITIONS = ("use_as_proxy", "uses_proxy", "None")
PARSERS = ("SyslogParser", "LineParser", "MultiLineSyslogParser", "ProofPointEmailProtectionLogParser", "EmailParser")
FIELDS = ("proxy_condition", "charset", "parser", "processpolicy", "proxy_ip", "hostname")
"""Write keys stored in the ``col_apps`` entry under the same name."""


def validate(data: dict[str, Any], create: bool) -> None:
    if create:
        device_id = opt_str(data, "device_id", allow_empty=False)
        policy_id = opt_str(data, "policy_id", allow_empty=False)
        if device_id is None and policy_id is None:
            raise Invalid("either 'device_id' or 'policy_id' is mandatory")
    condition = need_enum(data, "proxy_condition", PROXY_CONDITIONS)
    if condition in ("use_as_proxy", "None"):
        need_str(data, "charset")
        need_enum(data, "parser", PARSERS)
    else:
        opt_str(data, "charset")
        need_enum(data, "parser", PARSERS, required=False)
    if condition in ("uses_proxy", "None"):
        need_str(data, "processpolicy")
    else:
        opt_str(data, "processpolicy")
    if condition == "uses_proxy":
        str_list(data, "proxy_ip", required=True, non_empty=True)
        str_list(data, "hostname", required=True)
    else:
        for key in ("proxy_ip", "hostname"):
            if data.get(key):
                raise Invalid(f"'{key}' is only allowed with proxy_condition 'uses_proxy'")


def holder_of_new(node: NodeState, data: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
    """(resource, object or None) a create attaches to: its device, else its log collection policy (§7.15)."""
    if "device_id" in data:
        return "Devices", node.objects("Devices").get(data["device_id"])
    return "LogCollectionPolicies", node.objects("LogCollectionPolicies").get(data.get("policy_id", ""))


def check(node: NodeState, data: dict[str, Any], holder: dict[str, Any] | None) -> list[str]:
    """``holder``: the device or policy the instance is (or is to be) attached to; None when it does not exist."""
    errors: list[str] = []
    if holder is None and "device_id" in data:
        errors.append(f"device id '{data['device_id']}' does not exist on this LogPoint")
    elif holder is None and "policy_id" in data:
        errors.append(f"log collection policy id '{data['policy_id']}' does not exist on this LogPoint")
    charset = data.get("charset")
    if charset and charset not in node.charsets:
        errors.append(f"charset '{charset}' is not supported")
    pp = data.get("processpolicy")
    if pp and pp != NONE and pp not in node.objects("ProcessingPolicy"):
        errors.append(f"processing policy id '{pp}' does not exist on this LogPoint")
    return errors


def new_instance(resource: str, holder: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """The ``col_apps`` entry a create adds to its device or policy.

    A policy's entries carry ``policy_id`` and a sid naming the policy, like the documented FTPFetcher entry
    (§7.15); the exact syslog sid there is undocumented (the emulator's choice).
    """
    if resource == "Devices":
        app: dict[str, Any] = {
            "app": "SyslogCollector",
            "uuid": plugin_uuid(),
            "sid": f"syslog|device-{holder['name']}",
        }
    else:
        app = {"app": "SyslogCollector", "uuid": plugin_uuid(), "sid": f"syslog|{holder['name']}",
               "policy_id": holder["id"]}  # fmt: skip
    app.update({k: v for k, v in data.items() if k in FIELDS})
    app.setdefault("processpolicy", NONE)
    return app


def edit_instance(app: dict[str, Any], data: dict[str, Any], *, replace: bool) -> None:
    """Apply an edit to a ``col_apps`` entry in place (``replace``: unsent fields are reset)."""
    if replace:
        for key in FIELDS:
            app.pop(key, None)
    app.update({k: v for k, v in data.items() if k in FIELDS})
    app.setdefault("processpolicy", NONE)
    if data.get("proxy_condition") != "uses_proxy":
        app.pop("proxy_ip", None)
        app.pop("hostname", None)
