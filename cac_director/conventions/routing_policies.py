"""RoutingPolicies (docs/director-api.md §7.2, built-ins §9). Repos are referenced by name on the wire."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Literal

from pydantic import Field

from cac_director.conventions._base import Example, Reference, ResourceConventions
from cac_director.conventions._model import Name, NonEmpty, RefName, StrictModel
from cac_director.conventions._rules import Finding, elements


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


def _value_when_it_matches(policy: Mapping[str, Any]) -> Iterator[Finding]:
    for index, criterion in elements(policy, "routing_criteria"):
        if criterion.get("type") == "KeyPresentValueMatches" and not criterion.get("value"):
            yield Finding(
                "missing-field",
                "'value' is required when type is KeyPresentValueMatches",
                "value",
                "set the value to match, or use type KeyPresent",
                within=("routing_criteria", index),
            )


ROUTING_POLICIES = ResourceConventions(
    type_name="RoutingPolicy",
    model=RoutingPolicy,
    docs=__doc__ or "",
    rules=(_value_when_it_matches,),
    yaml_section="routingPolicies",
    api_resource="RoutingPolicies",
    name_key="policy_name",
    references=(
        Reference("catch_all", "repos", wire="name"),
        Reference("routing_criteria[].repo", "repos", wire="name"),
    ),
    builtins=frozenset({"default", "_logpoint", "_LogPointAlerts"}),
    writable_fields=("policy_name", "catch_all", "routing_criteria"),
    required_fields=("policy_name", "catch_all"),
    # The name is the identity users and processing policies see; renaming is modelled as a new policy.
    immutable_fields=("policy_name",),
    computed_fields=frozenset({"id", "user", "tid", "active"}),
    # The Director evaluates criteria top-down (§7.2), so order is part of the configuration.
    ordered_lists=("routing_criteria",),
    nested_defaults={"routing_criteria[]": {"value": "", "drop": "store"}},
    example=Example(
        model={
            "policy_name": "rp-secu",
            "catch_all": "default",
            "routing_criteria": [
                {
                    "type": "KeyPresentValueMatches",
                    "key": "norm_id",
                    "value": "WinServer",
                    "repo": "_logpoint",
                    "drop": "store",
                }
            ],
        },
        updated={"policy_name": "rp-secu", "catch_all": "_logpoint", "routing_criteria": []},
    ),
)
