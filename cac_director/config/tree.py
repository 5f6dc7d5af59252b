"""Validating a whole directory: every instance, every fleet and every template found below it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cac_director.config.chain import DEFAULT_MAX_DEPTH, YAML_SUFFIXES, check_document_header, find_templates_root
from cac_director.config.fleet import load_fleet
from cac_director.config.instance import ResolvedInstance, check_instance
from cac_director.config.issues import IssueCollector, Mark
from cac_director.config.loader import display_path, load_yaml_file
from cac_director.config.resolve import Resolver
from cac_director.config.validate.ownership import check_single_owner


@dataclass
class TreeReport:
    issues: list = field(default_factory=list)  # type: ignore[type-arg]
    instances: list[ResolvedInstance] = field(default_factory=list)
    files: int = 0


def validate_path(  # noqa: PLR0912 - one branch per file kind
    path: Path, templates_root: Path | None = None, *, max_depth: int = DEFAULT_MAX_DEPTH
) -> TreeReport:
    """Issues of an instance file, or of every file below a directory (levels 1-4 where they apply)."""
    collector = IssueCollector()
    report = TreeReport()
    if path.is_file():
        resolved, _ = check_instance(path, templates_root, max_depth=max_depth, collector=collector)
        report.files = 1
        if resolved is not None:
            report.instances.append(resolved)
        report.issues = collector.issues
        return report
    resolvers: dict[Path | None, Resolver] = {}
    checked_fleets: set[Path] = set()
    template_dirs: dict[Path, set[Path]] = {}
    for file in sorted(p for p in path.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file()):
        report.files += 1
        scratch = IssueCollector()
        docs = load_yaml_file(file, scratch)
        kind = check_document_header(docs[0], display_path(file), scratch) if docs else None
        if kind == "TopologyInstance":
            root = templates_root or find_templates_root(file.parent)
            resolver = resolvers.setdefault(root, Resolver(root, collector, max_depth))
            resolved, _ = check_instance(file, root, max_depth=max_depth, collector=collector, resolver=resolver)
            if resolved is not None:
                report.instances.append(resolved)
                checked_fleets.add(Path(resolved.fleet.path).resolve())
        elif kind == "ConfigTemplate":
            root = templates_root or find_templates_root(file.parent.parent)
            if _template_placed(file, root, collector) and root is not None:
                template_dirs.setdefault(root, set()).add(file.parent)
        elif kind == "Fleet":
            template_dirs.setdefault(file, set())  # fleets are checked after instances (see below)
        else:
            collector.issues.extend(scratch.issues)
            if docs == []:
                collector.error(
                    "empty-file",
                    "the file holds no YAML document",
                    mark=Mark(display_path(file), 1),
                    hint="remove the file, or give it apiVersion, kind, metadata and spec",
                )
    for key, dirs in template_dirs.items():
        if not dirs and key.suffix in YAML_SUFFIXES:
            if key.resolve() not in checked_fleets:
                load_fleet(key, collector)
            continue
        resolver = resolvers.setdefault(key, Resolver(key, collector, max_depth))
        for directory in sorted(dirs):
            try:
                template_id = directory.resolve().relative_to(key.resolve()).as_posix()
            except ValueError:
                continue
            resolver.template(template_id)
    check_single_owner(report.instances, collector)
    report.issues = _dedupe(collector.issues)
    return report


def _template_placed(file: Path, root: Path | None, collector: IssueCollector) -> bool:
    """Whether a ConfigTemplate file sits in a template directory below a templates root (else reported)."""
    directory = file.parent.resolve()
    if root is not None and directory.is_relative_to(root.resolve()) and directory != root.resolve():
        return True
    collector.error(
        "template-outside-root",
        "a ConfigTemplate outside any templates root is never used"
        + (f" (the templates root here is {display_path(root)})" if root is not None else ""),
        mark=Mark(display_path(file), 1),
        path="kind",
        hint="templates live in templates/<id>/ directories; an instance file needs kind: TopologyInstance",
    )
    return False


def _dedupe(issues: list) -> list:  # type: ignore[type-arg]
    seen = set()
    unique = []
    for issue in issues:
        if issue in seen:
            continue
        seen.add(issue)
        unique.append(issue)
    return unique
