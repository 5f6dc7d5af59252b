"""Which instances, nodes and objects resolve differently from a git ref: offline, before any Pulumi run.

The tree is resolved twice: as it is in the working directory (what a run would deploy, uncommitted edits
included) and as it was at the ref (``git archive`` of the tree's directory into a temporary directory).
Objects are compared in model shape per node, so a template edit shows every stack, node and object it
reaches, and nothing else.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cac_director.config.instance import ResolvedInstance
from cac_director.conventions import by_section
from cac_director.errors import CacDirectorError
from cac_director.fleet.discovery import FleetStack, discover

Change = Literal["create", "update", "delete"]
StackStatus = Literal["added", "removed", "changed", "unchanged", "invalid"]


class ImpactError(CacDirectorError):
    """The ref cannot be read (not a git work tree, unknown ref, git missing)."""


@dataclass(frozen=True)
class ObjectChange:
    node: str
    section: str
    name: str
    change: Change

    def to_json(self) -> dict[str, str]:
        return {"node": self.node, "section": self.section, "name": self.name, "change": self.change}


@dataclass
class StackImpact:
    stack: str
    instance: str
    """Instance file, relative to the tree."""
    status: StackStatus
    objects: list[ObjectChange] = field(default_factory=list)
    settings: list[str] = field(default_factory=list)
    """Connection changes (Director URL, pool): provider settings, no Director object changes."""

    @property
    def nodes(self) -> list[str]:
        return sorted({change.node for change in self.objects})

    def to_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "instance": self.instance,
            "status": self.status,
            "nodes": self.nodes,
            "settings": self.settings,
            "objects": [change.to_json() for change in self.objects],
        }


def _git(repo: Path, *args: str) -> bytes:
    try:
        proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False, timeout=300)
    except FileNotFoundError:
        raise ImpactError("git is not installed: impact and --changed-since need git") from None
    if proc.returncode != 0:
        message = proc.stderr.decode(errors="replace").strip().splitlines()
        raise ImpactError(f"git {' '.join(args[:2])}: {message[-1] if message else f'exit {proc.returncode}'}")
    return proc.stdout


def _objects(resolved: ResolvedInstance) -> dict[tuple[str, str, str], Any]:
    objects: dict[tuple[str, str, str], Any] = {}
    for node in resolved.nodes.values():
        for section, items in node.sections.items():
            key = by_section(section).name_key
            for item in items:
                objects[(node.name, section, str(item[key]))] = item
    return objects


def diff_instances(before: ResolvedInstance, after: ResolvedInstance) -> tuple[list[ObjectChange], list[str]]:
    """Object changes (per node, in model shape) and connection changes between two resolutions."""
    old, new = _objects(before), _objects(after)
    changes = [ObjectChange(*key, "delete") for key in old if key not in new]
    changes += [ObjectChange(*key, "create") for key in new if key not in old]
    changes += [ObjectChange(*key, "update") for key, value in new.items() if key in old and old[key] != value]
    settings = []
    if before.fleet.director_url != after.fleet.director_url:
        settings.append(f"director url {before.fleet.director_url} -> {after.fleet.director_url}")
    if before.fleet.pool_uuid != after.fleet.pool_uuid:
        settings.append(f"pool {before.fleet.pool_uuid} -> {after.fleet.pool_uuid}")
    return sorted(changes, key=lambda c: (c.node, c.section, c.name)), settings


def _by_instance(stacks: list[FleetStack], tree: Path) -> dict[str, FleetStack]:
    return {stack.instance_file.relative_to(tree.resolve()).as_posix(): stack for stack in stacks}


def tree_at(tree: Path, ref: str, into: Path) -> Path:
    """Extract ``tree`` as it is at ``ref`` below ``into``; return where the tree landed."""
    tree = tree.resolve()
    top = Path(_git(tree, "rev-parse", "--show-toplevel").decode().strip()).resolve()
    relative = tree.relative_to(top).as_posix()
    try:
        commit = _git(top, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").decode().strip()
    except ImpactError:
        raise ImpactError(
            f"unknown git ref {ref!r} in {top}: name a branch, tag or commit (git fetch first in CI)"
        ) from None
    archive = _git(top, "archive", "--format=tar", commit, "--", relative)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / relative


def impact(tree: Path, ref: str, current: list[FleetStack] | None = None) -> list[StackImpact]:
    """Every stack of ``tree`` (and every stack that existed at ``ref``) with how it resolves differently."""
    now = _by_instance(current if current is not None else discover(tree), tree)
    with tempfile.TemporaryDirectory(prefix="cac-director-impact-") as scratch:
        old_tree = tree_at(tree, ref, Path(scratch))
        then = _by_instance(discover(old_tree), old_tree) if old_tree.is_dir() else {}
    results: list[StackImpact] = []
    for instance in sorted(set(now) | set(then)):
        after, before = now.get(instance), then.get(instance)
        if after is None:
            assert before is not None
            results.append(StackImpact(before.name, instance, "removed"))
        elif after.resolved is None:
            results.append(StackImpact(after.name, instance, "invalid"))
        elif before is None or before.resolved is None:
            created = [ObjectChange(*key, "create") for key in _objects(after.resolved)]
            results.append(StackImpact(after.name, instance, "added" if before is None else "changed", created))
        else:
            objects, settings = diff_instances(before.resolved, after.resolved)
            status: StackStatus = "changed" if objects or settings else "unchanged"
            results.append(StackImpact(after.name, instance, status, objects, settings))
    return results
