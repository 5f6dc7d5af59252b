"""Split several nodes' exports into what they all share (one template) and per-node differences.

A resource is shared when every exported node that receives its section holds it with the same
canonical content (``mapping.normalize``). Everything else stays with its node. Nodes left with the
same differences (typically none, for a cluster) share one instance, so a cluster exports as one
template and one instance with no resources of its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cac_director.conventions import SECTIONS, by_section
from cac_director.director import mapping
from cac_director.export.read import NodeExport


@dataclass
class InstanceGroup:
    """Nodes whose remaining (non-shared) configuration is identical, written as one instance."""

    nodes: list[NodeExport]
    sections: dict[str, list[dict[str, Any]]]


@dataclass
class Split:
    shared: dict[str, list[dict[str, Any]]]
    groups: list[InstanceGroup]


def _canon(section: str, resource: dict[str, Any]) -> str:
    return json.dumps(mapping.normalize(by_section(section), resource), sort_keys=True, default=str)


def split(exports: list[NodeExport]) -> Split:
    """Shared sections and instance groups, both in a stable order (sections in SECTIONS order, names sorted)."""
    shared: dict[str, list[dict[str, Any]]] = {}
    shared_names: dict[str, set[str]] = {}
    for section in SECTIONS:
        holders = [e for e in exports if section in e.sections]
        if not holders:
            continue
        name_key = by_section(section).name_key
        first = {str(r[name_key]): r for r in holders[0].sections[section]}
        common = set(first)
        for other in holders[1:]:
            theirs = {str(r[name_key]): r for r in other.sections[section]}
            common = {n for n in common if n in theirs and _canon(section, theirs[n]) == _canon(section, first[n])}
        shared_names[section] = common
        shared[section] = [first[name] for name in sorted(common)]
    groups: dict[str, InstanceGroup] = {}
    for export in exports:
        rest = {
            section: [r for r in resources if str(r[by_section(section).name_key]) not in shared_names[section]]
            for section, resources in export.sections.items()
        }
        rest = {section: resources for section, resources in rest.items() if resources}
        key = json.dumps(rest, sort_keys=True, default=str)
        if key in groups:
            groups[key].nodes.append(export)
        else:
            groups[key] = InstanceGroup(nodes=[export], sections=rest)
    return Split(shared={s: r for s, r in shared.items() if r}, groups=list(groups.values()))
