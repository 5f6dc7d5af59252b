"""What the program checks on the Director before it registers any object (preview included), read-only.

The program runs before the engine touches any resource, so a wrong token, pool, node, address or
certificate stops the operation here with one line that names the setting to fix, instead of one error per
resource. The settings follow the providers' rules (``_settings``): ``DIRECTOR_TOKEN`` wins over
``cac-director:token``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pulumi

from cac_director.config import ResolvedInstance
from cac_director.conventions import LOOKUPS, SECTIONS, by_section
from cac_director.director import ClientSettings, node_client
from cac_director.director.connection_check import check_connection
from cac_director.errors import DirectorError
from cac_director.pulumi_provider._settings import ProviderSettings
from cac_director.pulumi_provider.adoption import Note, adoption_notes
from cac_director.pulumi_provider.pending import recorded_resources


def check_director(config: pulumi.Config, resolved: ResolvedInstance, url: str) -> None:
    """Raise ``pulumi.RunError`` (one line per problem, no traceback) unless the Director accepts this stack's
    settings and every node has the vendor objects and built-ins the configuration names."""
    # The same retries as the providers': a Director that is only flaky must not stop the plan.
    settings = ProviderSettings.from_config(config.get).client_settings(url, resolved.fleet.pool_uuid)
    nodes = {node.logpoint_id: node.name for node in resolved.nodes.values()}
    try:
        check_connection(settings, nodes)
        problems = missing_node_references(settings, resolved)
    except DirectorError as exc:
        raise pulumi.RunError(str(exc)) from None
    if problems:
        raise pulumi.RunError("\n".join(problems))


def adoption(
    config: pulumi.Config, resolved: ResolvedInstance, url: str, owner: str, project_dir: Path | None = None
) -> dict[str, Note]:
    """What the apply will do with the same-name objects already on the nodes (``adoptExisting`` only)."""
    settings = ProviderSettings.from_config(config.get).client_settings(url, resolved.fleet.pool_uuid)
    try:
        return adoption_notes(settings, resolved, recorded_resources(project_dir), owner)
    except DirectorError as exc:
        raise pulumi.RunError(str(exc)) from None


def missing_node_references(settings: ClientSettings, resolved: ResolvedInstance) -> list[str]:
    """One line per name the configuration expects on a node that the node does not have (one list per
    referenced type per node).

    A lookup that is also a section (``users``: console users, or the stack's own) is satisfied by an object
    the same node declares: the program makes the referencing object wait for it (``program.register``).
    """
    problems: list[str] = []
    for node in resolved.nodes.values():
        client = node_client(settings, node.logpoint_id, node.name)
        tables: dict[str, set[str]] = {}
        for ref in resolved.node_references:
            if ref.section not in node.sections or _declared_on(node.sections, ref.target, ref.value):
                continue
            if ref.target not in tables:
                tables[ref.target] = client.lookup_names(ref.target)
            if ref.value not in tables[ref.target]:
                problems.append(
                    f"{ref.where}: {ref.path}: {_label(ref.target)} '{ref.value}' does not exist on node {node.name}; "
                    "install or create it on that node first, or fix the name"
                )
    return problems


def _declared_on(sections: Mapping[str, list[dict[str, Any]]], target: str, name: str) -> bool:
    """Whether the node's configuration declares ``name`` in the section ``target`` (users of the stack)."""
    if target not in SECTIONS:
        return False
    name_key = by_section(target).name_key
    return any(str(obj.get(name_key)) == name for obj in sections.get(target, []))


def _label(target: str) -> str:
    return LOOKUPS[target].api_path if target in LOOKUPS else f"built-in {by_section(target).type_name}"
