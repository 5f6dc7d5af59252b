"""AlertRules (docs/director-api.md §7.9): search-head configuration, read through fetch orders.

Users and incident user groups are referenced by id, repos as ``ip:port/repo`` strings from
Repos/RemoteRepos/fetch; YAML names all of them by name. An ``owner`` or ``assigned_to`` that the same node
declares under ``users`` (an AIO) is created first and passed by id; any other user must exist on the node.

``notifications`` (§7.18) holds one entry per channel (``email``, ``http``, ``syslog``), with the Director's
field names; it is not part of the rule's body but sent after the rule's create or update, one
``POST AlertRules/{id}/<Type>Notification`` per channel that changed, with ``notify_<type>: "on"``. Nothing reads
notifications back, so a diff compares the configuration with what was last sent (recorded in state), never
with the Director: a change made in the console is not seen. A channel removed from the configuration is sent
``notify_<type>: "off"``, the only removal there is. A rule taken over (``adoptExisting``) gets every declared
channel sent; ``cac-director export`` cannot write notifications (it cannot read them) and says so in a note
per rule. SMS, SNMP and SSH, and
HTTP's ``http_header``, carry credentials and are not offered yet.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from cac_director.conventions._base import Example, Reference, ResourceConventions
from cac_director.conventions._listing import Fetched
from cac_director.conventions._model import Name, NonEmpty, PositiveInt, RefName, StrictModel
from cac_director.conventions._rules import Finding, require


class AlertMetadata(StrictModel):
    field: NonEmpty
    value: str


Period = Literal["minute", "hour", "day"]
DispatchOption = Literal["auto", "manual"]


def _pair(model: StrictModel, option: str, value: str) -> None:
    # A throttle is a period and a count: one without the other is refused (§7.18).
    if (getattr(model, option) is None) != (getattr(model, value) is None):
        raise ValueError(f"{option!r} and {value!r} go together: set both or neither")


class EmailNotification(StrictModel):
    email_emails: Annotated[list[NonEmpty], Field(min_length=1)] = Field(description="Receivers' addresses.")
    subject: str | None = None
    email_template: str | None = Field(default=None, description="The message.")
    link_disable: bool | None = Field(default=None, description="true: no link to the search in the mail.")
    dispatch_option: DispatchOption | None = None
    email_threshold_option: Period | None = None
    email_threshold_value: PositiveInt | None = None

    @model_validator(mode="after")
    def _threshold(self) -> EmailNotification:
        _pair(self, "email_threshold_option", "email_threshold_value")
        return self


class HttpNotification(StrictModel):
    http_url: NonEmpty
    http_request_type: Literal["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"]
    http_querystring: NonEmpty
    protocol: Literal["HTTP", "HTTPS"] | None = None
    http_body: str | None = Field(default=None, description="Body template (POST, PUT and PATCH only).")
    dispatch_option: DispatchOption | None = None
    http_threshold_option: Period | None = None
    http_threshold_value: PositiveInt | None = None

    @model_validator(mode="after")
    def _threshold(self) -> HttpNotification:
        _pair(self, "http_threshold_option", "http_threshold_value")
        if self.http_body is not None and self.http_request_type not in ("POST", "PUT", "PATCH"):
            raise ValueError(f"'http_body' is only sent with POST, PUT or PATCH, not {self.http_request_type}")
        return self


class SyslogNotification(StrictModel):
    server: NonEmpty
    port: Annotated[int, Field(ge=1, le=65535)]
    protocol: Literal["UDP", "TCP"]
    severity: Annotated[int, Field(ge=0, le=7)]
    facility: Annotated[int, Field(ge=0, le=23)] | None = None
    message: str | None = None
    split_rows: bool | None = Field(default=None, description="true: one syslog message per result row.")
    dispatch_option: DispatchOption | None = None
    # Unprefixed, and 0 is allowed, unlike the other channels (§7.18).
    threshold_option: Period | None = None
    threshold_value: Annotated[int, Field(ge=0)] | None = None

    @model_validator(mode="after")
    def _threshold(self) -> SyslogNotification:
        _pair(self, "threshold_option", "threshold_value")
        return self


class AlertNotifications(StrictModel):
    email: EmailNotification | None = None
    http: HttpNotification | None = None
    syslog: SyslogNotification | None = None


CHANNELS: dict[str, str] = {"email": "EmailNotification", "http": "HTTPNotification", "syslog": "SyslogNotification"}
"""Channel in YAML -> its action below ``AlertRules/{id}`` (§7.18)."""
_STRING_BOOLEANS = ("link_disable", "split_rows")
"""Booleans the documentation's examples send as strings (``"true"``)."""


def _channel_body(channel: str, settings: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {f"notify_{channel}": "on"}
    for key, value in settings.items():
        body[key] = ("true" if value else "false") if key in _STRING_BOOLEANS else value
    return body


def _plain(value: Any) -> Any:
    # Recorded state comes back through JSON, where 514 may read as 514.0.
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return int(value) if isinstance(value, float) and value.is_integer() else value


def notification_writes(desired: dict[str, Any], recorded: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The notification actions that turn ``recorded`` (last sent; ``{}``: unknown) into ``desired``."""
    wanted = _plain(desired.get("notifications") or {})
    sent = _plain(recorded.get("notifications") or {})
    writes: list[tuple[str, dict[str, Any]]] = []
    for channel, segment in CHANNELS.items():
        if wanted.get(channel):
            if wanted[channel] != sent.get(channel):
                writes.append((segment, _channel_body(channel, wanted[channel])))
        elif sent.get(channel):
            writes.append((segment, {f"notify_{channel}": "off"}))
    return writes


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
    notifications: AlertNotifications | None = Field(
        default=None, description="Per channel (email, http, syslog); sent after the rule, never read back."
    )


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
        "notifications",
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
    follow_up_fields=("notifications",),
    follow_ups=notification_writes,
)
