"""Per-resource-type conventions: the one place where facts about a Director resource type live.

``REGISTRY`` lists the managed types in dependency order (a type only references types before it),
which is also the order the program registers resources and the export writes sections.
"""

from __future__ import annotations

from cac_director.conventions._base import (
    Example,
    Lookup,
    NodeRole,
    Reference,
    ResourceConventions,
    SecretInput,
    WireRef,
)
from cac_director.conventions._listing import (
    LISTED,
    DeviceApps,
    Fetched,
    Listed,
    Listing,
    NodeReads,
    Singleton,
    object_id,
)
from cac_director.conventions._rules import Finding, Rule
from cac_director.conventions.alert_rules import ALERT_RULES
from cac_director.conventions.device_groups import DEVICE_GROUPS
from cac_director.conventions.devices import DEVICES
from cac_director.conventions.enrichment_policies import ENRICHMENT_POLICIES
from cac_director.conventions.lists import DYNAMIC_LISTS, STATIC_LISTS
from cac_director.conventions.log_collection_policies import LOG_COLLECTION_POLICIES
from cac_director.conventions.lookups import CHECKED_VALUES, LOOKUPS
from cac_director.conventions.normalization_policies import NORMALIZATION_POLICIES
from cac_director.conventions.permission_groups import PERMISSION_GROUPS
from cac_director.conventions.policy_syslog_collectors import POLICY_SYSLOG_COLLECTORS
from cac_director.conventions.processing_policies import PROCESSING_POLICIES
from cac_director.conventions.repos import REPOS
from cac_director.conventions.routing_policies import ROUTING_POLICIES
from cac_director.conventions.syslog_collectors import SYSLOG_COLLECTORS
from cac_director.conventions.system_settings import SYSTEM_SETTINGS
from cac_director.conventions.user_groups import USER_GROUPS
from cac_director.conventions.users import USERS

REGISTRY: tuple[ResourceConventions, ...] = (
    REPOS,
    ROUTING_POLICIES,
    NORMALIZATION_POLICIES,
    ENRICHMENT_POLICIES,
    PROCESSING_POLICIES,
    DEVICE_GROUPS,
    LOG_COLLECTION_POLICIES,
    DEVICES,
    SYSLOG_COLLECTORS,
    ALERT_RULES,
    SYSTEM_SETTINGS,
    PERMISSION_GROUPS,
    USER_GROUPS,
    STATIC_LISTS,
    DYNAMIC_LISTS,
    USERS,
    POLICY_SYSLOG_COLLECTORS,
)

_BY_SECTION = {conv.yaml_section: conv for conv in REGISTRY}
_BY_API = {conv.api_resource: conv for conv in REGISTRY}
_BY_TYPE = {conv.type_name: conv for conv in REGISTRY}


def by_section(section: str) -> ResourceConventions:
    """Conventions of the YAML section ``section`` (KeyError if unknown)."""
    return _BY_SECTION[section]


def by_api_resource(api_resource: str) -> ResourceConventions:
    """Conventions of the Director path segment ``api_resource`` (KeyError if unknown)."""
    return _BY_API[api_resource]


def by_type_name(type_name: str) -> ResourceConventions:
    """Conventions of the Pulumi type name ``type_name`` (KeyError if unknown)."""
    return _BY_TYPE[type_name]


SECTIONS: tuple[str, ...] = tuple(conv.yaml_section for conv in REGISTRY)

__all__ = [
    "CHECKED_VALUES",
    "LISTED",
    "LOOKUPS",
    "REGISTRY",
    "SECTIONS",
    "DeviceApps",
    "Example",
    "Fetched",
    "Finding",
    "Listed",
    "Listing",
    "Lookup",
    "NodeReads",
    "NodeRole",
    "Reference",
    "ResourceConventions",
    "Rule",
    "SecretInput",
    "Singleton",
    "WireRef",
    "by_api_resource",
    "by_section",
    "by_type_name",
    "object_id",
]
