"""SyslogCollector (docs/director-api.md §7.8): no list; instances are found in the device's ``col_apps``.

One collector per device, so the device name is the name key in YAML; on the wire the device is sent
as ``device_id`` at create time only. A collector may belong to a log collection policy instead
(``policy_id``, §7.15): that one is declared in ``policySyslogCollectors``, keyed by the policy's name
(docs/resources/policySyslogCollectors.md). An entry here names its device and never a policy.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Literal

from pydantic import Field, model_validator

from cac_director.constants import NONE
from cac_director.conventions._base import Example, Reference, ResourceConventions
from cac_director.conventions._listing import DeviceApps
from cac_director.conventions._model import NonEmpty, RefName, StrictModel
from cac_director.conventions._rules import Finding, forbid, require
from cac_director.conventions._values import IPAddress

ProxyCondition = Literal["use_as_proxy", "uses_proxy", "None"]
Parser = Literal[
    "SyslogParser", "LineParser", "MultiLineSyslogParser", "ProofPointEmailProtectionLogParser", "EmailParser"
]
PROCESSPOLICY_DOC = 'Processing policy name, or "None".'
PROXY_IP_DOC = "IPs of the proxy servers."
COLLECTOR_FIELDS = ("proxy_condition", "charset", "parser", "processpolicy", "proxy_ip", "hostname")
"""The collector's own write fields, the same whatever holds it (§7.8)."""
POLICY_HOLDER = (
    "a collector belongs to its device or to a log collection policy, never both; declare a policy's "
    "collector in policySyslogCollectors as `policy: <policy name>`"
)


def refuse_holder(data: Any, keys: tuple[str, ...], why: str) -> Any:
    """``data`` unless it names the other kind of holder: one clear error instead of an unknown-field one."""
    if isinstance(data, dict):
        named = [key for key in keys if key in data]
        if named:
            raise ValueError(f"{named[0]!r} is not allowed here: {why}")
    return data


class SyslogCollector(StrictModel):
    device: RefName | None = Field(default=None, description="Device name (one collector per device).")
    proxy_condition: ProxyCondition | None = None
    charset: NonEmpty | None = None
    parser: Parser | None = None
    processpolicy: RefName | None = Field(default=None, description=PROCESSPOLICY_DOC)
    proxy_ip: list[IPAddress] | None = Field(default=None, description=PROXY_IP_DOC)
    hostname: list[NonEmpty] | None = None

    @model_validator(mode="before")
    @classmethod
    def _belongs_to_a_device(cls, data: Any) -> Any:
        return refuse_holder(data, ("policy", "policy_id"), POLICY_HOLDER)


def proxy_mode_fields(collector: Mapping[str, Any]) -> Iterator[Finding]:
    # Operator rules for proxy modes (docs/director-api.md §7.8).
    mode = collector.get("proxy_condition")
    if mode == "use_as_proxy":
        for field in ("charset", "parser"):
            yield from require(collector, field, "when proxy_condition is use_as_proxy")
        for field in ("proxy_ip", "hostname", "processpolicy"):
            yield from forbid(collector, field, "when proxy_condition is use_as_proxy")
    elif mode == "uses_proxy":
        for field in ("proxy_ip", "hostname", "processpolicy"):
            yield from require(collector, field, "when proxy_condition is uses_proxy")
    elif mode == NONE:
        for field in ("charset", "parser", "processpolicy"):
            yield from require(collector, field, "when proxy_condition is None")
        for field in ("proxy_ip", "hostname"):
            yield from forbid(collector, field, "when proxy_condition is None")


PROCESSPOLICY_REFERENCE = Reference("processpolicy", "processingPolicies", wire="id", none_sentinel=True)
COLLECTOR_COMPUTED = frozenset({"uuid", "sid", "app", "id"})
"""What the Director adds to a collector, whichever object holds it (§7.8)."""


SYSLOG_COLLECTORS = ResourceConventions(
    type_name="SyslogCollector",
    model=SyslogCollector,
    docs=__doc__ or "",
    rules=(proxy_mode_fields,),
    yaml_section="syslogCollectors",
    api_resource="SyslogCollector",
    name_key="device",
    name_hint="a syslogCollectors entry is keyed by its device; a log collection policy's collector goes in "
    "policySyslogCollectors, keyed by policy",
    references=(
        Reference("device", "devices", wire="id"),
        PROCESSPOLICY_REFERENCE,
    ),
    writable_fields=("device", *COLLECTOR_FIELDS),
    required_fields=("device", "proxy_condition"),
    immutable_fields=("device",),
    # device_id is the client's own addition to read objects found in a device's col_apps.
    read_renames={"device_id": "device"},
    computed_fields=COLLECTOR_COMPUTED,
    ordered_lists=(),
    create_only_fields=("device_id",),
    wire_keys={"device": "device_id"},
    listing_hook=DeviceApps(app="SyslogCollector"),
    example=Example(
        model={
            "device": "fw1",
            "proxy_condition": "None",
            "charset": "utf_8",
            "parser": "SyslogParser",
            "processpolicy": "default",
        },
        updated={
            "device": "fw1",
            "proxy_condition": "None",
            "charset": "ascii",
            "parser": "LineParser",
            "processpolicy": "_logpoint",
        },
        prerequisites=(
            (
                "devices",
                {
                    "name": "fw1",
                    "ip": ["10.0.0.1"],
                    "availability": "Minor",
                    "confidentiality": "Minor",
                    "integrity": "Minor",
                },
            ),
        ),
    ),
)
