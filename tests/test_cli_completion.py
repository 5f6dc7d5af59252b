"""Shell completion of the installed ``cac-director`` script, through a real bash."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.conftest import REPO_ROOT

SCRIPT = REPO_ROOT / ".venv" / "bin" / "cac-director"


def _bash_complete(line: str) -> list[str]:
    """What bash offers for ``line`` (the cursor at its end) once the generated script is sourced."""
    bash = shutil.which("bash")
    if bash is None:
        if os.environ.get("CI"):
            pytest.fail("bash is needed to test shell completion")
        pytest.skip("bash is not installed")
    words = line.split(" ")
    program = f"""
source <({SCRIPT} completion bash)
COMP_WORDS=({" ".join(f"'{w}'" for w in words)})
COMP_CWORD={len(words) - 1}
_cac_director_completion {SCRIPT}
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    env = {**os.environ, "PATH": f"{SCRIPT.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = subprocess.run([bash, "-c", program], capture_output=True, text=True, env=env, timeout=120, check=True)
    return [line for line in proc.stdout.splitlines() if line]


def test_commands_options_and_choices_complete() -> None:
    assert "validate" in _bash_complete("cac-director val")
    assert "completion" in _bash_complete("cac-director comp")
    assert "--json" in _bash_complete("cac-director export --js")
    assert _bash_complete("cac-director render x.yaml --format ") == ["yaml", "json"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish", "powershell"])
def test_every_shell_gets_a_script_that_calls_back_into_cac_director(shell: str) -> None:
    proc = subprocess.run([str(SCRIPT), "completion", shell], capture_output=True, text=True, timeout=120, check=True)
    assert "_CAC_DIRECTOR_COMPLETE" in proc.stdout and "cac-director" in proc.stdout
