"""The pydantic model of every resource section, derived from ``conventions.REGISTRY``.

Each model lives in its type's file (``cac_director/conventions/<type>.py``), next to the type's wire
conventions and defaults; this module only collects them (and re-exports the classes for existing imports).
"""

from __future__ import annotations

from cac_director.conventions import REGISTRY, ResourceConventions
from cac_director.conventions._model import StrictModel
from cac_director.conventions.alert_rules import AlertMetadata, AlertRule
from cac_director.conventions.device_groups import DeviceGroup
from cac_director.conventions.devices import CiaLevel, Device
from cac_director.conventions.enrichment_policies import (
    EnrichmentCriterion,
    EnrichmentPolicy,
    EnrichmentRule,
    EnrichmentSpecification,
)
from cac_director.conventions.normalization_policies import NormalizationPolicy
from cac_director.conventions.processing_policies import ProcessingPolicy
from cac_director.conventions.repos import Repo, RepoHA, RepoPath
from cac_director.conventions.routing_policies import RoutingCriterion, RoutingPolicy
from cac_director.conventions.syslog_collectors import SyslogCollector


def _model(conv: ResourceConventions) -> type[StrictModel]:
    if conv.model is None:
        raise TypeError(f"conventions of {conv.type_name} declare no model (set model= in its type file)")
    return conv.model


SECTION_MODELS: dict[str, type[StrictModel]] = {conv.yaml_section: _model(conv) for conv in REGISTRY}
"""Section -> model, in REGISTRY order."""

SECTION_DEFAULTS: dict[str, dict[str, object]] = {conv.yaml_section: dict(conv.defaults) for conv in REGISTRY}
"""Section -> top-level defaults: a view of ``conventions.defaults`` (the one declaration), for existing imports."""

__all__ = [
    "SECTION_DEFAULTS",
    "SECTION_MODELS",
    "AlertMetadata",
    "AlertRule",
    "CiaLevel",
    "Device",
    "DeviceGroup",
    "EnrichmentCriterion",
    "EnrichmentPolicy",
    "EnrichmentRule",
    "EnrichmentSpecification",
    "NormalizationPolicy",
    "ProcessingPolicy",
    "Repo",
    "RepoHA",
    "RepoPath",
    "RoutingCriterion",
    "RoutingPolicy",
    "SyslogCollector",
]
