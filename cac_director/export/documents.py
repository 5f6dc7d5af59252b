"""The exported files: the fleet copy, the shared ConfigTemplate and one TopologyInstance per node group.

Layout below the output directory (``load_instance`` finds ``templates/`` as the nearest ancestor's)::

    templates/<fleet>-shared/<section>.yaml      the ConfigTemplate: what every exported node holds
    <fleet>/fleet.yaml                           the fleet, each node tagged ``node: <its name>``
    <fleet>/<group>/instance.yaml                extends <fleet>-shared, targets its nodes by that tag

Everything is deterministic: no timestamps, sections in ``SECTIONS`` order, resources sorted by name.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import yaml

from cac_director.config.fleet import GROUPS
from cac_director.constants import API_VERSION
from cac_director.conventions import SECTIONS
from cac_director.errors import ConfigError
from cac_director.export.split import InstanceGroup, Split

NODE_TAG = "node"
"""The fleet tag an exported instance selects its nodes by (the model targets by tag only)."""
_MAX_GROUP_NAME = 60


@dataclass(frozen=True)
class ExportFile:
    path: str
    """Relative to the output directory, with ``/`` separators."""
    document: dict[str, Any]


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # shared dicts must be written out in full, never as &anchors


def _str_presenter(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_presenter)


def dump(document: dict[str, Any]) -> str:
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120, default_flow_style=False)


def template_name(fleet_name: str) -> str:
    return f"{fleet_name}-shared"


def group_name(group: InstanceGroup) -> str:
    """Directory (and instance name suffix) of a node group: its node names, shortened when long."""
    names = [export.node.name for export in group.nodes]
    joined = "+".join(names)
    if len(joined) <= _MAX_GROUP_NAME:
        return joined
    return f"{names[0]}+{len(names) - 1}-more"


def tagged_fleet(raw_fleet: dict[str, Any], fleet_file: str) -> dict[str, Any]:
    """The fleet document with every node tagged ``node: <name>`` so instances can target single nodes."""
    fleet = copy.deepcopy(raw_fleet)
    nodes = (fleet.get("spec") or {}).get("nodes") or {}
    for group in GROUPS:
        for node in nodes.get(group) or []:
            tags = node.setdefault("tags", {})
            current = tags.get(NODE_TAG)
            if current is not None and current != node["name"]:
                raise ConfigError(
                    f"{fleet_file}: node {node['name']} has tag {NODE_TAG}: {current!r}; the export selects nodes "
                    f"by the tag '{NODE_TAG}' equal to the node name: rename that tag or set it to {node['name']!r}"
                )
            tags[NODE_TAG] = node["name"]
    return fleet


def escape_placeholders(value: Any) -> Any:
    """``${`` written as ``$${``: text on the node is literal, never a variable of the model."""
    if isinstance(value, str):
        return value.replace("${", "$${")
    if isinstance(value, dict):
        return {k: escape_placeholders(v) for k, v in value.items()}
    if isinstance(value, list):
        return [escape_placeholders(v) for v in value]
    return value


def _sections_spec(sections: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return {section: escape_placeholders(sections[section]) for section in SECTIONS if sections.get(section)}


def build_files(fleet_name: str, raw_fleet: dict[str, Any], fleet_file: str, parts: Split) -> list[ExportFile]:
    """Every exported file, in the order they are written (and streamed with ``--out -``)."""
    files = [ExportFile(f"{fleet_name}/fleet.yaml", tagged_fleet(raw_fleet, fleet_file))]
    tname = template_name(fleet_name)
    metadata = {
        "name": tname,
        "version": "1.0.0",
        "description": f"exported by cac-director export: shared by every exported node of fleet {fleet_name}",
    }
    shared = _sections_spec(parts.shared)
    if not shared:
        files.append(ExportFile(f"templates/{tname}/template.yaml", _envelope("ConfigTemplate", metadata, {})))
    for section, resources in shared.items():
        files.append(
            ExportFile(f"templates/{tname}/{section}.yaml", _envelope("ConfigTemplate", metadata, {section: resources}))
        )
    for group in parts.groups:
        gname = group_name(group)
        by_group: dict[str, list[str]] = {}
        for export in group.nodes:
            by_group.setdefault(export.node.group, []).append(export.node.name)
        targets: dict[str, Any] = {
            g: {NODE_TAG: names[0] if len(names) == 1 else names} for g in GROUPS if (names := by_group.get(g))
        }
        spec: dict[str, Any] = {"targets": targets, **_sections_spec(group.sections)}
        meta = {"name": f"{fleet_name}-{gname}", "extends": tname}
        files.append(ExportFile(f"{fleet_name}/{gname}/instance.yaml", _envelope("TopologyInstance", meta, spec)))
    return files


def _envelope(kind: str, metadata: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": API_VERSION, "kind": kind, "metadata": metadata, "spec": spec}


def stream(files: list[ExportFile]) -> str:
    """One YAML stream of every file, each document preceded by a comment naming its path."""
    chunks = [f"# {file.path}\n---\n{dump(file.document)}" for file in files]
    return "".join(chunks)
