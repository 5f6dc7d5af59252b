"""Repos (docs/director-api.md §7.1, built-ins §9)."""

from cac_director.conventions._base import ResourceConventions

REPOS = ResourceConventions(
    type_name="Repo",
    yaml_section="repos",
    api_resource="Repos",
    name_key="name",
    builtins=frozenset({"default", "_logpoint", "_LogPointAlerts"}),
    writable_fields=("name", "hiddenrepopath", "repoha"),
    required_fields=("name", "hiddenrepopath"),
    # Absent from the Edit table (§7.1): a rename is a new repo.
    immutable_fields=("name",),
    read_renames={"repopath": "hiddenrepopath"},
    computed_fields=frozenset(
        {"id", "repo_number", "used_size", "tid", "active", "user", "store_front_port", "old_repo_paths"}
    ),
    # Tier order is storage order (fast tier first), so it is compared in order.
    ordered_lists=("hiddenrepopath", "repoha"),
    int_fields=("hiddenrepopath[].retention", "repoha[].ha_day"),
    path_fields=("hiddenrepopath[].path",),
)
