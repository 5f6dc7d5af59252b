"""``cac-director rollback`` and ``cac-director up``: apply, and return to the last successful apply.

Each successful apply records the resolved configuration and the git commit as the stack output
``applied`` (``pulumi_provider/applied.py``); ``rollback`` runs a Pulumi update to that configuration.
``up`` is ``pulumi up --refresh`` plus three things (docs/reliability.md): large stacks apply in fast mode
(``fast_apply``); after success it drops the pending creates and journaled creates of an interrupted earlier
apply, which that update has just recorded; with ``--rollback-on-failure`` a failed apply is followed by a
rollback. Exit codes: 0 applied; 1 the apply failed (rolled back or not);
2 a usage problem (no pulumi CLI, nothing recorded to roll back to).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from cac_director.cli import fast_apply
from cac_director.cli._pulumi import PulumiStack, fail, names
from cac_director.pulumi_provider.applied import ROLLBACK_ENV

Cwd = Annotated[Path | None, typer.Option("--cwd", help="The Pulumi project directory (default: the current one).")]
Stack = Annotated[str | None, typer.Option("--stack", "-s", help="The stack (default: the selected one).")]


def register(app: typer.Typer) -> None:
    app.command("up", help="Apply the configuration (pulumi up); optionally roll back when the apply fails.")(up)
    app.command("rollback", help="Return the Director objects to the configuration of the last successful apply.")(
        rollback
    )


def up(
    cwd: Cwd = None,
    stack: Stack = None,
    rollback_on_failure: Annotated[
        bool, typer.Option(help="When the apply fails, apply the last successful configuration again.")
    ] = False,
    fast: Annotated[
        bool | None,
        typer.Option(
            "--fast/--no-fast",
            help="Skip the engine's checkpoints, journaling every create (default: from fastApplyThreshold objects).",
        ),
    ] = None,
) -> None:
    target = PulumiStack(cwd, stack)
    mode = fast_apply.decide(target, fast)
    fast_apply.announce(mode)
    # Refreshing first makes the plan start from the Director, which an interrupted apply left ahead of
    # the state (objects deleted but still recorded, pending deletes).
    if target.run("up", "--refresh", "--yes", env=mode.env).returncode == 0:
        deployment = target.deployment()
        fast_apply.prune_journal(mode, deployment)
        _drop_recorded_pending_creates(target, deployment)
        return
    if not rollback_on_failure:
        raise typer.Exit(1)
    typer.echo("The apply failed: rolling back to the last successful apply.", err=True)
    _rollback(target)
    raise typer.Exit(1)


def rollback(cwd: Cwd = None, stack: Stack = None) -> None:
    _rollback(PulumiStack(cwd, stack))


def _rollback(target: PulumiStack) -> None:
    recorded = target.recorded()
    if recorded is None:
        fail(
            "this stack has no successful apply recorded (the output 'applied' is missing, or the last apply ran "
            "with --continue-on-error and did not finish): nothing to roll back to"
        )
    commit = recorded.get("commit") or "an unknown commit"
    with tempfile.TemporaryDirectory(prefix="cac-director-rollback-") as tmp:
        path = Path(tmp) / "applied.json"
        path.write_text(json.dumps(recorded))
        if target.run("up", "--yes", env={ROLLBACK_ENV: str(path)}).returncode != 0:
            fail("the rollback apply failed too; fix the cause above and run `cac-director rollback` again", 1)
    typer.echo(f"Rolled back to the configuration of the last successful apply (commit {commit}).", err=True)


def _drop_recorded_pending_creates(target: PulumiStack, deployment: dict[str, Any]) -> None:
    """Clear pending creates the successful update recorded; never ones it could not have recorded."""
    pending = [
        op["resource"]["urn"]
        for op in deployment.get("pending_operations") or []
        if op.get("type") == "creating" and isinstance((op.get("resource") or {}).get("urn"), str)
    ]
    if not pending:
        return
    recorded = {r.get("urn") for r in deployment.get("resources") or [] if isinstance(r, dict)}
    unknown = [urn for urn in pending if urn not in recorded]
    if unknown:
        typer.echo(
            f"warning: pending creates of an interrupted apply name resources the configuration no longer has "
            f"({names(unknown)}); check the Director for them, then run `pulumi refresh --clear-pending-creates`",
            err=True,
        )
        return
    proc = target.run("refresh", "--clear-pending-creates", "--yes", "--skip-preview", capture=True)
    if proc.returncode != 0:
        typer.echo(
            "warning: clearing the recorded pending creates failed; run `pulumi refresh --clear-pending-creates`",
            err=True,
        )
