"""Devices (docs/director-api.md §7.7): groups by id; CIA levels flat on write, nested in ``risk_values`` on read.

A device may name the distributed collectors it is collected by (``distributed_collector``, §7.17). They are
not managed here (v2.7.0 has no Create for them: a LogPoint becomes one when it is made a collector and
connected), so they are read-only references resolved by name on the node, sent and read back as ids, and
checked on every node receiving the device before the plan. The field is owned only when set: a device
without it keeps (and does not diff) the collectors the node gave it; ``distributed_collector: []`` detaches
them all.

``logpolicy`` (log collection policy names) is owned the same way: a device that names none keeps, and never
diffs, the policies the node assigned it (every edit sends them back); ``logpolicy: []`` removes them. Dropping the
field from the YAML therefore leaves the node's policies as they are: write ``logpolicy: []`` to remove them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from cac_director.conventions._base import Example, Reference, ResourceConventions
from cac_director.conventions._model import Name, NonEmpty, RefName, StrictModel
from cac_director.conventions._values import DeviceAddress

CiaLevel = Literal["Minimal", "Minor", "Major", "Critical"]


class Device(StrictModel):
    name: Name | None = None
    ip: Annotated[list[DeviceAddress], Field(min_length=1)] | None = Field(
        default=None, description="IPs, CIDRs and/or hostnames."
    )
    availability: CiaLevel | None = None
    confidentiality: CiaLevel | None = None
    integrity: CiaLevel | None = None
    devicegroup: list[RefName] | None = Field(default=None, description="Device group names.")
    logpolicy: list[RefName] | None = Field(default=None, description="Log collection policy names.")
    distributed_collector: list[RefName] | None = Field(
        default=None, description="Names of distributed collectors the node already has (never created here)."
    )
    timezone: NonEmpty | None = None


DEVICES = ResourceConventions(
    type_name="Device",
    model=Device,
    docs=__doc__ or "",
    yaml_section="devices",
    api_resource="Devices",
    name_key="name",
    references=(
        Reference("devicegroup[]", "deviceGroups", wire="id", many=True),
        Reference("logpolicy[]", "logCollectionPolicies", wire="id", many=True),
        Reference("distributed_collector[]", "distributedCollectors", wire="id", many=True),
    ),
    writable_fields=(
        "name",
        "ip",
        "availability",
        "confidentiality",
        "integrity",
        "devicegroup",
        "logpolicy",
        "distributed_collector",
        "timezone",
    ),
    required_fields=("name", "ip", "availability", "confidentiality", "integrity"),
    immutable_fields=("name",),
    # risk_values{availability,confidentiality,integrity} is flattened back by the client's read mapping.
    read_renames={"device_groups": "devicegroup", "log_policies": "logpolicy"},
    read_flatten=("risk_values",),
    # Assigned or attached in the console or by other tools (state written before the fields were configurable has
    # none): no drift unless the configuration names them; ``logpolicy: []`` / ``distributed_collector: []``
    # detach them all.
    owned_when_set=("logpolicy", "distributed_collector"),
    # A device created without a timezone reads back as UTC (the Director's default).
    defaults={"timezone": "UTC"},
    # Sent back on every PUT (§7.7, §7.19) when a body leaves them out: a device whose configuration names no
    # log collection policy or distributed collector keeps the ones the node gave it (owned otherwise).
    kept_on_edit=("distributed_collector", "logpolicy"),
    computed_fields=frozenset(
        {
            "id",
            "active",
            "has_hostname",
            "type",
            "tid",
            "col_apps",
            "user",
            "risk_values",
        }
    ),
    example=Example(
        model={
            "name": "fw1",
            "ip": ["10.0.0.1"],
            "availability": "Minor",
            "confidentiality": "Major",
            "integrity": "Critical",
            "devicegroup": ["dg-fw"],
            "logpolicy": ["lcp-fw"],
            "distributed_collector": ["dc-hq-01"],
        },
        updated={
            "name": "fw1",
            "ip": ["10.0.0.2", "10.0.0.1"],
            "availability": "Major",
            "confidentiality": "Major",
            "integrity": "Critical",
            "devicegroup": ["dg-fw"],
            "logpolicy": [],
            "distributed_collector": [],
        },
        prerequisites=(
            ("deviceGroups", {"name": "dg-fw", "description": ""}),
            ("logCollectionPolicies", {"name": "lcp-fw"}),
        ),
    ),
)
