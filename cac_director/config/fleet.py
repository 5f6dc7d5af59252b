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
}


@dataclass(frozen=True)
class FleetNodeInfo:
    name: str
    logpoint_id: str
    role: NodeKind
    tags: dict[str, str]
    group: str
    mark: Mark | None = None


@dataclass(frozen=True)
class FleetInfo:
    """A validated fleet: the Director connection and its nodes in file order (no token, ever)."""

    name: str
    director_url: str
    pool_uuid: str
    path: str
    nodes: tuple[FleetNodeInfo, ...] = field(default_factory=tuple)


def load_fleet(path: Path, collector: IssueCollector) -> FleetInfo | None:
    """The fleet in ``path``, or None after reporting why it is unusable."""
    if not path.is_file():
        collector.error(
            "missing-fleet",
            f"fleet file {path} not found",
            mark=Mark(str(path)),
            hint="set metadata.fleetRef in the instance (default ../fleet.yaml)",
        )
        return None
    docs = load_yaml_file(path, collector)
    if not docs:
        if docs is not None:
            collector.error("empty-file", "the fleet file has no document", mark=Mark(str(path)))
        return None
    doc = docs[0]
    file = display_path(path)
    if check_document_header(doc, file, collector, expected="Fleet") is None:
        return None
    model = check_model(Fleet, doc, collector)
    if not isinstance(model, Fleet):
        return None
    nodes: list[FleetNodeInfo] = []
    seen: dict[str, Mark | None] = {}
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
            seen[node.name] = mark
            nodes.append(FleetNodeInfo(node.name, node.logpointId.lower(), kind, dict(node.tags), group, mark))
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
