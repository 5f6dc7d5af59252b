"""``cac-director fleet preview|up|refresh|destroy`` and ``cac-director impact`` (docs/fleet.md).

Exit codes of ``fleet``: 0 no changes, 1 changes (or drift), 2 some stack failed, 3 could not run.
``impact``: 0 nothing resolves differently, 1 some stack does, 2 some instance is invalid, 3 could not run.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from cac_director.errors import CacDirectorError
from cac_director.fleet import ci_templates
from cac_director.fleet.discovery import FleetStack, discover
from cac_director.fleet.impact import impact as compute_impact
from cac_director.fleet.parallelism import default_parallel
from cac_director.fleet.report import outcomes_json, print_impact, print_outcomes
from cac_director.fleet.runner import FleetRunner, Operation, ProgramMode, RunOptions, exit_code
from cac_director.fleet.selection import Selector, parse_tags, select

EXIT_CANNOT_RUN = 3
DEFAULT_TREE = "fleets"
LOG_ROOT = ".fleet-logs"

fleet_app = typer.Typer(
    help="Run one Pulumi operation on every selected stack of a fleet tree, several at once (docs/fleet.md).",
    no_args_is_help=True,
    rich_markup_mode=None,
)

TreeArgument = Annotated[
    Path | None, typer.Argument(help="The fleet tree: one stack per instance below it (default: fleets/).")
]
ProjectOption = Annotated[
    Path | None,
    typer.Option("--project", help="The Pulumi project directory (default: the nearest one holding Pulumi.yaml)."),
]
CustomerOption = Annotated[list[str] | None, typer.Option("--customer", help="Only this customer (fleet name).")]
EnvOption = Annotated[list[str] | None, typer.Option("--env", help="Only this environment (the instance's directory).")]
StackOption = Annotated[list[str] | None, typer.Option("--stack", help="Only this stack (the instance's name).")]
TagOption = Annotated[
    list[str] | None, typer.Option("--node-tag", help="Only stacks targeting a node with this tag (KEY=VALUE).")
]
ChangedOption = Annotated[
    str | None, typer.Option("--changed-since", help="Only stacks that resolve differently from this git ref.")
]
ParallelOption = Annotated[
    int | None, typer.Option("--parallel", min=1, help="Stacks at once (default: 2 x CPUs, capped by free memory).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable report on stdout.")]
LogDirOption = Annotated[
    Path | None, typer.Option("--log-dir", help=f"Where each stack's full log goes (default {LOG_ROOT}/<op>-<time>).")
]
RefreshOption = Annotated[bool, typer.Option("--refresh", help="Refresh from the Director first and count drift.")]
SecretsOption = Annotated[
    str | None, typer.Option("--secrets-provider", help="Secrets provider of stacks created on first use.")
]
EngineParallelOption = Annotated[
    int | None, typer.Option("--pulumi-parallel", min=1, help="The engine's --parallel inside each stack.")
]


FastOption = Annotated[
    bool | None,
    typer.Option(
        "--fast/--no-fast",
        help="up: skip the engine's checkpoints, journaling every create (default: per stack, from "
        "fastApplyThreshold objects).",
    ),
]


ForkServerOption = Annotated[
    bool,
    typer.Option(
        "--forkserver/--no-forkserver",
        help="Start the stacks' dynamic providers from one fork server with Pulumi already imported (docs/fleet.md).",
    ),
]


class ProgramChoice(StrEnum):
    inline = "inline"
    local = "local"


ProgramOption = Annotated[
    ProgramChoice,
    typer.Option(
        "--program",
        help="preview/up: run each stack's program in this process (inline) or through the language host (local).",
    ),
]


def register(app: typer.Typer) -> None:
    app.add_typer(fleet_app, name="fleet")
    app.command("impact", help="Which stacks, nodes and objects resolve differently from a git ref (offline).")(impact)


def _fail(message: str, as_json: bool) -> NoReturn:
    if as_json:
        sys.stdout.write(json.dumps({"exit_code": EXIT_CANNOT_RUN, "error": message}) + "\n")
    else:
        Console(stderr=True, highlight=False, soft_wrap=True).print(f"[bold red]error:[/bold red] {escape(message)}")
    raise typer.Exit(EXIT_CANNOT_RUN)


def _project_dir(given: Path | None) -> Path:
    if given is not None:
        if not (given / "Pulumi.yaml").is_file():
            raise CacDirectorError(f"{given} holds no Pulumi.yaml: pass the cac-director project directory")
        return given.resolve()
    here = Path.cwd().resolve()
    for directory in (here, *here.parents):
        if (directory / "Pulumi.yaml").is_file():
            return directory
    raise CacDirectorError("no Pulumi.yaml in this directory or above: run from the project or pass --project DIR")


def _tree(project: Path, given: Path | None) -> Path:
    tree = (given if given is not None else project / DEFAULT_TREE).resolve()
    if not tree.is_dir():
        raise CacDirectorError(f"{tree} is not a directory: pass the fleet tree (e.g. fleets/)")
    return tree


def _selected(  # noqa: PLR0917 - the selection options of the command line
    tree: Path,
    customers: list[str] | None,
    envs: list[str] | None,
    stacks: list[str] | None,
    tags: list[str] | None,
    changed_since: str | None,
) -> list[FleetStack]:
    everything = discover(tree)
    changed = None
    if changed_since is not None:
        changed = {
            item.stack
            for item in compute_impact(tree, changed_since, everything)
            if item.status in ("added", "changed", "invalid")
        }
    selector = Selector(
        customers=tuple(customers or ()),
        environments=tuple(envs or ()),
        stacks=tuple(stacks or ()),
        node_tags=parse_tags(tags or ()),
        changed=changed,
    )
    return select(everything, selector)


def _progress(stack: str, message: str) -> None:
    stamp = time.strftime("%H:%M:%S")
    sys.stderr.write(f"{stamp} {stack}: {message}\n")
    sys.stderr.flush()


def _run(  # noqa: PLR0917 - one parameter per command-line option
    operation: Operation,
    tree: Path | None,
    project: Path | None,
    customers: list[str] | None,
    envs: list[str] | None,
    stacks: list[str] | None,
    tags: list[str] | None,
    changed_since: str | None,
    parallel: int | None,
    as_json: bool,
    log_dir: Path | None,
    refresh: bool,
    secrets_provider: str | None,
    pulumi_parallel: int | None,
    yes: bool,
    program: ProgramMode = "inline",
    fast: bool | None = None,
    forkserver: bool = True,
) -> NoReturn:
    try:
        if operation == "destroy" and not yes:
            raise CacDirectorError("fleet destroy deletes every managed object of every selected stack: add --yes")
        if fast is not None and operation != "up":
            raise CacDirectorError(f"--fast/--no-fast is an option of fleet up, not of fleet {operation}")
        project_dir = _project_dir(project)
        chosen = _selected(_tree(project_dir, tree), customers, envs, stacks, tags, changed_since)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        logs = (log_dir or project_dir / LOG_ROOT / f"{operation}-{stamp}").resolve()
        options = RunOptions(
            operation=operation,
            project_dir=project_dir,
            log_dir=logs,
            parallel=parallel or default_parallel(),
            refresh=refresh,
            secrets_provider=secrets_provider,
            pulumi_parallel=pulumi_parallel,
            program=program,
            fast=fast,
            forkserver=forkserver,
        )
        if not chosen:
            _progress("fleet", "no stack matches the selection")
            outcomes = []
        else:
            _progress("fleet", f"{operation} of {len(chosen)} stack(s), {options.parallel} at once; logs in {logs}")
            outcomes = FleetRunner(options, _progress).run(chosen)
    except CacDirectorError as exc:
        _fail(str(exc), as_json)
    except Exception as exc:  # the CLI or the backend refused before any stack ran: one line, no traceback
        _fail(f"{operation} could not start: {type(exc).__name__}: {str(exc).strip().splitlines()[-1:]}", as_json)
    code = exit_code(outcomes)
    if as_json:
        sys.stdout.write(json.dumps(outcomes_json(operation, outcomes, str(logs), code), indent=2) + "\n")
    else:
        print_outcomes(Console(highlight=False, soft_wrap=True), outcomes, str(logs), code)
    raise typer.Exit(code)


def _command(operation: Operation, summary: str) -> None:
    def command(  # noqa: PLR0917 - one parameter per command-line option
        tree: TreeArgument = None,
        project: ProjectOption = None,
        customer: CustomerOption = None,
        env: EnvOption = None,
        stack: StackOption = None,
        node_tag: TagOption = None,
        changed_since: ChangedOption = None,
        parallel: ParallelOption = None,
        as_json: JsonOption = False,
        log_dir: LogDirOption = None,
        refresh: RefreshOption = False,
        secrets_provider: SecretsOption = None,
        pulumi_parallel: EngineParallelOption = None,
        yes: Annotated[bool, typer.Option("--yes", help="Confirm a destroy (required by destroy only).")] = False,
        program: ProgramOption = ProgramChoice.inline,
        fast: FastOption = None,
        forkserver: ForkServerOption = True,
    ) -> None:
        _run(
            operation,
            tree,
            project,
            customer,
            env,
            stack,
            node_tag,
            changed_since,
            parallel,
            as_json,
            log_dir,
            refresh,
            secrets_provider,
            pulumi_parallel,
            yes,
            program.value,
            fast,
            forkserver,
        )

    fleet_app.command(operation, help=summary)(command)


_command("preview", "Plan every selected stack (stacks that do not exist yet are created).")
_command("up", "Apply every selected stack (stacks that do not exist yet are created).")
_command("refresh", "Read every selected stack's objects back from the Director; counts drift.")
_command("destroy", "Delete every managed object of every selected stack (the stacks stay).")


def impact(
    since: Annotated[str, typer.Option("--since", help="The git ref to compare with (branch, tag, commit).")],
    tree: TreeArgument = None,
    project: ProjectOption = None,
    as_json: JsonOption = False,
) -> NoReturn:
    try:
        project_dir = _project_dir(project)
        impacts = compute_impact(_tree(project_dir, tree), since)
    except CacDirectorError as exc:
        _fail(str(exc), as_json)
    invalid = any(item.status == "invalid" for item in impacts)
    touched = any(item.status != "unchanged" for item in impacts)
    code = 2 if invalid else 1 if touched else 0
    if as_json:
        payload = {"since": since, "exit_code": code, "stacks": [item.to_json() for item in impacts]}
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
    else:
        print_impact(Console(highlight=False, soft_wrap=True), impacts, since)
    raise typer.Exit(code)


@fleet_app.command("list", help="List the selected stacks (no Pulumi run): names, JSON, or a GitHub matrix.")
def list_stacks(  # noqa: PLR0917 - one parameter per command-line option
    tree: TreeArgument = None,
    project: ProjectOption = None,
    customer: CustomerOption = None,
    env: EnvOption = None,
    stack: StackOption = None,
    node_tag: TagOption = None,
    changed_since: ChangedOption = None,
    as_json: JsonOption = False,
    github_matrix: Annotated[
        bool, typer.Option("--github-matrix", help='One line {"include": [{"stack", "config"}]} for a job matrix.')
    ] = False,
    names: Annotated[bool, typer.Option("--names", help="Stack names only, one per line.")] = False,
) -> None:
    try:
        project_dir = _project_dir(project)
        chosen = _selected(_tree(project_dir, tree), customer, env, stack, node_tag, changed_since)
    except CacDirectorError as exc:
        _fail(str(exc), as_json or github_matrix)
    if github_matrix:
        sys.stdout.write(json.dumps(ci_templates.github_matrix(chosen, str(project_dir)), separators=(",", ":")) + "\n")
    elif as_json:
        rows = [
            {
                "stack": item.name,
                "customer": item.customer,
                "environment": item.environment,
                "instance": _relative(item.instance_file, project_dir),
                "config": _relative(item.config_file, project_dir),
                "nodes": list(item.resolved.nodes) if item.resolved else [],
                "valid": item.resolved is not None,
            }
            for item in chosen
        ]
        sys.stdout.write(json.dumps({"stacks": rows}, indent=2) + "\n")
    else:
        for item in chosen:
            sys.stdout.write(item.name if names else f"{item.name}\t{item.customer}\t{item.environment}")
            sys.stdout.write("\n")


def _relative(path: Path, project_dir: Path) -> str:
    try:
        return path.relative_to(project_dir).as_posix()
    except ValueError:
        return str(path)


class CISystem(StrEnum):
    github = "github"
    gitlab = "gitlab"


@fleet_app.command("ci", help="Print the CI pipeline of the fleet (GitHub Actions workflow or .gitlab-ci.yml).")
def ci(
    system: Annotated[CISystem, typer.Argument(help="github or gitlab.")],
    tree: TreeArgument = None,
    project: ProjectOption = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of stdout.")] = None,
    check: Annotated[
        Path | None, typer.Option("--check", help="Exit 1 when this file differs from what would be generated.")
    ] = None,
) -> None:
    try:
        project_dir = _project_dir(project)
        tree_dir = _tree(project_dir, tree)
        tree_arg = _relative(tree_dir, project_dir)
        if system is CISystem.github:
            text = ci_templates.github_workflow(tree_arg)
        else:
            text = ci_templates.gitlab_pipeline(discover(tree_dir), tree_arg, str(project_dir))
    except CacDirectorError as exc:
        _fail(str(exc), False)
    if check is not None:
        current = check.read_text(encoding="utf-8") if check.is_file() else ""
        if current != text:
            sys.stderr.write(f"{check} is stale: run cac-director fleet ci {system.value} --out {check}\n")
            raise typer.Exit(1)
        return
    if out is not None:
        out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
