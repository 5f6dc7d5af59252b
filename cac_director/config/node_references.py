"""Names the configuration expects a node to have already: vendor objects and built-ins, with their origin.

Offline validation can only say that such a name is well formed (a vendor normalization package, an
enrichment source, a user) or that it is a known built-in; whether the node really has it is checked
against the node, read-only, before the plan (``pulumi_provider.preflight``). Each entry keeps the file,
line and path that declared it, so that a missing one is reported where it was written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cac_director.config._paths import join
from cac_director.config.validate.references import NONE_SENTINEL, iter_reference_values
from cac_director.conventions import CHECKED_VALUES, LOOKUPS, SECTIONS, by_section


@dataclass(frozen=True)
class NodeReference:
    """``section[name].path`` names ``value``, which must exist in ``target`` on every node receiving it."""

    section: str
    name: str
    target: str
    """A lookup (``normalizationPackages``, ...) or the section of a built-in (``repos``)."""
    value: str
    path: str
    where: str
    """``file:line`` that set the value (or the file alone)."""


def collect_node_references(located: dict[str, list[tuple[str, dict[str, Any], Any]]]) -> list[NodeReference]:
    """Every reference to a vendor object or a built-in in ``located`` (section -> (name, plain, source))."""
    found: list[NodeReference] = []
    declared = {section: {name for name, _, _ in located.get(section, [])} for section in SECTIONS}
    for section in SECTIONS:
        for name, resource, source in located.get(section, []):
            for ref in by_section(section).references:
                if ref.wire == "remote_repo":
                    continue  # alert rules name repos of other nodes; the provider resolves them
                for value, mark, where in iter_reference_values(resource, source, ref.path, (f"{section}[{name}]",)):
                    if not isinstance(value, str) or value in ("", NONE_SENTINEL):
                        continue
                    vendor = ref.target in LOOKUPS
                    builtin = ref.target in declared and value not in declared[ref.target]
                    if vendor or (builtin and value in by_section(ref.target).builtins):
                        found.append(NodeReference(section, name, ref.target, value, join(where), str(mark or "")))
            for field, lookup in CHECKED_VALUES.get(section, {}).items():
                for value, mark, where in iter_reference_values(resource, source, field, (f"{section}[{name}]",)):
                    if isinstance(value, str) and value not in ("", NONE_SENTINEL):
                        found.append(NodeReference(section, name, lookup, value, join(where), str(mark or "")))
    return found
