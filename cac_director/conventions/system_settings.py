"""SystemSettingsGeneral (docs/director-api.md §7.16): the general settings of a node, one object per node.

There is no Create and no Trash: the List returns the node's one settings object and a Save (a POST to the
collection path, not a PUT) updates it. In YAML the section holds at most one entry, named
``settings: general``; it goes to every targeted node (data nodes, search heads and AIOs).

Managed fields only: the configuration sets the fields it cares about (e.g. ``timestamp_on``, ``timezone``,
``timeout``, ``tab_title``) and the tool owns exactly those. Every Save carries all mandatory fields, so the
others are sent back with the values the node holds (read-modify-write; the read's ``ip_dns`` is written back
as ``li_ip``). A field removed from the configuration stops being managed and keeps its current value.
The node's identity (``name``, ``li_ip``, ``lp_mode``) is never managed: one entry goes to several nodes,
which must not all get one name or address, so those are always sent back as the node holds them.

Creating the resource takes over the node's settings (no ``adoptExisting`` needed: there is always exactly
one) and saves the managed fields. Destroying it, or removing it from the configuration, leaves the node's
settings as they are: nothing is deleted and nothing is restored (docs/director-api.md §7.16).

Alert rules with ``delay_interval_minute`` need ``timestamp_on: log_ts`` on their node (§7.9, §7.16):
validation refuses a delay when the settings say ``col_ts``, and warns when they do not manage ``timestamp_on``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from cac_director.conventions._base import Example, ResourceConventions
from cac_director.conventions._listing import Singleton
from cac_director.conventions._model import NonEmpty, PositiveInt, StrictModel

SETTINGS_NAME = "general"
"""The one value of the name key: a node has one settings object."""
SAVE_FIELDS = (
    "default_auth", "default_ha_path", "enable_soar", "li_ip", "lp_mode", "name", "overscan_period",
    "share_usage_data", "tab_title", "timeout", "timestamp_on", "timezone",
)  # fmt: skip
"""The Save fields (§7.16); the mandatory ones must be in every Save, so all are sent."""
NODE_IDENTITY = ("li_ip", "lp_mode", "name")
"""Save fields that describe the node itself: sent back as they are, never managed."""


class SystemSettingsGeneral(StrictModel):
    settings: Literal["general"] | None = Field(
        default=None, description="Always `general`: names the node's one settings object."
    )
    default_auth: Literal["LogpointAuthentication", "LDAPAuthentication"] | None = Field(
        default=None, description="Default login method (a name from SystemSettingsGeneral/auth)."
    )
    default_ha_path: NonEmpty | None = Field(default=None, description="Default high-availability repo path.")
    enable_soar: bool | None = None
    overscan_period: Annotated[int, Field(ge=0)] | None = Field(default=None, description="Minutes.")
    share_usage_data: bool | None = None
    tab_title: str | None = Field(default=None, description="Browser tab title.")
    timeout: PositiveInt | None = Field(default=None, description="Session idle timeout in minutes.")
    timestamp_on: Literal["log_ts", "col_ts"] | None = Field(
        default=None, description="Index on the log's time (log_ts, needed by alert-rule delays) or collection time."
    )
    timezone: NonEmpty | None = Field(default=None, description="A name from the node's Timezone list.")


SYSTEM_SETTINGS = ResourceConventions(
    type_name="SystemSettingsGeneral",
    model=SystemSettingsGeneral,
    docs=__doc__ or "",
    yaml_section="systemSettings",
    api_resource="SystemSettingsGeneral",
    name_key="settings",
    node_role="all",
    writable_fields=("settings", *(field for field in SAVE_FIELDS if field not in NODE_IDENTITY)),
    required_fields=("settings",),
    read_renames={"ip_dns": "li_ip"},
    # The node's identity is read back, sent back, never managed (NODE_IDENTITY).
    computed_fields=frozenset(
        {"id", "auth_ldap", "auth_li", "buffering", "identifier", "is_msui", "sequence_number", "type"}
        | {"name", "lp_mode"}
    ),
    # The List example reads overscan_period back as 1.0 (§7.16).
    int_fields=("overscan_period", "timeout"),
    listing_hook=Singleton(name=SETTINGS_NAME, save_fields=SAVE_FIELDS),
    # A singleton is never created or deleted: its own round trip is tests/contract/test_system_settings.py.
    example=Example(
        model={"settings": "general", "timestamp_on": "log_ts"},
        updated={"settings": "general", "timestamp_on": "log_ts", "timeout": 45},
    ),
)
