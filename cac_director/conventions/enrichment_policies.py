"""EnrichmentPolicy (docs/director-api.md §7.4). Sources are referenced by their ``source_name``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Any, Literal

from pydantic import Field

from cac_director.conventions._base import Example, Reference, ResourceConventions
from cac_director.conventions._model import Name, NonEmpty, RefName, StrictModel
from cac_director.conventions._rules import Finding, elements


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


def _rule_fields_by_category(policy: Mapping[str, Any]) -> Iterator[Finding]:
    for s_index, spec in elements(policy, "specifications"):
        for r_index, rule in elements(spec, "rules"):
            within = ("specifications", s_index, "rules", r_index)
            if rule.get("category") == "simple" and not rule.get("event_key"):
                yield Finding(
                    "missing-field",
                    "'event_key' is required for a simple rule",
                    "event_key",
                    "name the log field to enrich, e.g. event_key: source_address",
                    within,
                )
            if rule.get("category") == "type_based" and not rule.get("type"):
                hint = "type is one of ip, string, num"
                yield Finding("missing-field", "'type' is required for a type_based rule", "type", hint, within)


_GEO_SPECIFICATIONS = [
    {
        "source": "geoip",
        "criteria": [{"type": "KeyPresents", "key": "source_address", "value": ""}],
        "rules": [
            {
                "category": "simple",
                "operation": "Equals",
                "prefix": False,
                "event_key": "source_address",
                "source_key": "ip",
            }
        ],
    }
]
"""The contract example's one specification (the edit changes only the description)."""


ENRICHMENT_POLICIES = ResourceConventions(
    type_name="EnrichmentPolicy",
    model=EnrichmentPolicy,
    docs=__doc__ or "",
    rules=(_rule_fields_by_category,),
    yaml_section="enrichmentPolicies",
    api_resource="EnrichmentPolicy",
    name_key="name",
    references=(Reference("specifications[].source", "enrichmentSources", wire="name"),),
    writable_fields=("name", "description", "specifications"),
    required_fields=("name", "specifications"),
    immutable_fields=("name",),
    computed_fields=frozenset({"id", "tid", "active", "user"}),
    ordered_lists=("specifications",),
    nested_defaults={
        "specifications[].criteria[]": {"value": ""},
        "specifications[].rules[]": {"operation": "Equals", "prefix": False},
    },
    example=Example(
        model={"name": "ep-geo", "description": "geo", "specifications": _GEO_SPECIFICATIONS},
        updated={"name": "ep-geo", "description": "geo, updated", "specifications": _GEO_SPECIFICATIONS},
    ),
)
