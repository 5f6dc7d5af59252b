"""Repos (docs/director-api.md §7.1, built-ins §9)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from cac_director.conventions._base import Example, ResourceConventions
from cac_director.conventions._model import StrictModel
from cac_director.conventions._values import IPAddress, RepoName, RepoStoragePath, RetentionDays


class RepoPath(StrictModel):
    path: RepoStoragePath = Field(
        description="Storage path; must be one of the node's RepoPaths (e.g. /data/hot/), normalized."
    )
    retention: RetentionDays = Field(description="Retention in days (1 to 36500).")


class RepoHA(StrictModel):
    ha_li: IPAddress = Field(description="Private IP of the remote LogPoint holding the replica.")
    ha_day: RetentionDays = Field(description="Days of replicated data (1 to 36500).")


class Repo(StrictModel):
    name: RepoName | None = None
    hiddenrepopath: Annotated[list[RepoPath], Field(min_length=1)] | None = Field(
        default=None, description="Storage tiers, fast tier first."
    )
    repoha: list[RepoHA] | None = None


REPOS = ResourceConventions(
    type_name="Repo",
    model=Repo,
    docs=__doc__ or "",
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
    example=Example(
        model={
            "name": "repo-secu",
            "hiddenrepopath": [{"path": "/data/hot", "retention": 30}, {"path": "/data/warm", "retention": 90}],
        },
        updated={"name": "repo-secu", "hiddenrepopath": [{"path": "/data/hot", "retention": 60}]},
    ),
)
