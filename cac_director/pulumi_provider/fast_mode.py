"""Fast mode of an apply: the decision, and what the apply's ``pulumi`` CLI must see (docs/reliability.md).

On a file backend the engine rewrites the whole state at every step, so its own time grows with the square
of the stack's size (docs/performance.md "Fast mode (#17)"). ``PULUMI_SKIP_CHECKPOINTS=true`` writes the
state once, at the end; what a SIGKILL then loses, the providers' create journal keeps (``create_journal``).
Chosen with ``--fast/--no-fast``, else when the stack declares at least ``cac-director:fastApplyThreshold``
objects (default 300). One place for both commands that apply: ``cac-director up`` (``cli/fast_apply.py``,
settings from ``pulumi config``) and ``cac-director fleet up`` (``fleet/runner.py``, settings from each stack's
``stack.yaml``, one decision and one CLI environment per stack).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cac_director.config import ResolvedInstance
from cac_director.pulumi_provider import create_journal
from cac_director.pulumi_provider.stack_settings import NAMESPACE, Getter, read_stack_settings

SKIP_CHECKPOINTS_ENV = "PULUMI_SKIP_CHECKPOINTS"


@dataclass(frozen=True)
class FastApply:
    """The decision for one ``up`` and the journal of the stack (pruned whichever way the apply ran)."""

    fast: bool
    journal: Path
    reason: str

    @property
    def env(self) -> dict[str, str]:
        """What this apply's ``pulumi`` CLI (and so its providers) must see on top of the environment."""
        # Creates are journaled in both modes: the engine's pending creates do not survive a provider process
        # killed on its own (the engine, failing gracefully, drops them), the journal does.
        journal = {create_journal.JOURNAL_ENV: str(self.journal)}
        return {SKIP_CHECKPOINTS_ENV: "true", **journal} if self.fast else journal

    @property
    def announcement(self) -> str | None:
        """The one line that says an apply runs in fast mode, and where its journal is; None otherwise."""
        if not self.fast:
            return None
        return f"fast apply ({self.reason}): checkpoints skipped, every create journaled in {self.journal}"


def declared_objects(resolved: ResolvedInstance) -> int:
    """Objects an instance declares over all its nodes (what ``fastApplyThreshold`` counts)."""
    return sum(len(objects) for node in resolved.nodes.values() for objects in node.sections.values())


def project_name(project_dir: Path) -> str | None:
    """The ``name`` of the project's ``Pulumi.yaml`` (the journal's path has it); None when there is none."""
    try:
        return str(yaml.safe_load((project_dir / "Pulumi.yaml").read_text())["name"])
    except (OSError, yaml.YAMLError, KeyError, TypeError):
        return None


def choose(fast: bool | None, journal: Path, setting: Getter, declared: Callable[[], int | None]) -> FastApply:
    """``--fast``/``--no-fast`` when given, else ``fastApplyThreshold`` (from ``setting``) on ``declared()``.

    ``setting(key)`` is the raw value of ``cac-director:<key>``; ``declared()`` counts the instance's objects
    (None when it does not load: the program then says why, and the apply keeps its checkpoints).
    """
    if fast is not None:
        return FastApply(fast, journal, "--fast" if fast else "--no-fast")
    threshold = read_stack_settings(setting)[0].fast_apply_threshold
    count = declared() if threshold else None
    if count is None or count < threshold:
        return FastApply(False, journal, "below the threshold")
    return FastApply(True, journal, f"{count} objects, {NAMESPACE}:fastApplyThreshold = {threshold}")


def state_urns(deployment: Mapping[str, Any]) -> list[str]:
    """The URNs of a ``pulumi stack export`` deployment's resources."""
    resources: Iterable[Any] = deployment.get("resources") or []
    return [r["urn"] for r in resources if isinstance(r, dict) and isinstance(r.get("urn"), str)]


def prune_journal(mode: FastApply, deployment: Mapping[str, Any], rerun: str) -> list[str]:
    """After a successful apply: drop what the state holds; one warning per journaled create it does not hold.

    ``rerun``: the command that applies this stack again (``cac-director up``, or the fleet's for one stack).
    """
    return [
        f"warning: an interrupted apply sent the create of {entry.describe()}, which the configuration no longer "
        f"declares: if it exists on the Director, no stack manages it. Declare it again and run `{rerun}` "
        "(the stack records it; removing it afterwards deletes it), or delete it on the Director and then "
        f"remove its lines from {mode.journal}"
        for entry in create_journal.prune(mode.journal, state_urns(deployment))
    ]
