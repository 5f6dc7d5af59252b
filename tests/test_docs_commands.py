"""Every shell block of README.md and docs/*.md runs as written, offline, on a copy of the project.

A block that cannot run here (it needs a Director, a backend login, the network, or runs for minutes) says
so on the line after it: ``<!-- doc-test: skip (reason) -->``; every other ```bash block is run. The
``cac-director`` commands of the README's everyday table run too, except those listed in TABLE_SKIPS.
A block that sets PATH itself (the first run) starts from a PATH without ``pulumi`` and ``.venv``, as on a
fresh machine; the others start with both on PATH, as the first run leaves them.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT, _pulumi_bin_dir, git

DOCS = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
SHELLS = ("bash", "sh", "shell")
SKIP = re.compile(r"^<!-- doc-test: skip \((?P<reason>[^)]+)\) -->$")
# Everyday-table commands that need a running Director or change the user's shell set-up.
TABLE_SKIPS = {
    "cac-director emulator": "starts a server that runs until stopped",
    "cac-director export": "reads a live Director",
    "cac-director plan": "previews a stack against a running Director",
    "cac-director up": "applies to a live Director",
    "cac-director rollback": "applies to a live Director",
    "cac-director --install-completion": "writes into the user's shell start-up files",
    "cac-director fleet preview": "runs Pulumi on every stack: needs a logged-in backend and a Director",
    "cac-director impact": "compares with a git ref: needs the repository's history",
}
COPIED = ("fleets", "policies", "scripts", "Pulumi.yaml", "Pulumi.staging.yaml", "__main__.py", "pyproject.toml")


@dataclass(frozen=True)
class Block:
    where: str
    text: str
    skip: str | None


def _blocks(path: Path) -> list[Block]:
    lines = path.read_text().splitlines()
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        fence = lines[index].strip()
        if fence.startswith("```") and fence[3:].strip() in SHELLS:
            end = next(n for n in range(index + 1, len(lines)) if lines[n].strip() == "```")
            after = lines[end + 1] if end + 1 < len(lines) else ""
            match = SKIP.match(after.strip())
            where = f"{path.relative_to(REPO_ROOT)}:{index + 1}"
            blocks.append(Block(where, "\n".join(lines[index + 1 : end]), match["reason"] if match else None))
            index = end
        index += 1
    return blocks


def _table_commands() -> list[Block]:
    readme = (REPO_ROOT / "README.md").read_text()
    table = readme[readme.index("## Everyday use") :].split("\n\n", 2)[1]
    commands = []
    for number, line in enumerate(table.splitlines()):
        for command in re.findall(r"`(cac-director [^`]+)`", line):
            skip = next((reason for prefix, reason in TABLE_SKIPS.items() if command.startswith(prefix)), None)
            commands.append(Block(f"README.md everyday table row {number}", command, skip))
    return commands


BLOCKS = [block for doc in DOCS for block in _blocks(doc)] + _table_commands()


def _fresh_path() -> str:
    """The PATH of a fresh machine: this one's, without the project's tools."""
    kept = [
        entry
        for entry in os.environ.get("PATH", "").split(os.pathsep)
        if entry and not (Path(entry) / "cac-director").exists() and not (Path(entry) / "pulumi").exists()
    ]
    return os.pathsep.join(kept)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project sharing this checkout's .venv (set up: the copy's setup then changes nothing)."""
    installed = REPO_ROOT / ".venv" / ".cac-director-installed"
    want = hashlib.sha256((REPO_ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not installed.exists() or installed.read_text().strip() != want:
        pytest.fail("the .venv is not set up for this pyproject.toml: run scripts/setup")
    root = tmp_path / "project"
    root.mkdir()
    for name in COPIED:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy2(source, root / name)
    (root / ".venv").symlink_to(REPO_ROOT / ".venv")
    return root


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.skip is None], ids=lambda b: b.where)
def test_doc_command_block_runs(block: Block, project: Path, tmp_path: Path) -> None:
    pulumi_bin = _pulumi_bin_dir()
    if pulumi_bin is None:
        if os.environ.get("CI"):
            pytest.fail("the pulumi CLI is not available: run scripts/setup")
        pytest.skip("the pulumi CLI is not available")
    path = _fresh_path()
    if "export PATH=" not in block.text:
        path = os.pathsep.join([str(pulumi_bin), str(REPO_ROOT / ".venv" / "bin"), path])
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "CAC_DIRECTOR_PULUMI_BIN")},
        "PATH": path,
        "PULUMI_HOME": str(tmp_path / "pulumi-home"),
        "PULUMI_SKIP_UPDATE_CHECK": "true",
    }
    proc = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block.text],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, f"{block.where}\n$ {block.text}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"


def test_every_skipped_block_says_why_and_most_blocks_run() -> None:
    shell_blocks = [b for doc in DOCS for b in _blocks(doc)]
    assert all(b.skip and len(b.skip) > 10 for b in shell_blocks if b.skip is not None)
    assert sum(b.skip is None for b in BLOCKS) >= 6
    table = _table_commands()
    for prefix in TABLE_SKIPS:
        assert any(b.text.startswith(prefix) for b in table), f"TABLE_SKIPS lists {prefix!r}, no longer in the README"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.e2e
def test_the_demo_leaves_the_clone_clean(project: Path, tmp_path: Path) -> None:
    """scripts/demo and scripts/demo --destroy write only ignored files; the second run keeps the demo's secret."""
    pulumi_bin = _pulumi_bin_dir()
    if pulumi_bin is None:
        if os.environ.get("CI"):
            pytest.fail("the pulumi CLI is not available: run scripts/setup")
        pytest.skip("the pulumi CLI is not available")
    shutil.copy2(REPO_ROOT / ".gitignore", project / ".gitignore")
    git(project, "init", "-q")
    # The copy's .venv is a symlink, which the `.venv/` pattern (directories only) does not match.
    (project / ".git" / "info" / "exclude").write_text(".venv\n")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "clone")
    password = "demo-test-pass-51c2e7"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "DIRECTOR_", "DEMO_"))},
        "PATH": os.pathsep.join([str(pulumi_bin), str(REPO_ROOT / ".venv" / "bin"), os.environ.get("PATH", "")]),
        "PULUMI_HOME": str(tmp_path / "pulumi-home"),
        "DEMO_PORT": str(_free_port()),  # never the demo's fixed 8443 in a test; the same for both runs
        "DEMO_USER_PASSWORD": password,
    }
    env.pop("VIRTUAL_ENV", None)

    def demo(*args: str) -> str:
        proc = subprocess.run(
            ["scripts/demo", *args], cwd=project, env=env, capture_output=True, text=True, timeout=600, check=False
        )
        status = subprocess.run(
            ["git", "status", "--porcelain"], cwd=project, capture_output=True, text=True, check=True
        ).stdout
        assert status == "", f"scripts/demo {' '.join(args)} left the clone dirty:\n{status}"
        assert proc.returncode == 0, f"scripts/demo {' '.join(args)}\n{proc.stdout}\n{proc.stderr}"
        return proc.stdout

    def demo_secret() -> object:
        stack = yaml.safe_load((project / ".state" / "Pulumi.staging.yaml").read_text())
        return stack["config"]["cac-director:userPasswords"]["banka-tester"]

    assert "--expect-no-changes" in demo()
    secret = demo_secret()
    assert isinstance(secret, dict) and set(secret) == {"secure"}
    demo("--destroy")
    assert demo_secret() == secret
    assert not any(password in path.read_text(errors="replace") for path in project.rglob("*.yaml"))
