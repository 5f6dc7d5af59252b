"""What the last successful apply applied, kept as a stack output, and how rollback applies it again.

Every update exports ``applied``: the resolved configuration of every node and the git commit of the
project. The output depends on every resource's id, so the engine only records it when every resource
was created or updated: a failed apply leaves the previous value in place (docs/reliability.md "Rollback").
``cac-director rollback`` hands that value back to the program through ``ROLLBACK_ENV`` (a file path), and
the program registers it instead of the YAML: a plain Pulumi update, never an edit of the state.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pulumi

from cac_director.config import ResolvedInstance
from cac_director.config.fleet import FleetInfo
from cac_director.config.instance import NodeDesired
from cac_director.errors import ConfigError

OUTPUT_NAME = "applied"
ROLLBACK_ENV = "CAC_DIRECTOR_ROLLBACK_FILE"
FORMAT = 1


def git_commit(directory: Path) -> str:
    """The commit checked out in ``directory`` (``+dirty`` when files differ from it), or "" outside git."""
    git = shutil.which("git")
    if git is None:
        return ""
    try:
        head = subprocess.run(
            [git, "rev-parse", "HEAD"], cwd=directory, capture_output=True, text=True, timeout=30, check=False
        )
        if head.returncode != 0:
            return ""
        status = subprocess.run(
            [git, "status", "--porcelain"], cwd=directory, capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return head.stdout.strip() + ("+dirty" if status.stdout.strip() else "")


def snapshot(resolved: ResolvedInstance, director_url: str, commit: str) -> dict[str, Any]:
    """The JSON value of the ``applied`` output for ``resolved``."""
    return {
        "format": FORMAT,
        "commit": commit,
        "instance": resolved.name,
        "director": director_url,
        "pool": resolved.fleet.pool_uuid,
        "nodes": [
            {"name": n.name, "logpointId": n.logpoint_id, "role": n.role, "sections": n.sections}
            for n in resolved.nodes.values()
        ],
    }


def record(
    resolved: ResolvedInstance,
    director_url: str,
    resources: Sequence[pulumi.Resource],
    project_dir: Path | None = None,
) -> None:
    """Export ``applied``, resolved only once every resource has an id (i.e. the apply succeeded).

    ``project_dir`` defaults to the working directory (a local program's is the project directory).
    """
    value = snapshot(resolved, director_url, git_commit(project_dir or Path(os.getcwd())))
    ids = [r.id for r in resources if isinstance(r, pulumi.CustomResource)]
    pulumi.export(OUTPUT_NAME, pulumi.Output.all(*ids).apply(lambda _: value))


def from_snapshot(value: dict[str, Any], source: str) -> ResolvedInstance:
    """The instance a snapshot describes, ready to register; ``ConfigError`` when it is not one."""
    try:
        if value.get("format") != FORMAT:
            raise ValueError(f"format {value.get('format')!r}, expected {FORMAT}")
        nodes = {
            str(n["name"]): NodeDesired(
                name=str(n["name"]),
                logpoint_id=str(n["logpointId"]),
                role=n["role"],
                tags={},
                sections={str(k): list(v) for k, v in dict(n["sections"]).items()},
            )
            for n in value["nodes"]
        }
        fleet = FleetInfo(name="", director_url=str(value["director"]), pool_uuid=str(value["pool"]), path=source)
        return ResolvedInstance(name=str(value["instance"]), path=source, fleet=fleet, nodes=nodes, sections={})
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ConfigError(f"{source}: not a recorded configuration of cac-director ({exc})") from None


def rollback_target() -> ResolvedInstance | None:
    """The recorded configuration ``cac-director rollback`` asks the program to apply, or None."""
    path = os.environ.get(ROLLBACK_ENV)
    if not path:
        return None
    try:
        value = json.loads(Path(path).read_text())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: cannot read the recorded configuration ({exc})") from None
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: not a recorded configuration of cac-director")
    return from_snapshot(value, path)
