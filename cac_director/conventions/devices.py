"""Devices (docs/director-api.md §7.7): groups by id; CIA levels flat on write, nested in ``risk_values`` on read."""

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
    ),
    writable_fields=(
        "name",
        "ip",
        "availability",
        "confidentiality",
        "integrity",
        "devicegroup",
        "logpolicy",
        "timezone",
    ),
    required_fields=("name", "ip", "availability", "confidentiality", "integrity"),
    immutable_fields=("name",),
    # risk_values{availability,confidentiality,integrity} is flattened back by the client's read mapping.
    read_renames={"device_groups": "devicegroup", "log_policies": "logpolicy"},
    read_flatten=("risk_values",),
    quiet_when_empty=("logpolicy",),
    # A device created without a timezone reads back as UTC (the Director's default).
    defaults={"timezone": "UTC"},
    # Sent back on every PUT (§7.7, §7.19): distributed_collector is not owned (set in the console or by other
    # tools); logpolicy is copied only when a body leaves it out (owned otherwise, like devicegroup).
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
            "distributed_collector",
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
        },
        updated={
            "name": "fw1",
            "ip": ["10.0.0.2", "10.0.0.1"],
            "availability": "Major",
            "confidentiality": "Major",
            "integrity": "Critical",
            "devicegroup": ["dg-fw"],
            "logpolicy": [],
        },
        prerequisites=(
            ("deviceGroups", {"name": "dg-fw", "description": ""}),
            ("logCollectionPolicies", {"name": "lcp-fw"}),
        ),
    ),
)
