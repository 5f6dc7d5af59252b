"""Name <-> id resolution on one node, for managed sections and read-only lookups."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from cac_director.conventions import LOOKUPS, by_section
from cac_director.errors import ReferenceNotFound

if TYPE_CHECKING:
    from cac_director.director.client import DirectorClient


def remote_repo_name(remote: str) -> str:
    """The repo part of an ``ip:port/repo`` string."""
    return remote.rsplit("/", 1)[-1]


class NodeResolver:
    """Resolves names to ids (and back) on the node of ``client``.

    ``target`` is a YAML section (``deviceGroups``) or a lookup name (``users``). Entries seeded by the
    caller (ids of objects created earlier in the run) win over listed ones; listings are cached by the
    client for the run and refreshed on a miss.
    """

    def __init__(self, client: DirectorClient) -> None:
        self.client = client
        self._seeded: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()

    def seed(self, target: str, name: str, obj_id: str) -> None:
        with self._lock:
            self._seeded.setdefault(target, {})[name] = obj_id

    @staticmethod
    def _source(target: str) -> object:
        return LOOKUPS[target] if target in LOOKUPS else by_section(target)

    def id_of(self, target: str, name: str) -> str:
        """The id of ``name`` on this node; ``ReferenceNotFound`` naming the node when it does not exist."""
        with self._lock:
            seeded = self._seeded.get(target, {}).get(name)
        if seeded is not None:
            return seeded
        return self.client.lookup(self._source(target), name)  # type: ignore[arg-type]

    def name_of(self, target: str, obj_id: str) -> str | None:
        """The name of ``obj_id`` on this node, or None when no object has that id."""
        with self._lock:
            for name, ident in self._seeded.get(target, {}).items():
                if ident == obj_id:
                    return name
        source = self._source(target)
        for refresh in (False, True):
            table = self.client.lookup_table(source, refresh=refresh)  # type: ignore[arg-type]
            for name, ident in table.items():
                if ident == obj_id:
                    return name
        return None

    def require(self, target: str, name: str) -> str:
        """Check that ``name`` exists (lookups only; managed objects are ordered by the engine)."""
        if target in LOOKUPS:
            self.id_of(target, name)
        return name

    def remote_repos_for(self, repo: str) -> list[str]:
        """Every ``ip:port/repo`` string whose repo part is ``repo`` (all data nodes that carry it)."""
        for refresh in (False, True):
            matches = [r for r in self.client.remote_repos(refresh=refresh) if remote_repo_name(r) == repo]
            if matches:
                return matches
        raise ReferenceNotFound(
            f"repo '{repo}' is not offered to alert rules on node {self.client.node_name} "
            "(Repos/RemoteRepos/fetch does not list it): create the repo on the data nodes first",
            target="repos",
            name=repo,
            node=self.client.node_name,
        )
