"""AlertRules (docs/director-api.md §7.9): search-head configuration, read through fetch orders.

Users and incident user groups are referenced by id, repos as ``ip:port/repo`` strings from
Repos/RemoteRepos/fetch; YAML names all of them by name.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Any, Literal

from pydantic import Field

from cac_director.conventions._base import Example, Reference, ResourceConventions
from cac_director.conventions._listing import Fetched
from cac_director.conventions._model import Name, NonEmpty, PositiveInt, RefName, StrictModel
from cac_director.conventions._rules import Finding, require


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


def _time_range_and_throttling(rule: Mapping[str, Any]) -> Iterator[Finding]:
    if not any(rule.get(field) for field in ("timerange_minute", "timerange_hour", "timerange_day")):
        yield Finding(
            "missing-field",
            "one of timerange_minute, timerange_hour, timerange_day is required",
            "timerange_minute",
            "e.g. timerange_minute: 5",
        )
    if rule.get("throttling_enabled") is True:
        for field in ("throttling_field", "throttling_time_range"):
            yield from require(rule, field, "when throttling_enabled is true")


ALERT_RULES = ResourceConventions(
    type_name="AlertRule",
    model=AlertRule,
    docs=__doc__ or "",
    rules=(_time_range_and_throttling,),
    yaml_section="alertRules",
    api_resource="AlertRules",
    name_key="searchname",
    node_role="search",
    references=(
        Reference("repos[]", "repos", wire="remote_repo", many=True),
        Reference("owner", "users", wire="id"),
        Reference("assigned_to", "users", wire="id"),
        Reference("manageable_by[]", "incidentUserGroups", wire="id", many=True),
    ),
    writable_fields=(
        "searchname",
        "owner",
        "assigned_to",
        "manageable_by",
        "risk",
        "aggregate",
        "condition_option",
        "condition_value",
        "limit",
        "repos",
        "timerange_minute",
        "timerange_hour",
        "timerange_day",
        "query",
        "description",
        "alert_context_template",
        "log_source",
        "metadata",
        "flush_on_trigger",
        "throttling_enabled",
        "throttling_field",
        "throttling_time_range",
        "search_interval_minute",
        "delay_interval_minute",
        "original_data",
        "attack_tag",
        "apply_jinja_template",
        "active",
    ),
    required_fields=(
        "searchname",
        "owner",
        "risk",
        "aggregate",
        "condition_option",
        "condition_value",
        "limit",
        "repos",
    ),
    # owner is absent from Edit (ownership moves through transferOwnership), so a new owner replaces.
    immutable_fields=("searchname", "owner"),
    computed_fields=frozenset({"id", "tid", "user", "name"}),
    listing_hook=Fetched(path="AlertRules/MyAlertRules/fetch"),
    int_fields=(
        "condition_value",
        "limit",
        "timerange_minute",
        "timerange_hour",
        "timerange_day",
        "throttling_time_range",
        "search_interval_minute",
        "delay_interval_minute",
    ),
    # flush_on_trigger and throttling_enabled accept only "on" (§7.9): false is sent by leaving the key out.
    # apply_jinja_template (a later addition, not in v2.7.0) keeps "off" so that a merging edit can clear it.
    flag_fields={
        "flush_on_trigger": ("on", None),
        "throttling_enabled": ("on", None),
        "apply_jinja_template": ("on", "off"),
        "original_data": ("true", "false"),
    },
    defaults={"active": True, "flush_on_trigger": False, "throttling_enabled": False, "apply_jinja_template": False},
    # owner is absent from the Edit table (§7.9): ownership moves through transferOwnership.
    create_only_fields=("owner",),
    activation_field="active",
    example=Example(
        model={
            "searchname": "ar-brute",
            "owner": "admin",
            "risk": "high",
            "aggregate": "max",
            "condition_option": "greaterthan",
            "condition_value": 5,
            "limit": 10,
            "repos": ["default"],
            "timerange_minute": 15,
            "query": "label=Login label=Fail",
            "flush_on_trigger": True,
            "manageable_by": ["SOC Analysts"],
            "active": True,
        },
        updated={
            "searchname": "ar-brute",
            "owner": "admin",
            "risk": "critical",
            "aggregate": "max",
            "condition_option": "greaterthan",
            "condition_value": 3,
            "limit": 10,
            "repos": ["default", "_logpoint"],
            "timerange_minute": 30,
            "query": "label=Login label=Fail",
            "flush_on_trigger": False,
            "manageable_by": ["LogPoint Administrator", "SOC Analysts"],
            "active": False,
        },
    ),
)
