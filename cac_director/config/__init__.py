"""The YAML model of cac-director: load, resolve and validate an instance into desired state per node.

``load_instance`` is the one entry point most callers need; ``check_instance`` returns issues
instead of raising (the CLI uses it). Pure except for reading files; no network.
"""

from __future__ import annotations

from cac_director.config.fleet import FleetInfo, FleetNodeInfo, load_fleet
from cac_director.config.instance import NodeDesired, ResolvedInstance, check_instance, load_instance
from cac_director.config.issues import Issue, Mark

__all__ = [
    "FleetInfo",
    "FleetNodeInfo",
    "Issue",
    "Mark",
    "NodeDesired",
    "ResolvedInstance",
    "check_instance",
    "load_fleet",
    "load_instance",
]
