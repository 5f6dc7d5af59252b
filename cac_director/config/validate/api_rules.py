"""Level 3: required fields, types, enums, bounds (pydantic models) and rules spanning several fields.

The cross-field rules are declared in each type file (``ResourceConventions.rules``) and report plain findings;
this module gives them the file, line and path of the source they are about.
"""

from __future__ import annotations

from typing import Any

from cac_director.config._paths import PathT, element_segment, join
from cac_director.config._schema_check import check_model
from cac_director.config.issues import IssueCollector
from cac_director.config.loader import PosDict, mark_of
from cac_director.config.models import SECTION_MODELS
from cac_director.conventions import Finding, by_section


def validate_resource(
    section: str, resource: dict[str, Any], source: PosDict, path: PathT, collector: IssueCollector
) -> bool:
    """Report every level-3 problem of one resolved resource; True if it has no error (warnings do not count)."""
    before = len(collector.errors)
    conventions = by_section(section)
    for name in conventions.required_fields:
        if name not in resource:
            collector.error(
                "missing-field",
                f"required field {name!r} is missing",
                mark=mark_of(source),
                path=join((*path, name)),
                hint=f"set {name} in this resource or in a template it inherits from",
            )
    object_name = resource.get(conventions.name_key)
    if isinstance(object_name, str) and object_name in conventions.builtins:
        collector.error(
            "builtin-name",
            f"{object_name!r} is a built-in {conventions.type_name}: it is never created, changed or deleted",
            mark=mark_of(source, conventions.name_key),
            path=join((*path, conventions.name_key)),
            hint="reference the built-in by name where it is needed; give a managed object another name",
        )
    check_model(SECTION_MODELS[section], resource, collector, base=path, fallback=mark_of(source), root=source)
    for rule in conventions.rules:
        for finding in rule(resource):
            _report(finding, source, path, collector)
    return len(collector.errors) == before


def _report(finding: Finding, source: PosDict, path: PathT, collector: IssueCollector) -> None:
    """File, line and human path of a type rule's finding, found by walking its location in the source."""
    located: Any = source
    where = list(path)
    for step in finding.within:
        if isinstance(step, int):
            # The resolved resource mirrors its source element by element: the source knows the lines and `_id`s.
            container = located if isinstance(located, list) else []
            located = container[step] if step < len(container) else None
            where[-1] = element_segment(where[-1], located, step)
        else:
            located = located.get(step) if isinstance(located, dict) else None
            where.append(step)
    mark = mark_of(located, finding.field) if finding.at_field else mark_of(located)
    report = collector.warning if finding.severity == "warning" else collector.error
    report(
        finding.code,
        finding.message,
        mark=mark or mark_of(source),
        path=join((*where, finding.field)),
        hint=finding.hint,
    )
