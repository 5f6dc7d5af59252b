"""One Pulumi resource class per Director resource type (type token ``pulumi-python:dynamic/cacdirector:<Type>``).

Type tokens and these class names are part of Pulumi state and URNs: never rename them.
Every input key becomes an output attribute; the name key is what other resources reference.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import Resource

from cac_director.pulumi_provider import providers as p
from cac_director.pulumi_provider.base import DirectorProvider


class _DirectorResource(Resource, module="cacdirector", name="DirectorResource"):
    """Shared constructor; concrete classes name their provider (``Resource`` needs module/name on each)."""

    _provider_class: type[DirectorProvider]

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(self._provider_class(), name, props, opts)


class Repo(_DirectorResource, module="cacdirector", name="Repo"):
    _provider_class = p.RepoProvider


class RoutingPolicy(_DirectorResource, module="cacdirector", name="RoutingPolicy"):
    _provider_class = p.RoutingPolicyProvider


class NormalizationPolicy(_DirectorResource, module="cacdirector", name="NormalizationPolicy"):
    _provider_class = p.NormalizationPolicyProvider


class EnrichmentPolicy(_DirectorResource, module="cacdirector", name="EnrichmentPolicy"):
    _provider_class = p.EnrichmentPolicyProvider


class ProcessingPolicy(_DirectorResource, module="cacdirector", name="ProcessingPolicy"):
    _provider_class = p.ProcessingPolicyProvider


class DeviceGroup(_DirectorResource, module="cacdirector", name="DeviceGroup"):
    _provider_class = p.DeviceGroupProvider


class Device(_DirectorResource, module="cacdirector", name="Device"):
    _provider_class = p.DeviceProvider


class SyslogCollector(_DirectorResource, module="cacdirector", name="SyslogCollector"):
    _provider_class = p.SyslogCollectorProvider


class AlertRule(_DirectorResource, module="cacdirector", name="AlertRule"):
    _provider_class = p.AlertRuleProvider


RESOURCE_CLASSES: dict[str, type[_DirectorResource]] = {
    cls._provider_class.conventions.type_name: cls
    for cls in (
        Repo,
        RoutingPolicy,
        NormalizationPolicy,
        EnrichmentPolicy,
        ProcessingPolicy,
        DeviceGroup,
        Device,
        SyslogCollector,
        AlertRule,
    )
}
