"""EnrichmentPolicy (docs/director-api.md §7.4). Sources are referenced by their ``source_name``."""

from cac_director.conventions._base import Reference, ResourceConventions

ENRICHMENT_POLICIES = ResourceConventions(
    type_name="EnrichmentPolicy",
    yaml_section="enrichmentPolicies",
    api_resource="EnrichmentPolicy",
    name_key="name",
    references=(Reference("specifications[].source", "enrichmentSources", wire="name"),),
    writable_fields=("name", "description", "specifications"),
    required_fields=("name", "specifications"),
    immutable_fields=("name",),
    computed_fields=frozenset({"id", "tid", "active", "user"}),
    ordered_lists=("specifications",),
)
