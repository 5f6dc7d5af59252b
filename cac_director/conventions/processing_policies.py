"""ProcessingPolicy (docs/director-api.md §7.5): norm policy by name, enrich/routing policies by id, "None" if unset."""

from cac_director.conventions._base import Reference, ResourceConventions

PROCESSING_POLICIES = ResourceConventions(
    type_name="ProcessingPolicy",
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
)
