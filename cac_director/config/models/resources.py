"""Pydantic models of every resource section, in the model shape (docs/director-api.md §7, write side).

Only types, enums and bounds live here. Which top-level fields are required comes from
``conventions`` (``required_fields``) because layers of a template hierarchy are partial; conditional
rules that involve several fields (proxy modes, throttling, criterion value) are in
``validate.api_rules`` where they can name the exact path.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from cac_director.config.models._common import Name, NonEmpty, PositiveInt, RefName, StrictModel
from cac_director.config.models._values import DeviceAddress, IPAddress, RepoName, RepoStoragePath, RetentionDays

CiaLevel = Literal["Minimal", "Minor", "Major", "Critical"]


class RepoPath(StrictModel):
    path: RepoStoragePath = Field(
        description="Storage path; must be one of the node's RepoPaths (e.g. /data/hot/), normalized."
    )
    retention: RetentionDays = Field(description="Retention in days (1 to 36500).")


class RepoHA(StrictModel):
    ha_li: IPAddress = Field(description="Private IP of the remote LogPoint holding the replica.")
    ha_day: RetentionDays = Field(description="Days of replicated data (1 to 36500).")


class Repo(StrictModel):
    name: RepoName | None = None
    hiddenrepopath: Annotated[list[RepoPath], Field(min_length=1)] | None = Field(
        default=None, description="Storage tiers, fast tier first."
    )
    repoha: list[RepoHA] | None = None


class RoutingCriterion(StrictModel):
    type: Literal["KeyPresent", "KeyPresentValueMatches"]
    key: NonEmpty = Field(description="Normalized field name, e.g. norm_id.")
    value: str = Field(default="", description="Required for KeyPresentValueMatches.")
    repo: str = Field(default="", description="Repo name the matching logs go to.")
    drop: Literal["store", "discard_raw", "discard"] = "store"


class RoutingPolicy(StrictModel):
    policy_name: Name | None = None
    catch_all: RefName | None = Field(default=None, description="Repo name for logs no criterion matches.")
    routing_criteria: list[RoutingCriterion] | None = Field(default=None, description="Evaluated top-down.")


class NormalizationPolicy(StrictModel):
    name: Name | None = None
    norm_packages: list[RefName] | None = Field(default=None, description="Normalization package names.")
    compiled_normalizer: list[RefName] | None = Field(default=None, description="Compiled normalizer names.")


class EnrichmentCriterion(StrictModel):
    type: Literal["KeyPresents", "KeyPresentsValueMatches"]
    key: NonEmpty
    value: str = ""


class EnrichmentRule(StrictModel):
    category: Literal["simple", "type_based"]
    operation: Literal["Equals"] = "Equals"
    prefix: bool = False
    event_key: str | None = None
    source_key: NonEmpty
    type: Literal["ip", "string", "num"] | None = None


class EnrichmentSpecification(StrictModel):
    source: RefName = Field(description="Enrichment source name (source_name).")
    criteria: Annotated[list[EnrichmentCriterion], Field(min_length=1)]
    rules: Annotated[list[EnrichmentRule], Field(min_length=1)]


class EnrichmentPolicy(StrictModel):
    name: Name | None = None
    description: str | None = None
    specifications: Annotated[list[EnrichmentSpecification], Field(min_length=1)] | None = None


class ProcessingPolicy(StrictModel):
    policy_name: Name | None = None
    norm_policy: RefName | None = Field(default=None, description='Normalization policy name, or "None".')
    enrich_policy: RefName | None = Field(default=None, description='Enrichment policy name, or "None".')
    routing_policy: RefName | None = Field(default=None, description='Routing policy name, or "None".')


class DeviceGroup(StrictModel):
    name: Name | None = None
    description: str = ""


class Device(StrictModel):
    name: Name | None = None
    ip: Annotated[list[DeviceAddress], Field(min_length=1)] | None = Field(
        default=None, description="IPs, CIDRs and/or hostnames."
    )
    availability: CiaLevel | None = None
    confidentiality: CiaLevel | None = None
    integrity: CiaLevel | None = None
    devicegroup: list[RefName] | None = Field(default=None, description="Device group names.")
    timezone: NonEmpty | None = None


class SyslogCollector(StrictModel):
    device: RefName | None = Field(default=None, description="Device name (one collector per device).")
    proxy_condition: Literal["use_as_proxy", "uses_proxy", "None"] | None = None
    charset: NonEmpty | None = None
    parser: (
        Literal[
            "SyslogParser", "LineParser", "MultiLineSyslogParser", "ProofPointEmailProtectionLogParser", "EmailParser"
        ]
        | None
    ) = None
    processpolicy: RefName | None = Field(default=None, description='Processing policy name, or "None".')
    proxy_ip: list[IPAddress] | None = Field(default=None, description="IPs of the proxy servers.")
    hostname: list[NonEmpty] | None = None


class AlertMetadata(StrictModel):
    field: NonEmpty
    value: str


class AlertRule(StrictModel):
    searchname: Name | None = None
    owner: RefName | None = Field(default=None, description="User name of the owner (e.g. admin).")
    assigned_to: RefName | None = None
    manageable_by: list[RefName] | None = Field(
        default=None, description="Names of the incident user groups that may manage this rule's incidents."
    )
    risk: Literal["low", "medium", "high", "critical"] | None = None
    aggregate: Literal["min", "max", "avg"] | None = None
    condition_option: (
        Literal["greaterthan", "lessthan", "equalsto", "lessequal", "equals", "moreequal", "notequal"] | None
    ) = None
    condition_value: Annotated[int, Field(ge=0)] | None = None
    limit: PositiveInt | None = None
    repos: Annotated[list[RefName], Field(min_length=1)] | None = Field(default=None, description="Repo names.")
    timerange_minute: PositiveInt | None = None
    timerange_hour: PositiveInt | None = None
    timerange_day: PositiveInt | None = None
    query: str | None = None
    description: str | None = None
    alert_context_template: str | None = None
    log_source: list[NonEmpty] | None = None
    metadata: list[AlertMetadata] | None = None
    flush_on_trigger: bool | None = None
    throttling_enabled: bool | None = None
    throttling_field: NonEmpty | None = None
    throttling_time_range: PositiveInt | None = None
    search_interval_minute: PositiveInt | None = None
    delay_interval_minute: Annotated[int, Field(ge=1, le=1440)] | None = Field(
        default=None, description="Needs timestamp_on: log_ts in the node's SystemSettingsGeneral."
    )
    original_data: bool | None = None
    attack_tag: list[NonEmpty] | None = Field(default=None, description="MITRE ATT&CK ids.")
    apply_jinja_template: bool | None = None
    active: bool = True


SECTION_MODELS: dict[str, type[StrictModel]] = {
    "repos": Repo,
    "routingPolicies": RoutingPolicy,
    "normalizationPolicies": NormalizationPolicy,
    "enrichmentPolicies": EnrichmentPolicy,
    "processingPolicies": ProcessingPolicy,
    "deviceGroups": DeviceGroup,
    "devices": Device,
    "syslogCollectors": SyslogCollector,
    "alertRules": AlertRule,
}
"""Section -> model; keys must equal ``conventions.SECTIONS`` (checked by a test)."""

# Model-shape defaults not declared in conventions (conventions.defaults are applied as well).
SECTION_DEFAULTS: dict[str, dict[str, object]] = {
    "deviceGroups": {"description": ""},
}
