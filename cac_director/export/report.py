"""The ``cac-director export --json`` report: what the summary table says, for CI and scripts."""

from __future__ import annotations

from typing import Any

from cac_director.export.documents import group_name, template_name
from cac_director.export.run import ExportResult


def json_report(result: ExportResult, out: str, exit_code: int) -> dict[str, Any]:
    return {
        "ok": exit_code in (0, 1),
        "exit_code": exit_code,
        "fleet": result.fleet.name,
        "out": out,
        "files": [file.path for file in result.files],
        "nodes": [
            {
                "node": export.node.name,
                "sections": {
                    section: {"exported": counts.exported, "builtinsSkipped": counts.builtins_skipped}
                    for section, counts in export.counts.items()
                },
                "notExpressible": [
                    {"section": item.section, "name": item.name, "what": item.what} for item in export.unexpressible
                ],
                "notes": [{"section": item.section, "name": item.name, "what": item.what} for item in export.notes],
            }
            for export in result.exports
        ],
        "sharedTemplate": {
            "name": template_name(result.fleet.name),
            "resources": sum(len(resources) for resources in result.parts.shared.values()),
        },
        "instances": [
            {"name": group_name(group), "resources": sum(len(r) for r in group.sections.values())}
            for group in result.parts.groups
        ],
        "issues": [issue.to_json() for issue in result.issues],
    }


def json_failure(exit_code: int, message: str) -> dict[str, Any]:
    return {"ok": False, "exit_code": exit_code, "error": message}
