"""PolicySyslogCollector (docs/director-api.md §7.8, §7.15): a syslog collector held by a log collection policy.

The Director creates a collector with either ``device_id`` or ``policy_id``; the holder is fixed at creation and
the instance then lives in its holder's ``col_apps``, one per holder. A collector on a device and one on a policy
are different objects, so each is its own type, keyed by its holder (as static and dynamic lists are): this
section by the policy's name (``policy``, sent as ``policy_id`` on create only), ``syslogCollectors`` by the
device's. Moving a collector from a device to a policy is a delete and a create. The devices that name the policy
in ``logpolicy`` collect with it. An entry names a policy and never a device; its fields and their rules are the
device collector's (``proxy_condition`` decides which are needed).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from cac_director.conventions._base import Example, Reference, ResourceConventions
from cac_director.conventions._listing import DeviceApps
from cac_director.conventions._model import NonEmpty, RefName, StrictModel
from cac_director.conventions._values import IPAddress
from cac_director.conventions.syslog_collectors import (
    COLLECTOR_COMPUTED,
    COLLECTOR_FIELDS,
    PROCESSPOLICY_DOC,
    PROCESSPOLICY_REFERENCE,
    PROXY_IP_DOC,
    Parser,
    ProxyCondition,
    proxy_mode_fields,
    refuse_holder,
)

DEVICE_HOLDER = (
    "a collector belongs to its device or to a log collection policy, never both; declare a device's "
    "collector in syslogCollectors as `device: <device name>`"
)


class PolicySyslogCollector(StrictModel):
    policy: RefName | None = Field(default=None, description="Log collection policy name (one collector per policy).")
    proxy_condition: ProxyCondition | None = None
    charset: NonEmpty | None = None
    parser: Parser | None = None
    processpolicy: RefName | None = Field(default=None, description=PROCESSPOLICY_DOC)
    proxy_ip: list[IPAddress] | None = Field(default=None, description=PROXY_IP_DOC)
    hostname: list[NonEmpty] | None = None

    @model_validator(mode="before")
    @classmethod
    def _belongs_to_a_policy(cls, data: Any) -> Any:
        return refuse_holder(data, ("device", "device_id"), DEVICE_HOLDER)


POLICY_SYSLOG_COLLECTORS = ResourceConventions(
    type_name="PolicySyslogCollector",
    model=PolicySyslogCollector,
    docs=__doc__ or "",
    yaml_section="policySyslogCollectors",
    api_resource="SyslogCollector",
    name_key="policy",
    name_hint="a policySyslogCollectors entry is keyed by its log collection policy; a device's collector goes "
    "in syslogCollectors, keyed by device",
    references=(
        Reference("policy", "logCollectionPolicies", wire="id"),
        PROCESSPOLICY_REFERENCE,
    ),
    writable_fields=("policy", *COLLECTOR_FIELDS),
    required_fields=("policy", "proxy_condition"),
    immutable_fields=("policy",),
    # policy_id is on every entry of a policy's col_apps (§7.15); the listing sets it too.
    read_renames={"policy_id": "policy"},
    computed_fields=COLLECTOR_COMPUTED,
    create_only_fields=("policy_id",),
    wire_keys={"policy": "policy_id"},
    listing_hook=DeviceApps(
        app="SyslogCollector",
        devices_path="LogCollectionPolicies",
        devices_section="logCollectionPolicies",
        holder_key="policy_id",
    ),
    rules=(proxy_mode_fields,),
    example=Example(
        model={
            "policy": "lcp-fw",
            "proxy_condition": "None",
            "charset": "utf_8",
            "parser": "SyslogParser",
            "processpolicy": "default",
        },
        updated={"policy": "lcp-fw", "proxy_condition": "use_as_proxy", "charset": "ascii", "parser": "LineParser"},
        prerequisites=(("logCollectionPolicies", {"name": "lcp-fw", "description": ""}),),
    ),
)
