"""ProcessingPolicy (docs/director-api.md §7.5): norm policy by name, enrich/routing policies by id, "None" if unset."""

from __future__ import annotations

from pydantic import Field

from cac_director.conventions._base import Example, Reference, ResourceConventions
from cac_director.conventions._model import Name, RefName, StrictModel


class ProcessingPolicy(StrictModel):
    policy_name: Name | None = None
    norm_policy: RefName | None = Field(default=None, description='Normalization policy name, or "None".')
    enrich_policy: RefName | None = Field(default=None, description='Enrichment policy name, or "None".')
    routing_policy: RefName | None = Field(default=None, description='Routing policy name, or "None".')


PROCESSING_POLICIES = ResourceConventions(
    type_name="ProcessingPolicy",
    model=ProcessingPolicy,
    docs=__doc__ or "",
    yaml_section="processingPolicies",
    api_resource="ProcessingPolicy",
    name_key="policy_name",
    references=(
        Reference("norm_policy", "normalizationPolicies", wire="name", none_sentinel=True),
        Reference("enrich_policy", "enrichmentPolicies", wire="id", none_sentinel=True),
        Reference("routing_policy", "routingPolicies", wire="id", none_sentinel=True),
    ),
    builtins=frozenset({"_logpoint", "default"}),
    writable_fields=("policy_name", "norm_policy", "enrich_policy", "routing_policy"),
    required_fields=("policy_name",),
    immutable_fields=("policy_name",),
    computed_fields=frozenset({"id", "active", "tid", "user"}),
    # §4.1/§7.5: a PUT without policy_name and id inside data was refused with 400.
    example=Example(
        model={"policy_name": "pp-win", "norm_policy": "_logpoint", "routing_policy": "_logpoint"},
        updated={"policy_name": "pp-win", "norm_policy": "None", "routing_policy": "default"},
    ),
)
