"""One instance end to end: load, resolve, validate (levels 1-4) and target nodes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cac_director.config._paths import PathT
from cac_director.config._schema_check import check_model
from cac_director.config.chain import (
    DEFAULT_MAX_DEPTH,
    Layer,
    check_document_header,
    find_templates_root,
    layer_sections,
)
from cac_director.config.fleet import RECEIVES, FleetInfo, NodeKind, load_fleet, select_nodes
from cac_director.config.issues import Issue, IssueCollector, Mark
from cac_director.config.loader import PosDict, display_path, load_yaml_file, mark_of
from cac_director.config.models import TopologyInstance
from cac_director.config.node_references import NodeReference, collect_node_references
from cac_director.config.protection import pop_protect, protected_sections
from cac_director.config.resolve import Folded, Resolver, fold
from cac_director.config.validate import validate_node_settings, validate_references, validate_resource
from cac_director.config.variables import Interpolator
from cac_director.conventions import SECTIONS, by_section
from cac_director.conventions.paths import values_at
from cac_director.errors import ValidationFailed


@dataclass
class NodeDesired:
    """The desired configuration of one targeted node (model shape, names only; treat as read-only)."""

    name: str
    logpoint_id: str
    role: NodeKind
    tags: dict[str, str]
    sections: dict[str, list[dict[str, Any]]]


@dataclass
class ResolvedInstance:
    """A validated instance: its fleet, and the desired state of every targeted node in fleet order."""

    name: str
    path: str
    fleet: FleetInfo
    nodes: dict[str, NodeDesired]
    sections: dict[str, list[dict[str, Any]]]
    """Every resolved section, before node targeting."""
    chain: tuple[str, ...] = ()
    """Template ids root-first, then the instance file."""
    vars: dict[str, Any] = field(default_factory=dict)
    warnings: list[Issue] = field(default_factory=list)
    protected: frozenset[tuple[str, str]] = frozenset()
    """(section, name) of the objects that YAML protects (``protect: true``, ``spec.protect``)."""
    node_references: list[NodeReference] = field(default_factory=list)
    """Vendor objects and built-ins the configuration names, to verify against each node."""


def check_instance(
    path: Path,
    templates_root: Path | None = None,
    *,
    max_depth: int = DEFAULT_MAX_DEPTH,
    collector: IssueCollector | None = None,
    resolver: Resolver | None = None,
) -> tuple[ResolvedInstance | None, list[Issue]]:
    """Resolve and validate ``path``; the instance (None if any error) and every issue found.

    ``resolver`` may be shared between instances of one tree so common templates are folded once.
    """
    collector = collector if collector is not None else IssueCollector()
    start = len(collector.issues)
    result = _check(path, templates_root, max_depth, collector, resolver)
    issues = collector.issues[start:]
    if any(issue.severity == "error" for issue in issues):
        return None, issues
    if result is not None:
        result.warnings = [issue for issue in issues if issue.severity == "warning"]
    return result, issues


def load_instance(
    path: Path, templates_root: Path | None = None, *, max_depth: int = DEFAULT_MAX_DEPTH
) -> ResolvedInstance:
    """The resolved, validated instance at ``path``; raises ``ValidationFailed`` listing every error."""
    resolved, issues = check_instance(Path(path), templates_root, max_depth=max_depth)
    if resolved is None:
        errors = [issue for issue in issues if issue.severity == "error"]
        raise ValidationFailed(issues=list[object](errors), message=_summary(errors))
    return resolved


def _summary(errors: list[Issue]) -> str:
    lines = [f"configuration is invalid: {len(errors)} error(s)"]
    lines.extend(issue.render() for issue in errors[:20])
    if len(errors) > 20:
        lines.append(f"... and {len(errors) - 20} more")
    return "\n".join(lines)


def _check(  # noqa: PLR0911 - stops at the first stage that leaves nothing to check further
    path: Path, templates_root: Path | None, max_depth: int, collector: IssueCollector, resolver: Resolver | None
) -> ResolvedInstance | None:
    file = display_path(path)
    if not path.is_file():
        collector.error("missing-file", f"instance file {path} not found", mark=Mark(file))
        return None
    docs = load_yaml_file(path, collector)
    if docs is None:
        return None
    if len(docs) != 1:
        collector.error(
            "bad-document-count",
            f"an instance file holds exactly one document, found {len(docs)}",
            mark=Mark(file, 1),
            hint="one instance per file: split the documents (---) into fleets/<customer>/<env>/instance.yaml files",
        )
        return None
    doc = docs[0]
    if check_document_header(doc, file, collector, expected="TopologyInstance") is None:
        return None
    # Level 1 on the envelope; resolution continues on the usable parts so later levels still report.
    check_model(TopologyInstance, doc, collector)
    metadata = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else PosDict()
    spec = doc.get("spec") if isinstance(doc.get("spec"), dict) else PosDict()
    name = metadata.get("name") if isinstance(metadata.get("name"), str) else path.parent.name

    fleet_ref = metadata.get("fleetRef", "../fleet.yaml")
    fleet = load_fleet(
        path.parent / str(fleet_ref),
        collector,
        referenced_at=mark_of(metadata, "fleetRef") if "fleetRef" in metadata else mark_of(metadata),
    )

    if templates_root is None:
        templates_root = find_templates_root(path.parent)
    if resolver is None or resolver.templates_root != templates_root:
        resolver = Resolver(templates_root, collector, max_depth)
    extends = metadata.get("extends") if isinstance(metadata.get("extends"), str) else None
    parent = resolver.parent_of(extends, None, mark_of(metadata, "extends"))
    if parent is None:
        return None
    vars_, sections = layer_sections(spec, collector)
    layer = Layer(file, str(name), extends, None, [file], mark_of(metadata), vars_, sections)
    folded = fold(parent, layer, collector)

    scope = {"instance.name": name, "fleet.name": fleet.name if fleet else ""}
    interpolator = Interpolator(folded.vars, scope, collector)
    protected: set[tuple[str, str]] = set()
    resolved_sections, node_references = _finalize_and_validate(folded, interpolator, collector, protected)
    for section in protected_sections(spec):
        protected.update((section, str(r[by_section(section).name_key])) for r in resolved_sections[section])
    if fleet is None:
        return None
    targets = spec.get("targets") if isinstance(spec.get("targets"), dict) else None
    nodes = _desired_nodes(fleet, targets, resolved_sections, collector, mark_of(spec, "targets"))
    return ResolvedInstance(
        name=str(name),
        path=file,
        fleet=fleet,
        nodes=nodes,
        sections=resolved_sections,
        node_references=node_references,
        chain=(*folded.chain,),
        vars=dict(interpolator.vars),
        protected=frozenset(protected),
    )


def _finalize_and_validate(
    folded: Folded, interpolator: Interpolator, collector: IssueCollector, protected: set[tuple[str, str]]
) -> tuple[dict[str, list[dict[str, Any]]], list[NodeReference]]:
    """Plain resources per section (levels 3-4 reported), in resolved order."""
    located: dict[str, list[tuple[str, dict[str, Any], Any]]] = {}
    output: dict[str, list[dict[str, Any]]] = {}
    for section in SECTIONS:
        name_key = by_section(section).name_key
        defaults = by_section(section).defaults
        nested = by_section(section).nested_defaults.items()
        seen: dict[str, Mark | None] = {}
        entries: list[tuple[str, dict[str, Any], Any]] = []
        resources: list[dict[str, Any]] = []
        for source in folded.sections.get(section, []):
            raw_name = source.get(name_key)
            base: PathT = (f"{section}[{raw_name}]",)
            resource = interpolator.finalize(source, mark_of(source), base)
            name = resource.get(name_key)
            if isinstance(name, str) and name != raw_name:
                base = (f"{section}[{name}]",)
            if name in seen:
                collector.error(
                    "duplicate-name",
                    f"two {section} resolve to the name {name!r} (other at {seen[name]})",
                    mark=mark_of(source, name_key),
                    path=base[0],
                    hint="names are unique per section",
                )
                continue
            seen[str(name)] = mark_of(source, name_key)
            if pop_protect(resource, source, base[0], collector):
                protected.add((section, str(name)))
            for key, value in defaults.items():
                resource.setdefault(key, value)
            for list_path, values in nested:
                for element in values_at(resource, list_path):
                    for key, default in values.items() if isinstance(element, dict) else ():
                        element.setdefault(key, default)
            validate_resource(section, resource, source, base, collector)
            entries.append((str(name), resource, source))
            resources.append(resource)
        located[section] = entries
        output[section] = resources
    validate_references(located, folded.deleted, collector)
    validate_node_settings(located, collector)
    return output, collect_node_references(located)


def _desired_nodes(
    fleet: FleetInfo,
    targets: PosDict | None,
    sections: dict[str, list[dict[str, Any]]],
    collector: IssueCollector,
    targets_mark: Mark | None,
) -> dict[str, NodeDesired]:
    selected = select_nodes(fleet, targets, collector)
    nodes: dict[str, NodeDesired] = {}
    received: set[str] = set()
    for node in selected:
        node_sections = {
            section: sections[section] for section in SECTIONS if node.role in RECEIVES[by_section(section).node_role]
        }
        received.update(node_sections)
        nodes[node.name] = NodeDesired(node.name, node.logpoint_id, node.role, dict(node.tags), node_sections)
    for section in SECTIONS:
        if sections[section] and section not in received:
            role = by_section(section).node_role
            kinds = "search heads or AIOs" if role == "search" else "data nodes or AIOs"
            collector.warning(
                "section-not-deployed",
                f"{len(sections[section])} {section} are defined but no targeted node receives them",
                mark=targets_mark,
                path=section,
                hint=f"{section} go to {kinds}; check spec.targets and the fleet",
            )
    return nodes
