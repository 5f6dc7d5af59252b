"""Shared test fixtures: the Pulumi CLI environment for end-to-end tests."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


def _pulumi_bin_dir() -> Path | None:
    """The CLI scripts/test put on PATH, or the one scripts/ensure-pulumi finds or builds."""
    env_dir = os.environ.get("CAC_DIRECTOR_PULUMI_BIN")
    if env_dir and (Path(env_dir) / "pulumi").exists():
        return Path(env_dir)
    found = shutil.which("pulumi")
    if found:
        return Path(found).resolve().parent
    return None


@dataclass
class PulumiCLI:
    """Runs the real ``pulumi`` in one project directory against a private file backend."""

    project_dir: Path
    env: dict[str, str]
    log: list[str] = field(default_factory=list)

    def run(self, *args: str, check: bool = True, timeout: float = 900) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            ["pulumi", *args, "--non-interactive"],
            cwd=self.project_dir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        self.log.append(f"$ pulumi {' '.join(args)}\n{proc.stdout}\n{proc.stderr}")
        if check and proc.returncode != 0:
            raise AssertionError(
                f"pulumi {' '.join(args)} exited {proc.returncode}\n"
                f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
            )
        return proc


@pytest.fixture(scope="session")
def pulumi_bin() -> Path:
    """The Pulumi CLI directory; fails (never skips) under CI when it is missing."""
    found = _pulumi_bin_dir()
    if found is None:
        message = "the pulumi CLI is not available: run scripts/setup (it installs or builds it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture
def pulumi_env(tmp_path: Path, pulumi_bin: Path) -> dict[str, str]:
    """Environment for a real CLI run: private PULUMI_HOME, file backend and passphrase secrets."""
    state = tmp_path / "backend"
    state.mkdir()
    env = dict(os.environ)
    env.update(
        {
            "PATH": f"{pulumi_bin}{os.pathsep}{REPO_ROOT / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}",
            "PULUMI_HOME": str(tmp_path / "pulumi-home"),
            "PULUMI_BACKEND_URL": f"file://{state}",
            "PULUMI_CONFIG_PASSPHRASE": "e2e-test-passphrase",
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        }
    )
    env.pop("PULUMI_ACCESS_TOKEN", None)
    return env


@pytest.fixture
def pulumi_cli_factory(pulumi_env: dict[str, str]) -> Iterator[object]:
    """``factory(project_dir) -> PulumiCLI`` sharing this test's backend."""

    def factory(project_dir: Path) -> PulumiCLI:
        return PulumiCLI(project_dir=project_dir, env=dict(pulumi_env))

    yield factory


def git(repo: Path, *args: str) -> None:
    """Run git in ``repo`` with a fixed identity (tests commit in temporary repositories)."""
    identity = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid"}
    identity |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env={**os.environ, **identity})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """End-to-end tests first: they are the long ones, so workers that take them early finish together."""
    items.sort(key=lambda item: 0 if "/e2e/" in item.nodeid.replace("\\", "/") or "e2e" in item.keywords else 1)
