"""The resolved configuration as data, YAML or JSON (``cac-director render``)."""

from __future__ import annotations

import json
from typing import Any

import yaml

from cac_director.config.instance import ResolvedInstance


def render_data(resolved: ResolvedInstance, node: str | None = None) -> dict[str, Any]:
    """``{"instance": NAME, "nodes": {NODE: {SECTION: [resource, ...]}}}`` (KeyError for an unknown node)."""
    names = [node] if node is not None else list(resolved.nodes)
    return {
        "instance": resolved.name,
        "nodes": {name: resolved.nodes[name].sections for name in names},
    }


class _Dumper(yaml.SafeDumper):
    pass


def _str_presenter(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_presenter)


def render_text(resolved: ResolvedInstance, node: str | None = None, fmt: str = "yaml") -> str:
    data = render_data(resolved, node)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)
