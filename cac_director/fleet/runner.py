"""One Pulumi operation per stack, several stacks at once, through the Automation API (``pulumi.automation``).

Every stack runs the project's program (``Pulumi.yaml`` in the project directory) with its own config file
(``--config-file <instance dir>/stack.yaml``), so stacks of one workspace never share a stack settings file
and nothing is written to the repository root. Two limits of ``LocalWorkspace`` with several stacks at once
are avoided on purpose:

- ``Stack.select``/``create_or_select`` run ``pulumi stack select``, which rewrites the workspace's
  current-stack file under ``PULUMI_HOME`` from every thread; the runner lists the stacks once, creates the
  missing ones one after another before any operation starts, and then addresses each stack only with
  ``--stack`` (``_KnownStack``);
- ``pulumi stack init`` with passphrase secrets writes ``Pulumi.<stack>.yaml`` into the project directory;
  its salt is moved into the stack's ``stack.yaml`` right away (``stack_config``).

A stack that fails is recorded with one line saying why, and never stops the others.

``preview`` and ``up`` run the program **inline** by default (``ProgramMode``): in this process, as an
Automation API inline program, with the instance discovery has already resolved. Per stack that saves the
language host, a Python start, the import of cac_director and loading the tree again (docs/performance.md
"Fleets"). Everything per stack reaches the program from the engine (its config file, secrets, stack name),
so programs of several stacks run at once in threads; the environment is the process's, the same for every
stack, as it is for the CLIs the runner starts. ``local`` runs ``__main__.py`` through the language host, as
``pulumi preview`` does. ``refresh`` and ``destroy`` do not run the program.

Every operation starts the stacks' dynamic providers from one fork server (``pulumi_provider/forkserver.py``),
unless ``RunOptions.forkserver`` is off: the CLIs run from the fleet's toolchain directory (``fleet/toolchain.py``),
whose provider shim hands each provider process to the server. If either cannot be set up, one progress line
says so and the providers start the ordinary way (docs/fleet.md "Provider processes: the fork server").

``up`` decides fast mode per stack exactly as ``cac-director up`` does (``pulumi_provider/fast_mode.choose``:
``--fast``/``--no-fast``, else the stack's ``fastApplyThreshold`` on the objects its instance declares), and gives each
stack's CLI that stack's environment (``FastApply.env``: the create journal, and ``PULUMI_SKIP_CHECKPOINTS``
when fast) through a workspace of its own (``LocalWorkspace(env_vars=...)``): the fleet process's own
environment is shared by every stack, so it never carries either. After a successful ``up`` the journal is
pruned against the state, as ``cac-director up`` does.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pulumi.automation import (
    CommandError,
    EngineEvent,
    LocalWorkspace,
    OpType,
    OutputMap,
    PulumiCommand,
    Stack,
)
from pulumi.automation._stack import StackInitMode

from cac_director.director import runtime as director_runtime
from cac_director.errors import CacDirectorError
from cac_director.fleet.discovery import FleetStack
from cac_director.fleet.stack_config import ensure_stack_config, plain_settings, take_generated_salt
from cac_director.fleet.toolchain import fleet_toolchain
from cac_director.pulumi_provider import create_journal, fast_mode
from cac_director.pulumi_provider.forkserver import ForkServer, ForkServerUnavailable

Operation = Literal["preview", "up", "refresh", "destroy"]
ProgramMode = Literal["inline", "local"]
Result = Literal["ok", "failed", "skipped"]
Progress = Callable[[str, str], None]
"""``progress(stack, message)``: called from worker threads while stacks run."""

_EXCEPTION_PREFIX = re.compile(r"^(?:[A-Za-z_]\w*\.)+[A-Za-z_]\w*: ")
_QUIET_OPS = frozenset({OpType.SAME, OpType.READ, OpType.REFRESH})


@dataclass
class StackOutcome:
    """What one stack's operation did (``changed``: ``{"name", "type", "op"}`` per object that changes)."""

    stack: str
    customer: str
    environment: str
    result: Result = "ok"
    create: int = 0
    update: int = 0
    delete: int = 0
    same: int = 0
    drift: int | None = None
    """Objects whose live state differed from the state (refresh, or ``--refresh``); None when not checked."""
    seconds: float = 0.0
    log: str = ""
    error: str = ""
    changed: list[dict[str, str]] = field(default_factory=list)
    fast: bool | None = None
    """``up``: whether it ran in fast mode (checkpoints skipped); None for the other operations."""

    @property
    def has_changes(self) -> bool:
        return bool(self.create or self.update or self.delete or self.drift)

    def to_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "customer": self.customer,
            "environment": self.environment,
            "result": self.result,
            "create": self.create,
            "update": self.update,
            "delete": self.delete,
            "same": self.same,
            "drift": self.drift,
            "seconds": round(self.seconds, 2),
            "log": self.log,
            "error": self.error,
            "changed": self.changed,
            "fast": self.fast,
        }


@dataclass(frozen=True)
class RunOptions:
    operation: Operation
    project_dir: Path
    log_dir: Path
    parallel: int
    refresh: bool = False
    """``preview``/``up``: refresh first (drift is then counted)."""
    secrets_provider: str | None = None
    pulumi_parallel: int | None = None
    """The engine's ``--parallel`` inside each stack."""
    program: ProgramMode = "inline"
    """How ``preview``/``up`` run the program (module docstring)."""
    fast: bool | None = None
    """``up``: fast mode for every stack (True), for none (False), or per stack from its threshold (None)."""
    forkserver: bool = True
    """Start the stacks' dynamic providers from one fork server (module docstring); False: the ordinary way."""


class _KnownStack(Stack):
    """A stack the runner has listed or created itself: no ``pulumi stack select`` (see module docstring)."""

    def __init__(self, name: str, workspace: LocalWorkspace) -> None:
        # Stack.__init__ would run `pulumi stack select`; the attributes it sets are all a Stack needs.
        self.name = name
        self.workspace = workspace
        self._mode = StackInitMode.SELECT

    def outputs(self) -> OutputMap:
        # ``up`` reads the outputs with `pulumi stack output --show-secrets`, which takes no --config-file: it
        # would create Pulumi.<stack>.yaml in the project root with a new salt. The fleet reports changes only.
        return {}


def _short_type(token: str) -> str:
    return token.rsplit(":", 1)[-1]


class _Recorder:
    """Collects one stack's engine events: changed objects, drift, the first error, progress."""

    def __init__(self, outcome: StackOutcome, progress: Progress, refreshing: bool) -> None:
        self.outcome = outcome
        self.refreshing = refreshing
        """A ``refresh`` operation: its steps report drift as updates and deletes of the state."""
        self.progress = progress
        self.steps = 0
        self.drifted: set[str] = set()
        self.errors: list[tuple[str, str]] = []
        """(object name or empty, message) of every error diagnostic, in order."""
        self.summary: dict[str, int] | None = None
        self._last_report = time.monotonic()

    def on_event(self, event: EngineEvent) -> None:
        if event.resource_pre_event is not None:
            meta = event.resource_pre_event.metadata
            if meta.op not in _QUIET_OPS and meta.type != "pulumi:pulumi:Stack":
                name = meta.urn.rsplit("::", 1)[-1]
                self.outcome.changed.append({"name": name, "type": _short_type(meta.type), "op": str(meta.op.value)})
        if event.res_outputs_event is not None:
            meta = event.res_outputs_event.metadata
            self.steps += 1
            if meta.op == OpType.REFRESH and _drifted(meta.old, meta.new):
                self.drifted.add(meta.urn)
            elif self.refreshing and meta.op in (OpType.UPDATE, OpType.DELETE):
                self.drifted.add(meta.urn)
                name = meta.urn.rsplit("::", 1)[-1]
                self.outcome.changed.append({"name": name, "type": _short_type(meta.type), "op": str(meta.op.value)})
            now = time.monotonic()
            if now - self._last_report >= 5.0:
                self._last_report = now
                self.progress(self.outcome.stack, f"{self.steps} steps")
        diagnostic = event.diagnostic_event
        if diagnostic is not None and diagnostic.severity == "error" and diagnostic.message.strip():
            where = diagnostic.urn.rsplit("::", 1)[-1] if diagnostic.urn else ""
            self.errors.append((where, diagnostic.message.strip()))
        if event.summary_event is not None:
            self.summary = {
                str(op.value if isinstance(op, OpType) else op): n
                for op, n in event.summary_event.resource_changes.items()
            }


def _drifted(old: Any, new: Any) -> bool:
    if old is None or new is None:
        return old is not new
    return bool(old.outputs != new.outputs)


def _one_line(message: str) -> str:
    """The line that says what went wrong: after a Python traceback, its last line (the exception)."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    if any(line.startswith("Traceback (most recent call last)") for line in lines):
        # "cac_director.errors.DirectorError: creating Repo ..." -> the message, without the class path.
        return _EXCEPTION_PREFIX.sub("", lines[-1])
    # The engine's own wrapper lines ("update failed") say less than what follows them.
    useful = [line for line in lines if line.lower().rstrip(".") not in ("update failed", "preview failed")]
    return (useful or lines)[0]


def _first_error(recorder: _Recorder, exc: Exception) -> str:
    """One line: the engine's first error diagnostic (with its object), else the CLI's last stderr line."""
    for where, message in recorder.errors:
        line = _one_line(message)
        if line:
            return (f"{where}: {line}" if where and where not in line else line)[:500]
    stderr = getattr(exc, "stderr", None)
    text = stderr.strip() if isinstance(stderr, str) and stderr.strip() else str(exc)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return (lines[-1] if lines else type(exc).__name__)[:500]


def _first_line(exc: Exception) -> str:
    text = str(getattr(exc, "stderr", "") or exc).strip()
    return text.splitlines()[-1] if text else type(exc).__name__


def _apply_summary(outcome: StackOutcome, summary: dict[str, int]) -> None:
    outcome.create = summary.get("create", 0)
    # A replace deletes and creates one object: counted as an update of it.
    outcome.update = summary.get("update", 0) + summary.get("replace", 0)
    outcome.delete = summary.get("delete", 0)
    outcome.same = summary.get("same", 0)


class FleetRunner:
    """Runs ``options.operation`` on stacks, ``options.parallel`` at a time."""

    def __init__(self, options: RunOptions, progress: Progress | None = None) -> None:
        self.options = options
        self.progress: Progress = progress or (lambda _stack, _message: None)
        self._progress_lock = threading.Lock()
        self.command = PulumiCommand()
        # Inline programs give the engine no virtualenv, so the stock provider shim would run whatever
        # `python3` is first on PATH: name this interpreter, which has Pulumi and cac_director installed.
        self._base_env: dict[str, str] = (
            {} if os.environ.get("PULUMI_PYTHON_CMD") else {"PULUMI_PYTHON_CMD": sys.executable}
        )
        """What every CLI of this run gets (the interpreter, the fork server's variables), under each stack's own."""
        self.workspace = self._workspace({})

    def _workspace(self, env: dict[str, str]) -> LocalWorkspace:
        """A workspace of the project whose CLI runs get ``env`` on top of this process's environment."""
        return LocalWorkspace(
            work_dir=str(self.options.project_dir),
            pulumi_command=self.command,
            secrets_provider=self.options.secrets_provider,
            env_vars={**self._base_env, **env},
        )

    @contextlib.contextmanager
    def _providers_from_forkserver(self) -> Iterator[None]:
        """While the stacks run: their CLIs from the fleet toolchain, their providers forked (docs/fleet.md)."""
        if not self.options.forkserver:
            yield
            return
        try:
            toolchain = fleet_toolchain()
            if toolchain is None:
                raise ForkServerUnavailable("no pulumi-resource-pulumi-python beside the pulumi CLI or on PATH")
            server = ForkServer(toolchain.stock_shim, log=self.options.log_dir / "forkserver.log")
            server.start()
        except (ForkServerUnavailable, OSError) as exc:
            # Only slower, never wrong: the stacks run as they would without a fork server.
            self._say("fleet", f"providers start the ordinary way: the fork server did not start ({exc})")
            yield
            return
        previous = (self.command, self._base_env, self.workspace)
        try:
            self.command = PulumiCommand(root=str(toolchain.root), skip_version_check=True)
            self._base_env = {**self._base_env, **server.env(), "PATH": toolchain.path_env()}
            self.workspace = self._workspace({})
            yield
        finally:
            self.command, self._base_env, self.workspace = previous
            server.close()

    def _fast_mode(self, stack: FleetStack) -> fast_mode.FastApply | None:
        """``up``: this stack's fast-mode decision (``fast_mode.choose``); None for the other operations."""
        if self.options.operation != "up" or stack.resolved is None:
            return None
        project_dir = self.options.project_dir.resolve()
        project = fast_mode.project_name(project_dir)
        if project is None:
            raise RuntimeError(f"{project_dir / 'Pulumi.yaml'} names no project: the create journal needs it")
        journal = create_journal.journal_path(project_dir, project, stack.name)
        resolved = stack.resolved
        settings = plain_settings(stack.config_file)
        return fast_mode.choose(self.options.fast, journal, settings.get, lambda: fast_mode.declared_objects(resolved))

    def _say(self, stack: str, message: str) -> None:
        with self._progress_lock:
            self.progress(stack, message)

    def _instance_setting(self, stack: FleetStack) -> str:
        try:
            return stack.instance_file.relative_to(self.options.project_dir.resolve()).as_posix()
        except ValueError:
            return str(stack.instance_file)

    def prepare(self, stacks: Sequence[FleetStack]) -> set[str]:
        """Create the stacks that do not exist yet (preview and up only); return the names that exist."""
        # Pulumi Cloud may list a stack as <org>/<name>; fleet stacks are named by their instance alone.
        existing = {summary.name.rsplit("/", 1)[-1] for summary in self.workspace.list_stacks()}
        creating = self.options.operation in ("preview", "up")
        for stack in stacks:
            if stack.name in existing or not creating or stack.resolved is None:
                if stack.name in existing or creating:
                    ensure_stack_config(stack.config_file, self._instance_setting(stack))
                continue
            generated = self.options.project_dir / f"Pulumi.{stack.name}.yaml"
            had_file = generated.exists()
            self._say(stack.name, "creating the stack")
            self.workspace.create_stack(stack.name)
            salt = None if had_file else take_generated_salt(self.options.project_dir, stack.name)
            ensure_stack_config(stack.config_file, self._instance_setting(stack), salt)
            existing.add(stack.name)
        return existing

    def run(self, stacks: Sequence[FleetStack]) -> list[StackOutcome]:
        self.options.log_dir.mkdir(parents=True, exist_ok=True)
        existing = self.prepare(stacks)
        try:
            with (
                self._providers_from_forkserver(),
                ThreadPoolExecutor(max_workers=max(1, self.options.parallel), thread_name_prefix="fleet") as pool,
            ):
                futures = [pool.submit(self._one, stack, stack.name in existing) for stack in stacks]
                return [future.result() for future in futures]
        finally:
            # Inline programs' preflight checks opened Director sessions in this process: close them.
            director_runtime.reset()

    def _one(self, stack: FleetStack, exists: bool) -> StackOutcome:
        outcome = StackOutcome(stack.name, stack.customer, stack.environment)
        log_path = self.options.log_dir / f"{stack.name}.log"
        outcome.log = str(log_path)
        if stack.resolved is None:
            outcome.result = "failed"
            outcome.error = stack.errors[0].render().splitlines()[0] if stack.errors else "invalid configuration"
            log_path.write_text("\n".join(issue.render() for issue in stack.errors) + "\n", encoding="utf-8")
            self._say(stack.name, f"failed: {outcome.error}")
            return outcome
        if not exists:
            outcome.result = "skipped"
            outcome.error = "no such stack in this backend"
            log_path.write_text(outcome.error + "\n", encoding="utf-8")
            self._say(stack.name, "skipped: no such stack")
            return outcome
        recorder = _Recorder(outcome, self._say, self.options.operation == "refresh")
        self._say(stack.name, f"{self.options.operation} started")
        started = time.monotonic()
        with log_path.open("w", encoding="utf-8") as log:
            try:
                mode = self._fast_mode(stack)
                workspace = self.workspace if mode is None else self._workspace(mode.env)
                if mode is not None:
                    outcome.fast = mode.fast
                    if mode.announcement:
                        self._say(stack.name, mode.announcement)
                self._operate(_KnownStack(stack.name, workspace), stack, recorder, log)
                if mode is not None:
                    self._prune_journal(stack, mode, log)
            except (CommandError, RuntimeError, OSError, CacDirectorError) as exc:
                outcome.result = "failed"
                outcome.error = _first_error(recorder, exc)
                for where, message in recorder.errors:
                    log.write(f"\nerror: {where}\n{message}\n")
                log.write(f"\n{getattr(exc, 'stderr', '') or ''}\n")
        outcome.seconds = time.monotonic() - started
        if recorder.summary is not None:
            _apply_summary(outcome, recorder.summary)
        if self.options.operation == "refresh" or self.options.refresh:
            outcome.drift = len(recorder.drifted)
        verdict = outcome.error if outcome.result == "failed" else _counts(outcome)
        self._say(stack.name, f"{outcome.result} in {outcome.seconds:.1f} s: {verdict}")
        return outcome

    def _prune_journal(self, stack: FleetStack, mode: fast_mode.FastApply, log: Any) -> None:
        """After a successful ``up``: ``fast_mode.prune_journal`` against the state (read only when needed)."""
        if not mode.journal.exists():
            return  # nothing was created, or the journal went already: no state to read
        # `pulumi stack export` without --show-secrets: secrets stay encrypted, no stack config file is needed.
        try:
            exported = self.command.run(
                ["stack", "export", "--stack", stack.name], str(self.options.project_dir), mode.env
            )
            deployment = json.loads(exported.stdout).get("deployment")
        except (CommandError, ValueError) as exc:
            # The apply itself succeeded; the journal's entries stay until a later successful `up` prunes them.
            self._say(stack.name, f"warning: reading the state to prune {mode.journal} failed: {_first_line(exc)}")
            return
        rerun = f"cac-director fleet up --stack {stack.name}"
        for warning in fast_mode.prune_journal(mode, deployment if isinstance(deployment, dict) else {}, rerun):
            log.write(warning + "\n")
            self._say(stack.name, warning)

    def _operate(self, target: Stack, stack: FleetStack, recorder: _Recorder, log: Any) -> None:
        def on_output(line: str) -> None:
            log.write(line + "\n")
            log.flush()

        common: dict[str, Any] = {
            # Secrets in the update summary would need the config file, which `stack history` cannot take.
            "on_output": on_output,
            "on_event": recorder.on_event,
            "color": "never",
            "config_file": str(stack.config_file),
        }
        if self.options.pulumi_parallel:
            common["parallel"] = self.options.pulumi_parallel
        operation = self.options.operation
        if operation in ("preview", "up") and self.options.program == "inline" and stack.resolved is not None:
            # Imported here: the other fleet commands (ls, impact, ci) need none of the program's modules.
            from cac_director.pulumi_provider.program import Preloaded, inline_program  # noqa: PLC0415

            common["program"] = inline_program(
                self.options.project_dir.resolve(), Preloaded(stack.instance_file, stack.resolved)
            )
        if operation == "preview":
            target.preview(diff=True, refresh=self.options.refresh, **common)
        elif operation == "up":
            target.up(diff=True, refresh=self.options.refresh, show_secrets=False, **common)
        elif operation == "refresh":
            target.refresh(show_secrets=False, **common)
        else:
            target.destroy(show_secrets=False, **common)


def _counts(outcome: StackOutcome) -> str:
    parts = [f"{outcome.create} create", f"{outcome.update} update", f"{outcome.delete} delete", f"{outcome.same} same"]
    if outcome.drift is not None:
        parts.append(f"{outcome.drift} drift")
    return ", ".join(parts)


def exit_code(outcomes: Sequence[StackOutcome]) -> int:
    """0 no changes, 1 changes (or drift), 2 some stack failed."""
    if any(outcome.result == "failed" for outcome in outcomes):
        return 2
    return 1 if any(outcome.has_changes for outcome in outcomes) else 0
