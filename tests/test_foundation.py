"""The project's own plumbing: the two commands, the CLI/SDK pins, the fallback language host."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import grpc
import pytest
from google.protobuf import empty_pb2
from pulumi.runtime.proto import language_pb2_grpc

from cac_director.langhost.server import _engine_address, _program_python
from tests.conftest import REPO_ROOT


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    commands = re.findall(r"^(scripts/\S+)\s+#", readme, flags=re.MULTILINE)
    assert commands[:2] == ["scripts/demo", "scripts/test"]
    ci = (REPO_ROOT / ".ci" / "run").read_text()
    assert re.search(r"^exec scripts/test$", ci, flags=re.MULTILINE)


def test_cli_version_is_compatible_with_the_sdk_pin() -> None:
    script = (REPO_ROOT / "scripts" / "ensure-pulumi").read_text()
    cli = re.search(r'^PULUMI_VERSION="([\d.]+)"', script, flags=re.MULTILINE)
    minimum = re.search(r'^PULUMI_MIN_VERSION="([\d.]+)"', script, flags=re.MULTILINE)
    pins = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    sdk = next(p.split("==")[1] for p in pins if p.startswith("pulumi=="))
    assert cli and minimum
    # A newer engine with an older SDK is the supported direction; both must be new enough for configure().
    assert _version(minimum.group(1)) <= _version(sdk) <= _version(cli.group(1))
    assert _version(cli.group(1))[0] == _version(sdk)[0]


def test_every_dependency_is_pinned_exactly() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    for requirement in [*project["dependencies"], *project["optional-dependencies"]["dev"]]:
        assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[\w.]+", requirement), requirement


def test_language_host_finds_the_engine_address_among_flags() -> None:
    assert _engine_address(["127.0.0.1:37183"]) == "127.0.0.1:37183"
    assert _engine_address(["-root=/x", "-tracing=", "localhost:4000"]) == "localhost:4000"
    assert _engine_address(["-virtualenv=.venv"]) == ""


def test_language_host_runs_programs_in_the_project_virtualenv(tmp_path: Path) -> None:
    python, env = _program_python(str(REPO_ROOT), {"virtualenv": ".venv"})
    assert python == str(REPO_ROOT / ".venv" / "bin" / "python")
    assert env["VIRTUAL_ENV"] == str(REPO_ROOT / ".venv")
    assert env["PATH"].startswith(str(REPO_ROOT / ".venv" / "bin"))
    with pytest.raises(FileNotFoundError, match="scripts/setup"):
        _program_python(str(tmp_path), {"virtualenv": "missing-venv"})
    assert _program_python(str(tmp_path), {})[0] == sys.executable


def test_language_host_announces_a_port_and_serves_plugin_info() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "cac_director.langhost", "127.0.0.1:1"], stdout=subprocess.PIPE, text=True
    )
    try:
        port = int(proc.stdout.readline()) if proc.stdout else 0
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            info = language_pb2_grpc.LanguageRuntimeStub(channel).GetPluginInfo(empty_pb2.Empty(), timeout=10)
        assert re.fullmatch(r"\d+\.\d+\.\d+", info.version)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    # SIGTERM stops it quietly: the engine shows plugin stderr to users.
    assert proc.returncode in (0, -15)
