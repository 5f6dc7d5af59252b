"""The Director resource types the emulator serves, one module per type (docs/emulator.md "Layout").

Adding a type: write ``kinds/<type>.py`` with a module-level ``KIND`` and list the module in ``MODULES``.
"""

from __future__ import annotations

from types import ModuleType

from cac_director.emulator.kinds import (
    alert_rules,
    device_groups,
    devices,
    distributed_collectors,
    enrichment_policies,
    enrichment_sources,
    incident_user_groups,
    lists,
    log_collection_policies,
    normalization_packages,
    normalization_policies,
    permission_groups,
    processing_policies,
    repos,
    routing_policies,
    system_settings_general,
    user_groups,
    users,
)
from cac_director.emulator.kinds.common import Kind

MODULES: tuple[ModuleType, ...] = (
    repos,
    routing_policies,
    normalization_packages,
    normalization_policies,
    enrichment_sources,
    enrichment_policies,
    processing_policies,
    device_groups,
    log_collection_policies,
    distributed_collectors,
    devices,
    alert_rules,
    permission_groups,
    user_groups,
    users,
    incident_user_groups,
    lists,
    system_settings_general,
)
"""Every module holding a ``KIND``, in seeding order (a seed may name the ids of an earlier kind's)."""

KINDS: dict[str, Kind] = {module.KIND.path: module.KIND for module in MODULES}
WRITABLE: tuple[str, ...] = tuple(path for path, kind in KINDS.items() if kind.writable)
LISTABLE: tuple[str, ...] = tuple(path for path, kind in KINDS.items() if kind.listable)

__all__ = ["KINDS", "LISTABLE", "MODULES", "WRITABLE", "Kind"]
