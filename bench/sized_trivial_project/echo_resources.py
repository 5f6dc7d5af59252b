"""Resource classes with the real type tokens (``pulumi-python:dynamic/cacdirector:<Type>``) over echo providers.

Same tokens, so the URNs, types and parents in the state have the real lengths; the class lives one frame
deep in a repository file like ``cac_director/pulumi_provider/resources.py``, so the recorded stack traces
and source positions have the real depth and about the real length.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import Resource

from sized_trivial_project import echo_provider as e


class _EchoResource(Resource, module="cacdirector", name="EchoResource"):
    _provider_class: type[e.EchoProvider]

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(self._provider_class(), name, props, opts)


class Repo(_EchoResource, module="cacdirector", name="Repo"):
    _provider_class = e.RepoProvider


class RoutingPolicy(_EchoResource, module="cacdirector", name="RoutingPolicy"):
    _provider_class = e.RoutingPolicyProvider


class NormalizationPolicy(_EchoResource, module="cacdirector", name="NormalizationPolicy"):
    _provider_class = e.NormalizationPolicyProvider


class EnrichmentPolicy(_EchoResource, module="cacdirector", name="EnrichmentPolicy"):
    _provider_class = e.EnrichmentPolicyProvider


class ProcessingPolicy(_EchoResource, module="cacdirector", name="ProcessingPolicy"):
    _provider_class = e.ProcessingPolicyProvider


class DeviceGroup(_EchoResource, module="cacdirector", name="DeviceGroup"):
    _provider_class = e.DeviceGroupProvider


class Device(_EchoResource, module="cacdirector", name="Device"):
    _provider_class = e.DeviceProvider


class SyslogCollector(_EchoResource, module="cacdirector", name="SyslogCollector"):
    _provider_class = e.SyslogCollectorProvider


class AlertRule(_EchoResource, module="cacdirector", name="AlertRule"):
    _provider_class = e.AlertRuleProvider


# Keyed like cac_director.pulumi_provider.resources.RESOURCE_CLASSES (the class names are the type names).
ECHO_CLASSES: dict[str, type[_EchoResource]] = {
    cls.__name__: cls
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
