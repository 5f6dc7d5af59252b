"""``cac-director validate``, ``render`` and ``schema``: the YAML model from the command line.

Exit codes of ``validate`` (docs/configuration.md, "Validation"): 0 valid, 1 valid with warnings, 2 invalid,
3 could not run. ``render`` uses 0 / 2 / 3 the same way.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from cac_director.config import Issue, check_instance
from cac_director.config.render import render_text
from cac_director.config.schema import build_schema
from cac_director.config.tree import validate_path

EXIT_VALID, EXIT_WARNINGS, EXIT_INVALID, EXIT_CANNOT_RUN = 0, 1, 2, 3

TemplatesOption = Annotated[
    Path | None,
    typer.Option("--templates", help="Templates root (default: the nearest ancestor's templates/ directory)."),
]


class Format(StrEnum):
    yaml = "yaml"
    json = "json"


class Kind(StrEnum):
    Fleet = "Fleet"
    ConfigTemplate = "ConfigTemplate"
    TopologyInstance = "TopologyInstance"


def register(app: typer.Typer) -> None:
    app.command("validate", help="Validate an instance file, or every file below a directory (offline).")(validate)
    app.command("render", help="Print the resolved configuration of an instance, per node.")(render)
    app.command("schema", help="Print the JSON Schema of the YAML files (for yaml-language-server).")(schema)


def _print_issues(console: Console, issues: list[Issue]) -> None:
    by_file: dict[str, list[Issue]] = defaultdict(list)
    for issue in issues:
        by_file[issue.file].append(issue)
    for file, group in by_file.items():
        console.print(f"[bold]{escape(file or '(no file)')}[/bold]")
        for issue in sorted(group, key=lambda item: (item.line or 0, item.path)):
            colour = "red" if issue.severity == "error" else "yellow"
            line = f":{issue.line}" if issue.line is not None else ""
            path = f" [cyan]{escape(issue.path)}[/cyan]" if issue.path else ""
            console.print(
                f"  [dim]{escape(file)}{line}[/dim] [{colour}]{escape(f'{issue.severity}[{issue.code}]')}[/{colour}]"
                f"{path}: {escape(issue.message)}"
            )
            if issue.hint:
                console.print(f"      [dim]hint: {escape(issue.hint)}[/dim]")


def validate(
    path: Annotated[Path, typer.Argument(help="An instance file, or a directory validated whole.")],
    templates: TemplatesOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable report on stdout (for CI).")] = False,
) -> None:
    console = Console(stderr=False, highlight=False, soft_wrap=True)
    if not path.exists():
        _cannot_run(as_json, f"{path} does not exist")
    try:
        report = validate_path(path, templates)
    except Exception as exc:  # an internal failure must still end with exit 3, not a traceback
        _cannot_run(as_json, f"validation could not run: {type(exc).__name__}: {exc}")
    errors = [issue for issue in report.issues if issue.severity == "error"]
    warnings = [issue for issue in report.issues if issue.severity == "warning"]
    code = EXIT_INVALID if errors else EXIT_WARNINGS if warnings else EXIT_VALID
    if as_json:
        payload = {
            "valid": not errors,
            "exit_code": code,
            "files": report.files,
            "errors": len(errors),
            "warnings": len(warnings),
            "instances": [
                {"name": item.name, "path": item.path, "nodes": list(item.nodes)} for item in report.instances
            ],
            "issues": [issue.to_json() for issue in report.issues],
        }
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        raise typer.Exit(code)
    _print_issues(console, report.issues)
    summary = (
        f"{report.files} file(s), {len(report.instances)} instance(s): "
        f"{len(errors)} error(s), {len(warnings)} warning(s)"
    )
    if errors:
        console.print(f"[bold red]invalid[/bold red] - {summary}")
    elif warnings:
        console.print(f"[bold yellow]valid with warnings[/bold yellow] - {summary}")
    else:
        console.print(f"[bold green]valid[/bold green] - {summary}")
    raise typer.Exit(code)


def _cannot_run(as_json: bool, message: str) -> None:
    if as_json:
        sys.stdout.write(json.dumps({"valid": False, "exit_code": EXIT_CANNOT_RUN, "error": message}) + "\n")
    else:
        Console(stderr=True, highlight=False).print(f"[bold red]error:[/bold red] {escape(message)}")
    raise typer.Exit(EXIT_CANNOT_RUN)


def render(
    instance: Annotated[Path, typer.Argument(help="The instance file to resolve.")],
    node: Annotated[str | None, typer.Option(help="Only this node.")] = None,
    output_format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.yaml,
    templates: TemplatesOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Same as --format json; errors too come as JSON on stdout.")
    ] = False,
) -> None:
    if not instance.is_file():
        _cannot_run(as_json, f"{instance} is not a file")
    resolved, issues = check_instance(instance, templates)
    if resolved is None:
        if as_json:
            payload = {"valid": False, "exit_code": EXIT_INVALID, "issues": [issue.to_json() for issue in issues]}
            sys.stdout.write(json.dumps(payload, indent=2) + "\n")
            raise typer.Exit(EXIT_INVALID)
        console = Console(stderr=True, highlight=False, soft_wrap=True)
        _print_issues(console, issues)
        console.print("[bold red]invalid[/bold red] - nothing rendered")
        raise typer.Exit(EXIT_INVALID)
    if node is not None and node not in resolved.nodes:
        targeted = ", ".join(resolved.nodes)
        _cannot_run(as_json, f"node {node!r} is not targeted by {resolved.name} (targeted: {targeted})")
    sys.stdout.write(render_text(resolved, node, Format.json.value if as_json else output_format.value))


def schema(
    kind: Annotated[Kind | None, typer.Option(help="Only this kind (default: all three, oneOf on kind).")] = None,
    output: Annotated[Path | None, typer.Option(help="Write to this file instead of stdout.")] = None,
) -> None:
    text = json.dumps(build_schema(kind.value if kind else None), indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
