"""``cac-director plan``: the change report of ``pulumi preview`` for review and CI (docs/plan.md).

It runs ``pulumi preview --json --refresh --run-program`` in the project directory: the program runs first,
so the connection check and the token in force now apply to the refresh too. Exit codes: 0 no changes,
1 changes, 2 the preview failed or could not be read (each problem on one line on stderr).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from cac_director.plan import UnreadableNote, render_text, report

EXIT_NO_CHANGES, EXIT_CHANGES, EXIT_ERROR = 0, 1, 2
PREVIEW_ARGS = ("preview", "--json", "--refresh", "--run-program", "--non-interactive")


def register(app: typer.Typer) -> None:
    app.command(
        "plan",
        help="Show what `pulumi preview` would change, per object and field (exit 0 none, 1 changes, 2 error).",
    )(plan)


def _errors(document: dict[str, Any] | None, stderr: str) -> list[str]:
    """One line per problem: the engine's error diagnostics, else the CLI's own error lines."""
    lines: list[str] = []
    for diag in (document or {}).get("diagnostics") or []:
        if diag.get("severity") == "error":
            message = str(diag.get("message") or "").strip()
            if message and "Program exited with non-zero exit code" not in message and message != "preview failed":
                lines.extend(line for line in message.splitlines() if line.strip())
    if not lines:
        lines = [line for line in stderr.splitlines() if line.strip()] or ["pulumi preview failed"]
    return list(dict.fromkeys(lines))


def plan(
    as_json: Annotated[bool, typer.Option("--json", help="Write the report as JSON (for CI).")] = False,
    stack: Annotated[str | None, typer.Option(help="The stack to plan (default: the selected one).")] = None,
    cwd: Annotated[Path, typer.Option(help="The Pulumi project directory.")] = Path(),
) -> None:
    pulumi = shutil.which("pulumi")
    if pulumi is None:
        typer.echo("the pulumi CLI is not on PATH: run scripts/setup, or install pulumi", err=True)
        raise typer.Exit(EXIT_ERROR)
    args = [pulumi, *PREVIEW_ARGS, *(("--stack", stack) if stack else ())]
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    try:
        document: dict[str, Any] | None = json.loads(proc.stdout) if proc.stdout.strip() else None
    except json.JSONDecodeError:
        document = None
    if proc.returncode != 0 or document is None:
        for line in _errors(document, proc.stderr):
            typer.echo(f"error: {line}", err=True)
        raise typer.Exit(EXIT_ERROR)
    try:
        changes = report(document)
    except UnreadableNote as exc:
        hint = "run `cac-director plan` from the installation that runs the stack's program"
        typer.echo(f"error: {exc}; {hint}", err=True)
        raise typer.Exit(EXIT_ERROR) from None
    if as_json:
        json.dump({"changes": [change.as_dict() for change in changes]}, sys.stdout, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        for line in render_text(changes) or ["no changes"]:
            typer.echo(line)
    raise typer.Exit(EXIT_CHANGES if changes else EXIT_NO_CHANGES)
