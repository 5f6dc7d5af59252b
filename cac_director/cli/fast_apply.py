"""Fast mode of ``cac-director up`` (the decision itself: ``pulumi_provider/fast_mode.py``).

The stack's settings come from ``pulumi config`` and its name from ``pulumi stack``; ``cac-director fleet up``
makes the same decision per stack from each stack's ``stack.yaml`` (docs/fleet.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from cac_director.cli._pulumi import PulumiStack, fail, last_line
from cac_director.config import load_instance
from cac_director.errors import CacDirectorError
from cac_director.pulumi_provider import create_journal, fast_mode
from cac_director.pulumi_provider.fast_mode import FastApply
from cac_director.pulumi_provider.stack_settings import NAMESPACE


def _stack_config(target: PulumiStack) -> dict[str, str]:
    """``key`` -> value of the stack's ``cac-director:*`` settings (secrets left out: not needed here)."""
    proc = target.run("config", "--json", capture=True)
    if proc.returncode != 0:
        fail(f"reading the stack's settings failed: {last_line(proc.stderr)}")
    raw: dict[str, Any] = json.loads(proc.stdout or "{}")
    prefix = f"{NAMESPACE}:"
    return {
        key.removeprefix(prefix): str(item["value"])
        for key, item in raw.items()
        if key.startswith(prefix) and isinstance(item, dict) and not item.get("secret") and "value" in item
    }


def _declared_objects(project_dir: Path, config: dict[str, str]) -> int | None:
    """Objects the stack's instance declares; None when it does not load (the program says why)."""
    instance, templates = config.get("instance"), config.get("templates")
    if not instance:
        return None
    path = Path(instance) if Path(instance).is_absolute() else project_dir / instance
    root = None if not templates else Path(templates) if Path(templates).is_absolute() else project_dir / templates
    try:
        resolved = load_instance(path, root)
    except (CacDirectorError, OSError):
        return None
    return fast_mode.declared_objects(resolved)


def journal_of(target: PulumiStack) -> Path:
    """The stack's create journal (``create_journal.journal_path``), named as the program names it."""
    project_dir = (target.cwd or Path.cwd()).resolve()
    project = fast_mode.project_name(project_dir)
    if project is None:
        fail(f"no Pulumi project in {project_dir} (Pulumi.yaml with a name): run this in the project directory")
    proc = target.run("stack", "--show-name", capture=True)
    if proc.returncode != 0:
        fail(f"no stack selected: {last_line(proc.stderr)}; pass --stack or run `pulumi stack select`")
    return create_journal.journal_path(project_dir, project, proc.stdout.strip())


def decide(target: PulumiStack, fast: bool | None) -> FastApply:
    """``cac-director up``'s decision: its flag, else the threshold in the stack's settings."""
    journal = journal_of(target)
    if fast is not None:
        return fast_mode.choose(fast, journal, lambda _key: None, lambda: None)
    config = _stack_config(target)
    project_dir = (target.cwd or Path.cwd()).resolve()
    return fast_mode.choose(None, journal, config.get, lambda: _declared_objects(project_dir, config))


def announce(mode: FastApply) -> None:
    if mode.announcement:
        typer.echo(mode.announcement, err=True)


def prune_journal(mode: FastApply, deployment: dict[str, Any]) -> None:
    """After a successful apply: drop what the state holds, report journaled creates it does not."""
    for warning in fast_mode.prune_journal(mode, deployment, "cac-director up"):
        typer.echo(warning, err=True)
