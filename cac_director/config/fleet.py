"""Fleet files and node targeting: which nodes exist, and which of them an instance configures."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cac_director.config._schema_check import check_model
from cac_director.config.chain import check_document_header
from cac_director.config.issues import IssueCollector, Mark
from cac_director.config.loader import PosDict, display_path, load_yaml_file, mark_of
from cac_director.config.models import Fleet
from cac_director.conventions import NodeRole

NodeKind = Literal["dataNode", "searchHead", "aio"]
GROUPS: dict[str, NodeKind] = {"dataNodes": "dataNode", "searchHeads": "searchHead", "aios": "aio"}
# Which node kinds receive a section of each conventions.node_role (docs/configuration.md, "Targets and nodes").
RECEIVES: dict[NodeRole, frozenset[NodeKind]] = {
    "data": frozenset({"dataNode", "aio"}),
    "search": frozenset({"searchHead", "aio"}),
    "all": frozenset({"dataNode", "searchHead", "aio"}),
}


@dataclass(frozen=True)
class FleetNodeInfo:
    name: str
    logpoint_id: str
    role: NodeKind
    tags: dict[str, str]
    group: str
    mark: Mark | None = None
    private_ip: str | None = None
    """``privateIp``: what the emulator serves as the node's address (None: it derives one)."""
    repo_paths: tuple[str, ...] | None = None
    """``repoPaths``: the storage paths the emulator offers (None: its defaults)."""


@dataclass(frozen=True)
class FleetInfo:
    """A validated fleet: the Director connection and its nodes in file order (no token, ever)."""

    name: str
    director_url: str
    pool_uuid: str
    path: str
    nodes: tuple[FleetNodeInfo, ...] = field(default_factory=tuple)


def _fleet_document(path: Path, file: str, collector: IssueCollector, referenced_at: Mark | None) -> Any:
    """The one document of a fleet file, or None after reporting why there is none."""
    if not path.is_file():
        collector.error(
            "missing-fleet",
            f"fleet file {file} not found",
            mark=referenced_at or Mark(file),
            path="metadata.fleetRef" if referenced_at else "",
            hint=_FLEET_HINT,
        )
        return None
    docs = load_yaml_file(path, collector)
    if not docs:
        if docs is not None:
            collector.error("empty-file", "the fleet file has no document", mark=Mark(file), hint=_FLEET_HINT)
        return None
    doc = docs[0]
    if not isinstance(doc, dict) or "kind" not in doc:
        collector.error(
            "not-a-fleet",
            "this file is used as a fleet file but is not one (a fleet is a mapping with kind: Fleet)"
            + (f"; it is named by metadata.fleetRef at {referenced_at}" if referenced_at else ""),
            mark=mark_of(doc) or Mark(file, 1),
            hint=_FLEET_HINT,
        )
        return None
    if len(docs) > 1:
        collector.error(
            "bad-document-count",
            f"a fleet file holds exactly one document, found {len(docs)}",
            mark=Mark(file, 1),
            hint="put each customer's fleet in its own fleet.yaml",
        )
        return None
    return doc


_FLEET_HINT = "metadata.fleetRef of an instance names its fleet file (default ../fleet.yaml)"


def load_fleet(path: Path, collector: IssueCollector, *, referenced_at: Mark | None = None) -> FleetInfo | None:
    """The fleet in ``path``, or None after reporting why it is unusable.

    This is the one reader of fleet files: ``validate``, the program, ``export`` and the emulator use it.
    ``referenced_at`` is the instance's ``metadata.fleetRef`` (or its metadata), where a missing fleet is reported.
    """
    file = display_path(path)
    doc = _fleet_document(path, file, collector, referenced_at)
    if doc is None:
        return None
    if check_document_header(doc, file, collector, expected="Fleet") is None:
        return None
    model = check_model(Fleet, doc, collector)
    if not isinstance(model, Fleet):
        return None
    nodes: list[FleetNodeInfo] = []
    seen: dict[str, Mark | None] = {}
    seen_ids: dict[str, str] = {}
    raw_nodes = doc["spec"]["nodes"]
    for group, kind in GROUPS.items():
        located_group = raw_nodes.get(group) or []
        for index, node in enumerate(getattr(model.spec.nodes, group)):
            mark = mark_of(located_group, index)
            if node.name in seen:
                collector.error(
                    "duplicate-name",
                    f"node name {node.name!r} is used twice in the fleet",
                    mark=mark,
                    path=f"spec.nodes.{group}[{node.name}]",
                    hint="node names are unique in a fleet",
                )
                continue
            if node.logpointId.lower() in seen_ids:
                collector.error(
                    "duplicate-id",
                    f"logpointId {node.logpointId} is also node {seen_ids[node.logpointId.lower()]!r}",
                    mark=mark,
                    path=f"spec.nodes.{group}[{node.name}].logpointId",
                    hint="each node of a pool has its own identifier (Director: System > LogPoints)",
                )
                continue
            seen[node.name] = mark
            seen_ids[node.logpointId.lower()] = node.name
            paths = tuple(node.repoPaths) if node.repoPaths is not None else None
            nodes.append(
                FleetNodeInfo(
                    node.name, node.logpointId.lower(), kind, dict(node.tags), group, mark, node.privateIp, paths
                )
            )
    return FleetInfo(
        name=model.metadata.name,
        director_url=model.spec.director.url.rstrip("/"),
        pool_uuid=model.spec.director.poolUuid.lower(),
        path=file,
        nodes=tuple(nodes),
    )


def _matches(tags: Mapping[str, str], selector: Mapping[str, Any]) -> bool:
    for key, wanted in selector.items():
        value = tags.get(key)
        if isinstance(wanted, list):
            if value not in wanted:
                return False
        elif value != wanted:
            return False
    return True


def select_nodes(fleet: FleetInfo, targets: PosDict | None, collector: IssueCollector) -> list[FleetNodeInfo]:
    """Nodes an instance configures, in fleet order.

    Without ``targets`` every node is targeted. With it, each group (dataNodes, searchHeads, aios)
    is targeted by its selector (every tag must match; a list value means "any of"); a group absent
    from ``targets`` gets no node (decision recorded in docs/configuration.md).
    """
    if targets is None:
        return list(fleet.nodes)
    selected: list[FleetNodeInfo] = []
    for group in GROUPS:
        if group not in targets or targets[group] is None:
            continue
        selector = targets[group]
        chosen = [node for node in fleet.nodes if node.group == group and _matches(node.tags, selector)]
        if not chosen:
            collector.error(
                "no-matching-node",
                f"targets.{group} {dict(selector)} matches no node of fleet {fleet.name}",
                mark=mark_of(targets, group),
                path=f"spec.targets.{group}",
                hint=f"check the tags of the {group} in {fleet.path}",
            )
        selected.extend(chosen)
    order = {node.name: index for index, node in enumerate(fleet.nodes)}
    return sorted(selected, key=lambda node: order[node.name])
