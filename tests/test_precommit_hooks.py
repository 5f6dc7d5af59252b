"""The pre-commit hooks run `cac-director validate` as configured: pass on the shipped tree, fail on a mistake.

pre-commit itself is not a dependency; this runs each hook's ``entry`` + ``args`` as pre-commit would with
``pass_filenames: false``, from the repository root, with the tools of .venv on PATH.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO_ROOT


def _validate_hooks() -> list[dict[str, Any]]:
    offered = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())
    own = yaml.safe_load((REPO_ROOT / ".pre-commit-config.yaml").read_text())
    local = [hook for repo in own["repos"] for hook in repo["hooks"]]
    return [hook for hook in [*offered, *local] if hook["id"] == "cac-director-validate"]


def _run(hook: dict[str, Any], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{REPO_ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = [*shlex.split(hook["entry"]), *hook.get("args", [])]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.parametrize("hook", _validate_hooks(), ids=lambda h: h["entry"])
def test_validate_hook_passes_on_the_tree_and_fails_on_a_mistake(hook: dict[str, Any], tmp_path: Path) -> None:
    assert hook["pass_filenames"] is False
    assert re.search(hook["files"], "fleets/bank-a/prod/instance.yaml")
    shutil.copytree(REPO_ROOT / "fleets", tmp_path / "fleets")
    assert _run(hook, tmp_path).returncode == 0
    instance = tmp_path / "fleets" / "bank-a" / "prod" / "instance.yaml"
    instance.write_text(instance.read_text().replace("hotDays: 45", "hotDays: 45\n  colour: blue", 1))
    failed = _run(hook, tmp_path)
    assert failed.returncode == 2
    assert "instance.yaml" in failed.stdout + failed.stderr
