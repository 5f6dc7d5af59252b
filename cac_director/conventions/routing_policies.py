"""RoutingPolicies (docs/director-api.md §7.2, built-ins §9). Repos are referenced by name on the wire."""

from cac_director.conventions._base import Reference, ResourceConventions

ROUTING_POLICIES = ResourceConventions(
    type_name="RoutingPolicy",
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
)
