"""LogCollectionPolicies (docs/director-api.md §7.15): a named policy that devices attach to collect logs.

Devices name their policies in ``logpolicy`` (sent as ids, read back as ``log_policies``). The name is fixed
at creation (the Edit table carries ``description`` only), so a rename replaces the policy; ``description``
is edited in place. The collectors the Director lists on a policy (``col_apps``) are server-owned.

Deleting a policy that a device or a collector still names is refused by the emulator (its
``block_referenced_deletes`` choice; the documentation is silent): a device references its policies, so
Pulumi deletes or updates the device before the policy.
"""

from __future__ import annotations

from cac_director.conventions._base import Example, ResourceConventions
from cac_director.conventions._model import Name, StrictModel


class LogCollectionPolicy(StrictModel):
    name: Name | None = None
    description: str = ""


LOG_COLLECTION_POLICIES = ResourceConventions(
    type_name="LogCollectionPolicy",
    model=LogCollectionPolicy,
    docs=__doc__ or "",
    yaml_section="logCollectionPolicies",
    api_resource="LogCollectionPolicies",
    name_key="name",
    writable_fields=("name", "description"),
    required_fields=("name",),
    immutable_fields=("name",),
    computed_fields=frozenset({"id", "tid", "active", "col_apps"}),
    defaults={"description": ""},
    example=Example(
        model={"name": "lcp-fw", "description": "firewalls"},
        updated={"name": "lcp-fw", "description": "perimeter"},
    ),
)
