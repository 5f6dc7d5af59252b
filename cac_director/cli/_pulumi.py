"""Running the ``pulumi`` CLI for the commands built on it (``up``, ``rollback``): one place, one error style."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

import typer

from cac_director.pulumi_provider.applied import OUTPUT_NAME


class PulumiStack:
    """One stack of one project directory, driven through the ``pulumi`` CLI (non-interactive)."""

    def __init__(self, cwd: Path | None, stack: str | None) -> None:
        exe = shutil.which("pulumi")
        if exe is None:
            fail("the pulumi CLI is not on PATH: install it (https://www.pulumi.com/docs/install/)")
        self.exe = str(exe)
        self.cwd = cwd
        self.stack_args = ["--stack", stack] if stack else []

    def run(
        self, *args: str, env: Mapping[str, str] | None = None, capture: bool = False
    ) -> subprocess.CompletedProcess[str]:
        """Run ``pulumi <args>``; output goes to the terminal unless ``capture``."""
        return subprocess.run(
            [self.exe, *args, *self.stack_args, "--non-interactive"],
            cwd=self.cwd,
            env={**os.environ, **(env or {})},
            capture_output=capture,
            text=True,
            check=False,
        )

    def deployment(self) -> dict[str, Any]:
        """The stack's state (``pulumi stack export``, secrets stay encrypted)."""
        proc = self.run("stack", "export", capture=True)
        if proc.returncode != 0:
            fail(f"reading the stack's state failed: {last_line(proc.stderr)}")
        value = json.loads(proc.stdout).get("deployment")
        return value if isinstance(value, dict) else {}

    def recorded(self) -> dict[str, Any] | None:
        """The ``applied`` output of the last successful apply, or None."""
        proc = self.run("stack", "output", OUTPUT_NAME, "--json", capture=True)
        if proc.returncode != 0:
            return None
        try:
            value = json.loads(proc.stdout)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def names(urns: Sequence[str]) -> str:
    return ", ".join(sorted(urn.split("::")[-1] for urn in urns))
