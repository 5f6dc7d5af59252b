"""The LanguageRuntime gRPC service: start-up handshake, plugin discovery and ``Run``."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from concurrent import futures
from importlib import metadata
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format
from pulumi.runtime.proto import language_pb2, language_pb2_grpc, plugin_pb2

from cac_director.langhost.plugins import run_plugin

# Exit code with which Pulumi's bootstrap says "the error was already shown to the user".
_USER_ACTIONABLE_EXIT = 32
_ADDRESS = re.compile(r"^[\w.\-\[\]]+:\d+$")


def _engine_address(argv: list[str]) -> str:
    """The engine's address is the positional argument shaped ``host:port``; flags are ``-name=value``."""
    candidates = [arg for arg in argv if not arg.startswith("-") and _ADDRESS.match(arg)]
    return candidates[-1] if candidates else ""


def _find_exec_script() -> str:
    """Pulumi's program bootstrap, installed beside this host's shim (or anywhere on PATH)."""
    shim_dir = os.environ.get("CAC_DIRECTOR_LANGHOST_DIR", "")
    if shim_dir and (Path(shim_dir) / "pulumi-language-python-exec").is_file():
        return str(Path(shim_dir) / "pulumi-language-python-exec")
    found = shutil.which("pulumi-language-python-exec")
    if found:
        return found
    pulumi = shutil.which("pulumi")
    if pulumi:
        beside = Path(pulumi).resolve().parent / "pulumi-language-python-exec"
        if beside.is_file():
            return str(beside)
    raise FileNotFoundError(
        "pulumi-language-python-exec not found next to the language host or on PATH; rerun scripts/ensure-pulumi"
    )


def _program_python(
    root: str, options: Mapping[str, Any], base_env: Mapping[str, str] | None = None
) -> tuple[str, dict[str, str]]:
    """The interpreter for the program: the project's virtualenv when Pulumi.yaml names one."""
    env = dict(os.environ if base_env is None else base_env)
    env.pop("PYTHONHOME", None)
    venv = str(options.get("virtualenv") or env.get("PULUMI_RUNTIME_VIRTUALENV", ""))
    if not venv:
        return sys.executable, env
    venv_path = Path(venv) if Path(venv).is_absolute() else Path(root or ".") / venv
    python = venv_path / "bin" / "python"
    if not python.exists():
        raise FileNotFoundError(
            f"the virtualenv {venv_path} named in Pulumi.yaml does not exist; run scripts/setup to create it"
        )
    env["VIRTUAL_ENV"] = str(venv_path)
    env["PATH"] = f"{venv_path / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return str(python), env


class LanguageHost(language_pb2_grpc.LanguageRuntimeServicer):
    """Runs Python Pulumi programs for the engine."""

    def __init__(self, engine_address: str) -> None:
        self.engine_address = engine_address

    def Handshake(self, request: Any, context: Any) -> Any:
        self.engine_address = request.engine_address or self.engine_address
        return language_pb2.LanguageHandshakeResponse()

    def GetPluginInfo(self, request: Any, context: Any) -> Any:
        return plugin_pb2.PluginInfo(version=metadata.version("pulumi"))

    def GetRequiredPlugins(self, request: Any, context: Any) -> Any:
        # The dynamic-provider plugin is bundled with the CLI; no other plugin is needed by this project.
        return language_pb2.GetRequiredPluginsResponse()

    def GetRequiredPackages(self, request: Any, context: Any) -> Any:
        return language_pb2.GetRequiredPackagesResponse()

    def InstallDependencies(self, request: Any, context: Any) -> Any:
        # Dependencies are installed by scripts/setup (pinned, editable package); nothing to stream.
        return iter(())

    def RuntimeOptionsPrompts(self, request: Any, context: Any) -> Any:
        return language_pb2.RuntimeOptionsResponse()

    def About(self, request: Any, context: Any) -> Any:
        return language_pb2.AboutResponse(
            executable=sys.executable,
            version=sys.version.split()[0],
            metadata={"languageHost": "cac_director.langhost"},
        )

    def GetProgramDependencies(self, request: Any, context: Any) -> Any:
        deps = [
            language_pb2.DependencyInfo(name=dist.metadata["Name"], version=dist.version)
            for dist in metadata.distributions()
            if dist.metadata["Name"]
        ]
        return language_pb2.GetProgramDependenciesResponse(dependencies=sorted(deps, key=lambda d: d.name.lower()))

    def Run(self, request: Any, context: Any) -> Any:
        info = request.info
        options = json_format.MessageToDict(info.options) if info.HasField("options") else {}
        root = info.root_directory or request.pwd
        program = info.entry_point or request.program or "."
        program_dir = info.program_directory or request.pwd
        try:
            python, env = _program_python(root, options)
            exec_script = _find_exec_script()
        except FileNotFoundError as exc:
            return language_pb2.RunResponse(error=str(exc))
        env["PULUMI_CONFIG"] = json.dumps(dict(request.config))
        env["PULUMI_CONFIG_SECRET_KEYS"] = json.dumps(list(request.configSecretKeys))
        cmd = [
            python,
            "-u",
            exec_script,
            "--project", request.project,
            "--stack", request.stack,
            "--parallel", str(request.parallel),
            "--dry_run", "true" if request.dryRun else "false",
            "--pwd", program_dir,
            "--monitor", request.monitor_address,
            "--engine", self.engine_address,
            "--organization", request.organization,
            "--root_directory", root,
            program,
            *request.args,
        ]  # fmt: skip
        # The program's stdout/stderr flow to the engine exactly as the official host's do.
        returncode = subprocess.call(cmd, cwd=program_dir or None, env=env)
        if returncode == 0:
            return language_pb2.RunResponse()
        if returncode == _USER_ACTIONABLE_EXIT:
            return language_pb2.RunResponse(bail=True)
        return language_pb2.RunResponse(error=f"Program exited with non-zero exit code: {returncode}")

    def RunPlugin(self, request: Any, context: Any) -> Iterator[Any]:
        # Policy packs (PulumiPolicy.yaml with `runtime: python`) start this way.
        return run_plugin(request, context, _program_python)

    def Cancel(self, request: Any, context: Any) -> Any:
        return empty_pb2.Empty()


def main(argv: list[str] | None = None) -> None:
    """Serve on an ephemeral loopback port and announce it on stdout, as the engine expects of a plugin."""
    args = sys.argv[1:] if argv is None else argv
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=4),
        options=[("grpc.max_receive_message_length", 400 * 1024 * 1024)],
    )
    language_pb2_grpc.add_LanguageRuntimeServicer_to_server(LanguageHost(_engine_address(args)), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    # The engine stops plugins with SIGINT/SIGTERM: stop serving quietly instead of dumping a traceback.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: server.stop(grace=0))
    print(port, flush=True)
    server.wait_for_termination()
