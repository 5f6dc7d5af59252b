"""DeviceGroups (docs/director-api.md §7.6).

Membership is declared on the devices (``devices[].devicegroup``), never on the group: declaring it on
both sides would make a cycle, and the Director's own ``devices`` list on the group is treated as
server-owned (the reference notes it may not follow device edits reliably).
"""

from __future__ import annotations

from cac_director.conventions._base import Example, ResourceConventions
from cac_director.conventions._model import Name, StrictModel


class DeviceGroup(StrictModel):
    name: Name | None = None
    description: str = ""


DEVICE_GROUPS = ResourceConventions(
    type_name="DeviceGroup",
    model=DeviceGroup,
    docs=__doc__ or "",
    yaml_section="deviceGroups",
    api_resource="DeviceGroups",
    name_key="name",
    writable_fields=("name", "description"),
    # The docs mark description mandatory; the model defaults it to "" so users need not write it.
    required_fields=("name", "description"),
    immutable_fields=("name",),
    computed_fields=frozenset({"id", "tid", "active", "user", "devices"}),
    # Not owned, but sent back on every PUT: under replace semantics an edit without it empties the group.
    kept_on_edit=("devices",),
    defaults={"description": ""},
    example=Example(
        model={"name": "dg-fw", "description": "firewalls"},
        updated={"name": "dg-fw", "description": "perimeter"},
    ),
)
