"""One dynamic provider class per Director resource type.

Pulumi state records ``cac_director.pulumi_provider.providers.<Class>`` for every resource (providers
are pickled by reference): never rename or move these classes.
"""

from __future__ import annotations

from cac_director.conventions.alert_rules import ALERT_RULES
from cac_director.conventions.device_groups import DEVICE_GROUPS
from cac_director.conventions.devices import DEVICES
from cac_director.conventions.enrichment_policies import ENRICHMENT_POLICIES
from cac_director.conventions.normalization_policies import NORMALIZATION_POLICIES
from cac_director.conventions.processing_policies import PROCESSING_POLICIES
from cac_director.conventions.repos import REPOS
from cac_director.conventions.routing_policies import ROUTING_POLICIES
from cac_director.conventions.syslog_collectors import SYSLOG_COLLECTORS
from cac_director.pulumi_provider.base import DirectorProvider


class RepoProvider(DirectorProvider):
    conventions = REPOS


class RoutingPolicyProvider(DirectorProvider):
    conventions = ROUTING_POLICIES


class NormalizationPolicyProvider(DirectorProvider):
    conventions = NORMALIZATION_POLICIES


class EnrichmentPolicyProvider(DirectorProvider):
    conventions = ENRICHMENT_POLICIES


class ProcessingPolicyProvider(DirectorProvider):
    conventions = PROCESSING_POLICIES


class DeviceGroupProvider(DirectorProvider):
    conventions = DEVICE_GROUPS


class DeviceProvider(DirectorProvider):
    conventions = DEVICES


class SyslogCollectorProvider(DirectorProvider):
    conventions = SYSLOG_COLLECTORS


class AlertRuleProvider(DirectorProvider):
    conventions = ALERT_RULES


PROVIDERS: dict[str, type[DirectorProvider]] = {
    cls.conventions.type_name: cls
    for cls in (
        RepoProvider,
        RoutingPolicyProvider,
        NormalizationPolicyProvider,
        EnrichmentPolicyProvider,
        ProcessingPolicyProvider,
        DeviceGroupProvider,
        DeviceProvider,
        SyslogCollectorProvider,
        AlertRuleProvider,
    )
}
