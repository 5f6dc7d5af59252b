"""``export_fleet``: read nodes of a fleet, split, build files; ``write_files`` and ``check_written``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cac_director.config import FleetInfo, Issue, check_instance, load_fleet
from cac_director.config.issues import IssueCollector
from cac_director.config.loader import load_yaml_file
from cac_director.conventions import SECTIONS
from cac_director.director import ClientSettings, node_client
from cac_director.errors import ConfigError, ValidationFailed
from cac_director.export import write
from cac_director.export.documents import ExportFile, build_files
from cac_director.export.read import NodeExport, read_node
from cac_director.export.split import Split, split
from cac_director.export.write import WriteReport


@dataclass
class ExportResult:
    fleet: FleetInfo
    exports: list[NodeExport]
    parts: Split
    files: list[ExportFile]
    issues: list[Issue] = field(default_factory=list)
    """Validation issues of the written instances (only filled by ``check_written``)."""


def read_fleet(fleet_path: Path) -> tuple[FleetInfo, dict[str, Any]]:
    """The validated fleet and its raw document; ``ValidationFailed`` with every issue when unusable."""
    collector = IssueCollector()
    fleet = load_fleet(fleet_path, collector)
    errors = [issue for issue in collector.issues if issue.severity == "error"]
    if fleet is None or errors:
        lines = "\n".join(issue.render() for issue in errors) or f"{fleet_path}: not a usable fleet file"
        raise ValidationFailed(issues=list[object](errors), message=lines)
    docs = load_yaml_file(fleet_path, IssueCollector()) or [{}]
    return fleet, _plain(docs[0])


def _plain(value: Any) -> Any:
    """Loader mappings/lists (which carry positions) as plain dicts and lists."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def parse_only(value: str | None) -> frozenset[str] | None:
    """``--only repos,routingPolicies`` as a set of section names; ConfigError naming the valid ones."""
    if not value:
        return None
    wanted = {part.strip() for part in value.split(",") if part.strip()}
    unknown = sorted(wanted - set(SECTIONS))
    if unknown:
        raise ConfigError(f"--only: unknown section(s) {', '.join(unknown)}; valid: {', '.join(SECTIONS)}")
    return frozenset(wanted)


def export_fleet(
    fleet_path: Path,
    node_names: list[str],
    settings: ClientSettings,
    *,
    only: frozenset[str] | None = None,
    include_builtins: bool = False,
) -> ExportResult:
    """Read ``node_names`` of the fleet through the Director and build the exported files (nothing written)."""
    fleet, raw = read_fleet(fleet_path)
    by_name = {node.name: node for node in fleet.nodes}
    missing = [name for name in node_names if name not in by_name]
    if missing:
        raise ConfigError(
            f"{fleet_path}: no node named {', '.join(missing)} in fleet {fleet.name}; nodes: {', '.join(by_name)}"
        )
    if not node_names:
        raise ConfigError("name at least one node with --node")
    # Fleet order, duplicates removed: the output must not depend on the order of --node flags.
    chosen = [node for node in fleet.nodes if node.name in set(node_names)]
    exports = []
    for node in chosen:
        client = node_client(settings, node.logpoint_id, node.name, fleet.pool_uuid)
        exports.append(read_node(client, node, only=only, include_builtins=include_builtins))
    parts = split(exports)
    files = build_files(fleet.name, raw, str(fleet_path), parts)
    return ExportResult(fleet=fleet, exports=exports, parts=parts, files=files)


def write_files(result: ExportResult, out_dir: Path, *, force: bool = False) -> WriteReport:
    """Write every file below ``out_dir`` (``write.write_files``: contained, no overwrite of hand edits)."""
    return write.write_files(result.files, out_dir, force=force)


def check_written(result: ExportResult, out_dir: Path) -> list[Issue]:
    """Resolve and validate every written instance (as ``cac-director validate`` would); keeps the issues."""
    issues: list[Issue] = []
    for file in result.files:
        if file.document["kind"] == "TopologyInstance":
            _, found = check_instance(out_dir / file.path, out_dir / "templates")
            issues.extend(found)
    result.issues = issues
    return issues
