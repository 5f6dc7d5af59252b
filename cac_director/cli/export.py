"""``cac-director export``: take a running customer under management (docs/onboarding.md).

Exit codes: 0 exported and valid; 1 exported, but something on a node could not be expressed or the
files validate with warnings; 2 a user mistake (fleet, node, option, missing token) or invalid output;
3 the Director could not be read.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cac_director.config.models._values import check_director_url
from cac_director.director import ClientSettings, runtime
from cac_director.director.settings import TOKEN_ENV
from cac_director.errors import ConfigError, DirectorError
from cac_director.export import ExportResult, check_written, export_fleet, parse_only, stream, write_files
from cac_director.export.documents import group_name, template_name
from cac_director.export.import_file import import_document
from cac_director.export.report import json_failure, json_report

EXIT_OK, EXIT_WARNINGS, EXIT_USER, EXIT_DIRECTOR = 0, 1, 2, 3


def register(app: typer.Typer) -> None:
    app.command(
        "export",
        help="Read nodes through the Director and write them as files of the YAML model (docs/onboarding.md).",
    )(export)


def export(  # noqa: PLR0917 - one parameter per command-line option
    fleet: Annotated[Path, typer.Option(help="The customer's fleet file (Director URL, pool, nodes).")],
    node: Annotated[list[str], typer.Option(help="A node of the fleet to export (repeatable).")],
    out: Annotated[str, typer.Option(help="Output directory, or '-' for one YAML stream on stdout.")] = "-",
    only: Annotated[
        str | None, typer.Option(help="Comma-separated sections to export (e.g. repos,routingPolicies).")
    ] = None,
    include_builtins: Annotated[
        bool, typer.Option(help="Also export built-in objects (default, _logpoint...).")
    ] = False,
    director_url: Annotated[str | None, typer.Option(help="Override the fleet's spec.director.url.")] = None,
    token_env: Annotated[str, typer.Option(help="Environment variable holding the Director token.")] = TOKEN_ENV,
    ca_bundle: Annotated[
        Path | None, typer.Option(exists=True, dir_okay=False, help="CA bundle to verify the Director's certificate.")
    ] = None,
    insecure_skip_verify: Annotated[bool, typer.Option(help="Do not verify TLS certificates (labs only).")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Report as JSON on stdout instead of the table (needs --out DIR).")
    ] = False,
    import_file: Annotated[
        Path | None, typer.Option(help="Also write a `pulumi import --file` document for the exported objects.")
    ] = None,
    stack: Annotated[str | None, typer.Option(help="The stack the --import-file is for (needed with it).")] = None,
    project: Annotated[str, typer.Option(help="The Pulumi project name (Pulumi.yaml `name`).")] = "cac-director",
    force: Annotated[
        bool, typer.Option(help="Overwrite files below --out that differ from what export last wrote there.")
    ] = False,
) -> None:
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    if as_json:
        # Errors and the report go to stdout as JSON; the table is not printed.
        err = _JsonConsole()
        if out == "-":
            _fail(err, "--json writes the report on stdout: give the files a directory with --out DIR")
    if import_file is not None and not stack:
        _fail(err, "--import-file needs --stack NAME: the file names the stack's provider by URN")
    token = os.environ.get(token_env, "")
    if not token:
        _fail(err, f"no Director token: set the environment variable {token_env} (or name another with --token-env)")
    try:
        sections = parse_only(only)
        url = _checked_url(director_url) if director_url else _fleet_url(fleet)
        settings = ClientSettings(
            url=url,
            token=token,
            ca_bundle=str(ca_bundle) if ca_bundle else None,
            verify=not insecure_skip_verify,
        )
        result = export_fleet(fleet, node, settings, only=sections, include_builtins=include_builtins)
    except ConfigError as exc:
        _fail(err, str(exc))
    except DirectorError as exc:
        _fail(err, f"reading the Director failed: {exc}", EXIT_DIRECTOR)
    finally:
        runtime.reset()
    _write(err, result, out, force=force)
    if import_file is not None:
        document = import_document(result.exports, stack=str(stack), project=project)
        import_file.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
    code = _exit_code(result)
    if as_json:
        sys.stdout.write(json.dumps(json_report(result, out, code), indent=2) + "\n")
    else:
        _summary(err, result, out)
    raise typer.Exit(code)


def _write(err: Console, result: ExportResult, out: str, *, force: bool) -> None:
    """The YAML on stdout (``-``) or below ``out``; either way, checked by reading it back."""
    if out == "-":
        with tempfile.TemporaryDirectory(prefix="cac-director-export-") as scratch:
            write_files(result, Path(scratch))
            check_written(result, Path(scratch))
        sys.stdout.write(stream(result.files))
        return
    try:
        report = write_files(result, Path(out), force=force)
    except ConfigError as exc:
        _fail(err, str(exc))
    for kept in report.kept:
        err.print(f"[yellow]kept[/yellow] {escape(str(kept))}: no longer exported, but edited since it was written")
    check_written(result, Path(out))


def _checked_url(url: str) -> str:
    try:
        return check_director_url(url)
    except ValueError as exc:
        raise ConfigError(f"--director-url: {exc}; allowed is an https:// (or http://) URL with a host") from None


def _fleet_url(fleet: Path) -> str:
    from cac_director.export.run import read_fleet  # noqa: PLC0415 - only needed without --director-url

    return read_fleet(fleet)[0].director_url


class _JsonConsole(Console):
    """Where ``_fail`` reports under ``--json``: one JSON object on stdout."""

    def __init__(self) -> None:
        super().__init__(stderr=True)


def _fail(err: Console, message: str, code: int = EXIT_USER) -> None:
    if isinstance(err, _JsonConsole):
        sys.stdout.write(json.dumps(json_failure(code, message)) + "\n")
    else:
        err.print(f"[bold red]error:[/bold red] {escape(message)}")
    raise typer.Exit(code)


def _exit_code(result: ExportResult) -> int:
    if any(issue.severity == "error" for issue in result.issues):
        return EXIT_USER
    if result.issues or any(e.unexpressible for e in result.exports):
        return EXIT_WARNINGS
    return EXIT_OK


def _summary(err: Console, result: ExportResult, out: str) -> None:
    table = Table(title=f"cac-director export of fleet {result.fleet.name}", show_lines=False)
    for column in ("node", "section", "exported", "built-ins skipped", "not expressible"):
        table.add_column(column, justify="left" if column in ("node", "section") else "right")
    for export in result.exports:
        missing: dict[str, int] = {}
        for item in export.unexpressible:
            missing[item.section] = missing.get(item.section, 0) + 1
        for section, counts in export.counts.items():
            table.add_row(
                export.node.name,
                section,
                str(counts.exported),
                str(counts.builtins_skipped),
                str(missing.get(section, 0) or ""),
            )
    err.print(table)
    shared = sum(len(resources) for resources in result.parts.shared.values())
    err.print(f"shared template {template_name(result.fleet.name)}: {shared} resource(s)")
    for group in result.parts.groups:
        own = sum(len(resources) for resources in group.sections.values())
        err.print(f"instance {group_name(group)}: {own} resource(s) of its own")
    for export in result.exports:
        for item in export.unexpressible:
            err.print(
                f"[yellow]not expressible[/yellow] {escape(export.node.name)} "
                f"{escape(f'{item.section}[{item.name}]')}: {escape(item.what)}"
            )
        for item in export.notes:
            err.print(
                f"[cyan]note[/cyan] {escape(export.node.name)} "
                f"{escape(f'{item.section}[{item.name}]')}: {escape(item.what)}"
            )
    for issue in result.issues:
        colour = "red" if issue.severity == "error" else "yellow"
        err.print(f"[{colour}]{escape(issue.severity)}[/{colour}] {escape(issue.render())}")
    where = "stdout" if out == "-" else out
    err.print(f"wrote {len(result.files)} file(s) to {escape(where)}")
