"""Creates an interrupted apply left pending: the engine's own proof that an object is this stack's.

When the CLI dies during a create, the engine has already written a ``creating`` pending operation (with
the resource's inputs) into the stack's state, and the object may exist on the Director. The next update
reads those pending operations, and the program lets the resources they name take over a same-name object
(``adopt``) when name and node are the ones the engine recorded (docs/reliability.md "Ownership").

The state is read with ``pulumi stack export``, the CLI's own reading of the backend, only when the update
really applies (never in previews), so a plain `pulumi up` costs one extra CLI start, about a second.
``project_dir`` (where ``Pulumi.yaml`` is) defaults to the working directory, which is the project directory
for a local program; an inline program of ``cac-director fleet`` passes it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pulumi

EXPORT_TIMEOUT_SECONDS = 300


def _stack_name() -> str:
    org = pulumi.get_organization()
    return f"{org}/{pulumi.get_project()}/{pulumi.get_stack()}" if org else pulumi.get_stack()


def _deployment(project_dir: Path | None = None) -> dict[str, Any]:
    """The stack's state as ``pulumi stack export`` reads it, or {} when it cannot be read."""
    exe = shutil.which("pulumi")
    if exe is None:
        return {}
    try:
        proc = subprocess.run(
            [exe, "stack", "export", "--stack", _stack_name(), "--non-interactive"],
            cwd=project_dir or os.getcwd(),
            capture_output=True,
            text=True,
            timeout=EXPORT_TIMEOUT_SECONDS,
            check=False,
        )
        deployment = json.loads(proc.stdout).get("deployment") or {} if proc.returncode == 0 else {}
    except (OSError, subprocess.TimeoutExpired, ValueError, AttributeError):
        deployment = {}
    return deployment if isinstance(deployment, dict) else {}


def recorded_resources(project_dir: Path | None = None) -> set[str]:
    """``<type token>::<logical name>`` of every resource the state records (previews included)."""
    return {
        "::".join(str(r["urn"]).split("::")[-2:])
        for r in _deployment(project_dir).get("resources") or []
        if isinstance(r, dict) and isinstance(r.get("urn"), str)
    }


def pending_creates(project_dir: Path | None = None) -> dict[str, dict[str, Any]]:
    """``<type token>::<logical name>`` -> recorded inputs of every pending create; empty in previews."""
    if pulumi.runtime.is_dry_run():
        return {}
    deployment = _deployment(project_dir)
    result: dict[str, dict[str, Any]] = {}
    for op in deployment.get("pending_operations") or []:
        resource = op.get("resource") or {} if isinstance(op, dict) else {}
        if op.get("type") == "creating" and isinstance(resource.get("urn"), str):
            key = "::".join(resource["urn"].split("::")[-2:])
            result[key] = resource.get("inputs") or {}
    return result


def is_own_pending(pending: Mapping[str, dict[str, Any]], key: str, *, name_key: str, name: str, node: str) -> bool:
    """True when the engine recorded a create of ``key`` for the same name on the same node."""
    recorded = pending.get(key)
    if recorded is None:
        return False
    return recorded.get(name_key) == name and (recorded.get("target") or {}).get("node") == node
