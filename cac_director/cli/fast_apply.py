"""Fast mode of ``cac-director up``: the engine skips its checkpoints, the providers journal their creates.

On a file backend the engine rewrites the whole state at every step, so its own time grows with the square
of the stack's size (docs/performance.md "Fast mode (#17)"). ``PULUMI_SKIP_CHECKPOINTS=true`` writes the
state once, at the end; what a SIGKILL then loses, the providers' create journal keeps
(``pulumi_provider/create_journal.py``, docs/reliability.md "Fast mode"). Chosen with ``--fast/--no-fast``,
else when the stack declares at least ``cac-director:fastApplyThreshold`` objects (default 300).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
import yaml

from cac_director.cli._pulumi import PulumiStack, fail, last_line
from cac_director.config import load_instance
from cac_director.errors import CacDirectorError
from cac_director.pulumi_provider import create_journal
from cac_director.pulumi_provider.stack_settings import NAMESPACE, read_stack_settings

SKIP_CHECKPOINTS_ENV = "PULUMI_SKIP_CHECKPOINTS"


@dataclass(frozen=True)
class FastApply:
    """The decision for one ``up`` and the journal of the stack (pruned whichever way the apply ran)."""

    fast: bool
    journal: Path
    reason: str

    @property
    def env(self) -> dict[str, str]:
        # Creates are journaled in both modes: the engine's pending creates do not survive a provider process
        # killed on its own (the engine, failing gracefully, drops them), the journal does.
        journal = {create_journal.JOURNAL_ENV: str(self.journal)}
        return {SKIP_CHECKPOINTS_ENV: "true", **journal} if self.fast else journal


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
    """Objects the stack's instance declares over all its nodes; None when it does not load (the program says why)."""
    instance, templates = config.get("instance"), config.get("templates")
    if not instance:
        return None
    path = Path(instance) if Path(instance).is_absolute() else project_dir / instance
    root = None if not templates else Path(templates) if Path(templates).is_absolute() else project_dir / templates
    try:
        resolved = load_instance(path, root)
    except (CacDirectorError, OSError):
        return None
    return sum(len(objects) for node in resolved.nodes.values() for objects in node.sections.values())


def journal_of(target: PulumiStack) -> Path:
    """The stack's create journal (``create_journal.journal_path``), named as the program names it."""
    project_dir = (target.cwd or Path.cwd()).resolve()
    try:
        project = str(yaml.safe_load((project_dir / "Pulumi.yaml").read_text())["name"])
    except (OSError, yaml.YAMLError, KeyError, TypeError):
        fail(f"no Pulumi project in {project_dir} (Pulumi.yaml with a name): run this in the project directory")
    proc = target.run("stack", "--show-name", capture=True)
    if proc.returncode != 0:
        fail(f"no stack selected: {last_line(proc.stderr)}; pass --stack or run `pulumi stack select`")
    return create_journal.journal_path(project_dir, project, proc.stdout.strip())


def decide(target: PulumiStack, fast: bool | None) -> FastApply:
    """``--fast``/``--no-fast`` when given, else the threshold on the declared objects."""
    journal = journal_of(target)
    if fast is not None:
        return FastApply(fast, journal, "--fast" if fast else "--no-fast")
    config = _stack_config(target)
    threshold = read_stack_settings(config.get)[0].fast_apply_threshold
    count = _declared_objects((target.cwd or Path.cwd()).resolve(), config) if threshold else None
    if count is None or count < threshold:
        return FastApply(False, journal, "below the threshold")
    return FastApply(True, journal, f"{count} objects, {NAMESPACE}:fastApplyThreshold = {threshold}")


def announce(mode: FastApply) -> None:
    if mode.fast:
        typer.echo(
            f"fast apply ({mode.reason}): checkpoints skipped, every create journaled in {mode.journal}", err=True
        )


def prune_journal(mode: FastApply, deployment: dict[str, Any]) -> None:
    """After a successful apply: drop what the state holds, report journaled creates it does not."""
    resources = deployment.get("resources") or []
    urns = [r["urn"] for r in resources if isinstance(r, dict) and isinstance(r.get("urn"), str)]
    for entry in create_journal.prune(mode.journal, urns):
        typer.echo(
            f"warning: an interrupted apply sent the create of {entry.describe()}, which the configuration no longer "
            "declares: if it exists on the Director, no stack manages it. Declare it again and run `cac-director up` "
            "(the stack records it; removing it afterwards deletes it), or delete it on the Director and then "
            f"remove its lines from {mode.journal}",
            err=True,
        )
