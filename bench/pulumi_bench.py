"""`pulumi up/preview/refresh` of the synthetic MSSP tree against the emulator, next to their lower bounds.

    .venv/bin/python bench/pulumi_bench.py [--sizes 100,500,2000] [--delays 0,0.2] [--parallel 32]
        [--baselines trivial,sized] [--trivial-only] [--engine-from RESULTS.json] [--real-from RESULTS.json]
        [--cli-profile DIR] [--modes default,fast] [--out bench/results/pulumi_bench.json]

For each size (resources across nodes) and order latency it runs, with the real CLI on a file backend:
``up`` from empty, a no-op ``preview``, a no-op ``refresh``, and an ``up`` that changes 10% of the resources.
Per operation it reports the wall time, the Director requests the emulator served (by kind), and a lower
bound = Director time + engine time, where

- Director time = max(writes x latency / concurrency, write depth x latency): ``writes`` are the
  order-producing requests the emulator logged, ``concurrency`` is ``--parallel`` (what the user allows
  the engine), ``write depth`` the longest chain of dependent writes in the program;
- engine time = the same operation on a program whose provider does no I/O. Two baselines:
  ``trivial`` (``bench/trivial_project``): same resource count and provider layout, two-key resources
  (~1 KB each in state); ``sized`` (``bench/sized_trivial_project``): cac-director's own program on the same
  tree, same inputs, references and providers, with providers that echo inputs as outputs, so each resource
  takes about the real number of bytes in every checkpoint. Each operation gets a bound and a ratio per
  baseline (``lower_bound``/``ratio`` for ``trivial``, ``sized_lower_bound``/``sized_ratio`` for ``sized``).

``--modes default,fast`` runs every size in both modes, one after the other (fast = what ``cac-director up
--fast`` sets: ``PULUMI_SKIP_CHECKPOINTS=true`` and the providers' create journal, for the real program and
the baselines alike), records the load average around every operation, and prints the ratios side by side,
with the time of a sequential importer that polls each create's order every 2 s.

The peak RSS of the program and of the provider processes is sampled from /proc at every size.
The 2,000-resource runs are benchmarks, never tests (CI budget).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from synthetic import generate_mssp_tree  # bench/synthetic.py: a script's own directory leads sys.path

from cac_director.config import load_instance
from cac_director.conventions import LOOKUPS, REGISTRY
from cac_director.emulator import Emulator, EmulatorConfig
from cac_director.pulumi_provider._paths import names_at
from cac_director.pulumi_provider.create_journal import JOURNAL_ENV

SKIP_CHECKPOINTS_ENV = "PULUMI_SKIP_CHECKPOINTS"
# The sequential importer of the issue: one create at a time, its order polled every 2 s.
IMPORTER_POLL_SECONDS = 2.0

REPO = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
TRIVIAL = Path(__file__).resolve().parent / "trivial_project"
SIZED = Path(__file__).resolve().parent / "sized_trivial_project"
# The size-matched baseline talks to no Director; an address as long as the emulator's keeps the providers'
# recorded configuration real-sized.
SIZED_DIRECTOR_URL = "http://127.0.0.1:40000"
BASELINES = ("trivial", "sized")
DEFAULT_PULUMI_BIN = Path.home() / ".cache/cac-director/pulumi/v3.274.1/bin"
TOKEN = "bench-director-token-5be1c0"
# ``preview`` refreshes first (Pulumi.yaml ``refresh: always``); ``preview_rec`` plans against the recorded state.
OPERATIONS = ("up", "preview", "preview_rec", "refresh", "update")


# -- the measured environment ------------------------------------------------------------------------------


def _shape(size: int) -> tuple[int, int]:
    """(nodes per customer, resources per data node) for about ``size`` resources in one customer."""
    if size <= 250:
        return 1, size
    data_nodes = max(2, round(size / 200))
    return data_nodes + 1, size // data_nodes


def _env(home: Path, pulumi_bin: Path, fast: bool = False) -> dict[str, str]:
    env = dict(os.environ)
    (home / "backend").mkdir(parents=True, exist_ok=True)
    env.update(
        {
            "PATH": f"{pulumi_bin}{os.pathsep}{REPO / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}",
            "PULUMI_HOME": str(home / "pulumi-home"),
            "PULUMI_BACKEND_URL": f"file://{home / 'backend'}",
            "PULUMI_CONFIG_PASSPHRASE": "bench-passphrase",
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        }
    )
    for key in ("PULUMI_ACCESS_TOKEN", "DIRECTOR_TOKEN", SKIP_CHECKPOINTS_ENV, JOURNAL_ENV):
        env.pop(key, None)
    if fast:
        # What `cac-director up --fast` sets: the engine writes the state once; the providers journal creates.
        env[SKIP_CHECKPOINTS_ENV] = "true"
        env[JOURNAL_ENV] = str(home / "create-journal.jsonl")
    return env


class MemorySampler:
    """Peak RSS (VmHWM) of the CLI, the program and the provider processes running in one project directory."""

    def __init__(self, project: Path) -> None:
        self.project = str(project.resolve())
        self.peaks: dict[str, dict[int, int]] = {"program": {}, "provider": {}, "cli": {}}
        # CPU seconds (user + system) last seen per process: what load on a shared machine inflates far less than
        # wall time, so it says what the operation costs on a quiet one (a process's last 0.2 s can be missed).
        self.cpu: dict[str, dict[int, float]] = {kind: {} for kind in ("cli", "langhost", "program", "provider")}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            for pid_dir in Path("/proc").iterdir():
                if pid_dir.name.isdigit():
                    self._sample(pid_dir)

    def _sample(self, pid_dir: Path) -> None:
        try:
            if os.readlink(pid_dir / "cwd") != self.project:
                return
            argv = (pid_dir / "cmdline").read_bytes().split(b"\0")
            status = (pid_dir / "status").read_text()
            stat = (pid_dir / "stat").read_text()
        except OSError:
            return
        pid = int(pid_dir.name)
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) ": state is field 3, utime 14, stime 15
        cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        cmdline = b" ".join(argv).decode(errors="replace")
        if argv[0].endswith(b"/pulumi") or argv[0] == b"pulumi":
            kind = "cli"  # the engine: it holds the whole state (and the plan) in memory
        elif "python" not in cmdline:
            return
        elif "pulumi.dynamic" in cmdline:
            kind = "provider"
        elif "langhost" in cmdline or ("pulumi-language-python" in cmdline and "exec" not in cmdline):
            self.cpu["langhost"][pid] = cpu
            return  # the language host itself, not the program: its memory is not sampled
        else:
            kind = "program"
        self.cpu[kind][pid] = cpu
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                kib = int(line.split()[1])
                self.peaks[kind][pid] = max(self.peaks[kind].get(pid, 0), kib)

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for kind, per_pid in self.peaks.items():
            values = list(per_pid.values())
            out[kind] = {
                "processes": len(values),
                "peak_rss_mib_max": round(max(values, default=0) / 1024, 1),
                "peak_rss_mib_sum": round(sum(values) / 1024, 1),
            }
        cpu = {kind: round(sum(per_pid.values()), 2) for kind, per_pid in self.cpu.items()}
        out["cpu_seconds"] = {**cpu, "total": round(sum(cpu.values()), 2)}
        return out


def _profile(opts: BenchOptions, kind: str, size: int) -> Path | None:
    if opts.cli_profile is None:
        return None
    opts.cli_profile.mkdir(parents=True, exist_ok=True)
    return opts.cli_profile / f"{kind}-{size}"


@dataclass
class Project:
    """A Pulumi project directory with one stack on a private file backend."""

    path: Path
    env: dict[str, str]
    parallel: int
    profile: Path | None = None
    """Prefix for ``pulumi --profiling`` (``<prefix>-<op>.<pid>.{cpu,mem,trace}``); None: not profiled."""
    log: list[str] = field(default_factory=list)

    def pulumi(self, *args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
        start = time.perf_counter()
        proc = subprocess.run(
            ["pulumi", *args, "--non-interactive"],
            cwd=self.path,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(
                f"pulumi {' '.join(args)} exited {proc.returncode}\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
            )
        return elapsed, proc

    def operation(self, op: str) -> float:
        par: tuple[str, ...] = ("--parallel", str(self.parallel))
        if self.profile is not None:
            par += ("--profiling", f"{self.profile}-{op}")
        if op in ("up", "update"):
            return self.pulumi("up", "--yes", "--skip-preview", *par)[0]
        if op == "preview":
            return self.pulumi("preview", "--expect-no-changes", *par)[0]
        if op == "preview_rec":
            return self.pulumi("preview", "--refresh=false", "--expect-no-changes", *par)[0]
        return self.pulumi("refresh", "--yes", "--skip-preview", *par)[0]


def _write_depth(instance: Path) -> int:
    """Longest chain of dependent creates on one node (a resource waits for the ones it references)."""
    resolved = load_instance(instance)
    conv_of = {conv.yaml_section: conv for conv in REGISTRY}
    depth = 0
    for node in resolved.nodes.values():
        level: dict[tuple[str, str], int] = {}
        for conv in REGISTRY:  # registry order is dependency order
            for obj in node.sections.get(conv.yaml_section, []):
                best = 0
                for ref in conv.references:
                    if ref.target in LOOKUPS or ref.target not in conv_of:
                        continue
                    for name in _names(obj, ref.path):
                        best = max(best, level.get((ref.target, name), 0))
                level[(conv.yaml_section, str(obj[conv.name_key]))] = best + 1
        depth = max(depth, *level.values(), 0)
    return depth


def _names(obj: Any, path: str) -> list[str]:
    return [n for n in names_at(obj, path) if isinstance(n, str)]


def _change_ten_percent(instance: Path, per_node: int) -> None:
    """Edit the instance so that about 10% of every data node's resources change (repos and devices)."""
    doc = yaml.safe_load(instance.read_text())
    spec = doc["spec"]
    wanted = max(1, per_node // 10)
    repos = [r for r in spec["repos"] if r["name"].startswith("r-")]
    devices = spec["devices"]
    for repo in repos[: (wanted + 1) // 2]:
        repo["hiddenrepopath"][0]["retention"] = int(repo["hiddenrepopath"][0]["retention"]) + 1
    for device in devices[: wanted // 2]:
        device["availability"] = "Critical" if device["availability"] != "Critical" else "Minimal"
    instance.write_text(yaml.safe_dump(doc, sort_keys=False, width=200))


def _lists_per_type_per_node(counts: dict[str, int], nodes: int) -> float:
    """The most list calls any one list endpoint received, per node (refresh target: at most 1)."""
    lists = [count for key, count in counts.items() if key.startswith("GET /configapi/") and not key.endswith("{id}")]
    return round(max(lists, default=0) / nodes, 2)


def _request_summary(counts: dict[str, int]) -> dict[str, int]:
    summary = {"total": 0, "get_list": 0, "get_one": 0, "order_polls": 0, "writes": 0, "fetch": 0}
    for key, count in counts.items():
        method, _, path = key.partition(" ")
        summary["total"] += count
        if path.startswith("/monitorapi") and "/orders/" in path:
            summary["order_polls"] += count
        elif method == "GET":
            summary["get_one" if path.endswith("{id}") else "get_list"] += count
        elif path.endswith("/fetch"):
            summary["fetch"] += count
        elif method in ("POST", "PUT", "DELETE"):
            summary["writes"] += count
    return summary


# -- the runs ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchOptions:
    parallel: int
    pulumi_bin: Path
    provider_processes: int | None  # None: the program's default
    cli_profile: Path | None = None  # directory for the CLI's CPU/memory profiles (`pulumi --profiling`)
    fast: bool = False  # fast mode: checkpoints skipped, creates journaled (real program and baselines alike)


@dataclass(frozen=True)
class Tree:
    instance: Path
    per_node: int
    resources: int
    nodes: int


def _tree(work: Path, size: int) -> Tree:
    nodes, per_node = _shape(size)
    instance = generate_mssp_tree(
        work / "project" / "tree", customers=1, nodes_per_customer=nodes, resources_per_node=per_node
    )[0]
    resolved = load_instance(instance)
    resources = sum(len(items) for node in resolved.nodes.values() for items in node.sections.values())
    return Tree(instance, per_node, resources, len(resolved.nodes))


def _state_summary(proj: Project, resources: int) -> dict[str, Any]:
    """Size of the checkpoint each step rewrites, per resource and for its largest parts."""
    state = json.loads(proj.pulumi("stack", "export")[1].stdout)
    items = [r for r in state["deployment"].get("resources", []) if r.get("type", "").startswith("pulumi-python:")]
    parts: dict[str, int] = {}
    for res in items:
        for key, value in res.items():
            parts[key] = parts.get(key, 0) + len(json.dumps(value))
    count = max(1, len(items))
    return {
        "state_bytes": len(json.dumps(state)),
        "state_bytes_per_resource": round(len(json.dumps(state)) / max(1, resources)),
        "resource_bytes_by_field": {k: round(v / count) for k, v in sorted(parts.items(), key=lambda kv: -kv[1])},
    }


def measure_real(work: Path, size: int, delay: float, opts: BenchOptions) -> dict[str, Any]:
    tree = _tree(work, size)
    instance, per_node, resources = tree.instance, tree.per_node, tree.resources
    resolved = load_instance(instance)
    depth = _write_depth(instance)
    project = work / "project"
    shutil.copy(REPO / "__main__.py", project)
    settings = (REPO / "Pulumi.yaml").read_text().replace("virtualenv: .venv", f"virtualenv: {REPO / '.venv'}")
    (project / "Pulumi.yaml").write_text(settings)
    cfg = EmulatorConfig.from_fleet_files([instance.parent.parent / "fleet.yaml"], token=TOKEN, order_delay=delay)
    result: dict[str, Any] = {"resources": resources, "nodes": len(resolved.nodes), "write_depth": depth, "ops": {}}
    with Emulator.start(cfg, host="127.0.0.1", port=0) as emu:
        env = _env(work / "home-real", opts.pulumi_bin, opts.fast)
        proj = Project(project, env, opts.parallel, _profile(opts, "real", size))
        proj.pulumi("stack", "init", "bench", "--secrets-provider", "passphrase")
        proj.pulumi("config", "set", "cac-director:instance", str(instance))
        proj.pulumi("config", "set", "cac-director:directorUrl", emu.url)
        proj.pulumi("config", "set", "--secret", "cac-director:token", TOKEN)
        if opts.provider_processes is not None:
            proj.pulumi("config", "set", "cac-director:providerProcesses", str(opts.provider_processes))
        for op in OPERATIONS:
            if op == "update":
                _change_ten_percent(instance, per_node)
            emu.reset_request_log()
            load = os.getloadavg()[0]
            with MemorySampler(project) as sampler:
                elapsed = proj.operation(op)
            counts = emu.request_counts()
            result["ops"][op] = {
                "seconds": round(elapsed, 2),
                "load_1min": [round(load, 2), round(os.getloadavg()[0], 2)],
                "requests": _request_summary(counts),
                "lists_per_type_per_node": _lists_per_type_per_node(counts, len(resolved.nodes)),
                "memory": sampler.summary(),
            }
        result.update(_state_summary(proj, resources))
    return result


def measure_trivial(work: Path, nodes: int, per_node: int, opts: BenchOptions) -> dict[str, Any]:
    project = work / "trivial"
    shutil.copytree(TRIVIAL, project, ignore=shutil.ignore_patterns("__pycache__"))
    # The real project's engine options too (``refresh: always``): the engine half of a bound must do the same
    # engine work as the measured run, or the refresh before every plan would count as ours.
    settings = {
        "name": "bench-trivial",
        "runtime": {"name": "python", "options": {"virtualenv": str(REPO / ".venv")}},
        "options": yaml.safe_load((REPO / "Pulumi.yaml").read_text()).get("options", {}),
    }
    (project / "Pulumi.yaml").write_text(yaml.safe_dump(settings, sort_keys=False))
    profile = _profile(opts, "trivial", nodes * per_node)
    proj = Project(project, _env(work / "home-trivial", opts.pulumi_bin, opts.fast), opts.parallel, profile)
    if opts.provider_processes == 0:
        proj.pulumi("config", "set", "bench:providers", "default")
    proj.pulumi("stack", "init", "bench", "--secrets-provider", "passphrase")
    proj.pulumi("config", "set", "bench:nodes", str(nodes))
    proj.pulumi("config", "set", "bench:perNode", str(per_node))
    times: dict[str, float] = {}
    for op in OPERATIONS:
        if op == "update":
            proj.pulumi("config", "set", "bench:changed", str(max(1, per_node // 10)))
        times[op] = round(proj.operation(op), 2)
        print(f"  trivial {op}: {times[op]:.2f}s", flush=True)
    return {"seconds": times, "resources": nodes * per_node, **_state_summary(proj, nodes * per_node)}


def measure_sized(work: Path, tree: Tree, opts: BenchOptions) -> dict[str, Any]:
    """The size-matched engine half: the real program on the same tree, every provider echoing, no I/O."""
    project = work / "project"
    shutil.copy(SIZED / "__main__.py", project)
    settings = (REPO / "Pulumi.yaml").read_text().replace("virtualenv: .venv", f"virtualenv: {REPO / '.venv'}")
    (project / "Pulumi.yaml").write_text(settings)
    env = _env(work / "home-sized", opts.pulumi_bin, opts.fast)
    # The echo modules load from the repository (program and provider processes inherit this).
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SIZED.parent), env.get("PYTHONPATH", "")) if p)
    proj = Project(project, env, opts.parallel, _profile(opts, "sized", tree.resources))
    proj.pulumi("stack", "init", "bench", "--secrets-provider", "passphrase")
    proj.pulumi("config", "set", "cac-director:instance", str(tree.instance))
    proj.pulumi("config", "set", "cac-director:directorUrl", SIZED_DIRECTOR_URL)
    proj.pulumi("config", "set", "--secret", "cac-director:token", TOKEN)
    if opts.provider_processes is not None:
        proj.pulumi("config", "set", "cac-director:providerProcesses", str(opts.provider_processes))
    times: dict[str, float] = {}
    for op in OPERATIONS:
        if op == "update":
            _change_ten_percent(tree.instance, tree.per_node)
        times[op] = round(proj.operation(op), 2)
        print(f"  sized {op}: {times[op]:.2f}s", flush=True)
    # What up/refresh/update did (a preview leaves no history): the echo diff must see the real edits.
    history = json.loads(proj.pulumi("stack", "history", "--json")[1].stdout)
    return {
        "seconds": times,
        "resources": tree.resources,
        "history": [{"kind": e.get("kind"), "resourceChanges": e.get("resourceChanges")} for e in reversed(history)],
        **_state_summary(proj, tree.resources),
    }


def lower_bound(op: dict[str, Any], depth: int, delay: float, parallel: int, engine: float) -> float:
    writes = int(op["requests"]["writes"])
    director = max(writes * delay / parallel, (depth if writes else 0) * delay)
    return round(director + engine, 2)


def run_trivial(work: Path, size: int, opts: BenchOptions) -> dict[str, Any]:
    """The engine-time half: the trivial program at the size and node layout of the real tree."""
    tree = _tree(work, size)
    return measure_trivial(work, tree.nodes, -(-tree.resources // tree.nodes), opts)


def run_sized(work: Path, size: int, opts: BenchOptions) -> dict[str, Any]:
    """The size-matched engine half: the real program, echo providers, the same synthetic tree."""
    return measure_sized(work, _tree(work, size), opts)


def _baseline(kind: str, size: int, opts: BenchOptions) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="cac-bench-") as tmp:
        (Path(tmp) / "project").mkdir()
        return (run_trivial if kind == "trivial" else run_sized)(Path(tmp), size, opts)


def _add_bounds(run: dict[str, Any], baselines: dict[str, dict[str, Any]], parallel: int) -> None:
    """Bound and ratio of every operation against each baseline measured for this size."""
    for op_name, op in run["ops"].items():
        for kind, base in baselines.items():
            prefix = "" if kind == "trivial" else f"{kind}_"
            engine_s = base["seconds"].get(op_name)
            if engine_s is None:
                continue
            bound = lower_bound(op, run["write_depth"], run["order_delay"], parallel, engine_s)
            op[f"{prefix}engine_seconds"] = engine_s
            op[f"{prefix}lower_bound"] = bound
            op[f"{prefix}ratio"] = round(op["seconds"] / bound, 2) if bound else None


def importer_seconds(writes: int, delay: float) -> float:
    """A sequential importer: each create's order polled every 2 s, so each create waits whole polls."""
    return writes * IMPORTER_POLL_SECONDS * max(1, math.ceil(delay / IMPORTER_POLL_SECONDS))


def _add_importer(run: dict[str, Any]) -> None:
    up = run["ops"]["up"]
    seconds = importer_seconds(int(up["requests"]["writes"]), run["order_delay"])
    up["importer_seconds"] = seconds
    up["importer_speedup"] = round(seconds / up["seconds"], 1) if up["seconds"] else None


def run(
    sizes: list[int],
    delays: list[float],
    opts: BenchOptions,
    *,
    engine: dict[str, dict[int, dict[str, Any]]],
    baselines: tuple[str, ...],
    trivial_only: bool,
    real_runs: list[dict[str, Any]],
) -> dict[str, Any]:
    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "parallel": opts.parallel,
        "provider_processes": opts.provider_processes,
        "mode": "fast" if opts.fast else "default",
        "runs": [],
        **{kind: {} for kind in BASELINES},
    }
    for size in sizes:
        measured: dict[str, dict[str, Any]] = {}
        for kind in baselines:
            base = engine.get(kind, {}).get(size)
            if base is None:
                base = _baseline(kind, size, opts)
            results[kind][str(size)] = measured[kind] = base
        if trivial_only:
            continue
        for delay in delays:
            reused = [r for r in real_runs if r["size"] == size and r["order_delay"] == delay]
            if reused:
                real = json.loads(json.dumps(reused[0]))  # a copy: the bounds are computed afresh
                real["reused_from"] = real.get("reused_from") or "--real-from"
            else:
                with tempfile.TemporaryDirectory(prefix="cac-bench-") as tmp:
                    work = Path(tmp)
                    (work / "project").mkdir()
                    real = {"size": size, "order_delay": delay, **measure_real(work, size, delay, opts)}
            _add_bounds(real, measured, opts.parallel)
            _add_importer(real)
            results["runs"].append(real)
            _print_run(real, measured)
    return results


def _mode_part(doc: dict[str, Any], mode: str) -> dict[str, Any]:
    """The part of a results file measured in ``mode``: files of one mode before 0.3 carry no ``mode`` (default)."""
    if "modes" in doc:
        part: dict[str, Any] = doc["modes"].get(mode, {})
        return part
    return doc if doc.get("mode", "default") == mode else {}


def _engine_times(files: list[Path], mode: str) -> dict[str, dict[int, dict[str, Any]]]:
    """Baseline results of earlier runs (``--engine-from``) in ``mode``, by baseline and size; later files win."""
    out: dict[str, dict[int, dict[str, Any]]] = {kind: {} for kind in BASELINES}
    for path in files:
        doc = _mode_part(json.loads(path.read_text()), mode)
        for kind in BASELINES:
            for size, base in doc.get(kind, {}).items():
                out[kind][int(size)] = base
    return out


def _real_runs(files: list[Path], mode: str) -> list[dict[str, Any]]:
    """Measured runs in ``mode`` of earlier results files (``--real-from``), each marked with its file."""
    runs: list[dict[str, Any]] = []
    for path in files:
        for run in _mode_part(json.loads(path.read_text()), mode).get("runs", []):
            runs.append({**run, "reused_from": run.get("reused_from") or path.name})
    return runs


def _print_run(run: dict[str, Any], baselines: dict[str, dict[str, Any]]) -> None:
    reused = f", measured run reused from {run['reused_from']}" if run.get("reused_from") else ""
    print(
        f"\n== {run['resources']} resources on {run['nodes']} nodes, order latency {run['order_delay'] * 1000:.0f} ms "
        f"(write depth {run['write_depth']}, state {run['state_bytes'] / 1e6:.1f} MB, "
        f"{run['state_bytes_per_resource']} B/resource{reused})"
    )
    print(
        f"{'op':8} {'measured':>9} {'bound':>7} {'ratio':>6} {'engine':>7} {'requests':>9} {'writes':>7} "
        f"{'lists':>6} {'gets':>5} {'polls':>6} {'lists/type/node':>15} {'program':>8} {'providers':>16} {'cli':>7}"
        f" {'cpu':>7}"
    )
    for name, op in run["ops"].items():
        req, mem = op["requests"], op["memory"]
        print(
            f"{name:8} {op['seconds']:>8.2f}s {op.get('lower_bound') or 0:>6.2f}s {op.get('ratio') or 0:>6.2f} "
            f"{op.get('engine_seconds') or 0:>6.2f}s {req['total']:>9} {req['writes']:>7} {req['get_list']:>6} "
            f"{req['get_one']:>5} {req['order_polls']:>6} {op['lists_per_type_per_node']:>15} "
            f"{mem['program']['peak_rss_mib_max']:>5.0f}MiB "
            f"{mem['provider']['processes']:>2}x{mem['provider']['peak_rss_mib_max']:>3.0f}={mem['provider']['peak_rss_mib_sum']:>4.0f}MiB"
            f" {mem.get('cli', {}).get('peak_rss_mib_max', 0):>4.0f}MiB"
            f" {mem.get('cpu_seconds', {}).get('total', 0):>6.1f}s"
        )
    print(
        "(memory: peak RSS of the program; provider processes x largest = sum of their peaks; the CLI. "
        "cpu: user + system seconds of the CLI, language host, program and providers)"
    )
    _print_baselines(run, baselines)


def _print_baselines(run: dict[str, Any], baselines: dict[str, dict[str, Any]]) -> None:
    """Measured time next to the bound and ratio against each engine baseline, with the state sizes."""
    kinds = [kind for kind in BASELINES if kind in baselines]
    if not kinds:
        return
    print(
        "\nbaselines: "
        + "; ".join(
            f"{kind} = {baselines[kind]['resources']} resources, "
            f"{baselines[kind]['state_bytes_per_resource']} B/resource"
            for kind in kinds
        )
        + f"; measured program {run['state_bytes_per_resource']} B/resource"
    )
    header = f"{'op':8} {'measured':>9}"
    for kind in kinds:
        header += f" {kind + ' engine':>15} {kind + ' bound':>14} {kind + ' ratio':>13}"
    print(header)
    for name, op in run["ops"].items():
        line = f"{name:8} {op['seconds']:>8.2f}s"
        for kind in kinds:
            prefix = "" if kind == "trivial" else f"{kind}_"
            line += (
                f" {op.get(prefix + 'engine_seconds') or 0:>14.2f}s {op.get(prefix + 'lower_bound') or 0:>13.2f}s"
                f" {op.get(prefix + 'ratio') or 0:>13.2f}"
            )
        print(line)


def _print_side_by_side(by_mode: dict[str, dict[str, Any]]) -> None:
    """Per size, latency and operation: seconds, bound and ratio of each mode, next to each other."""
    modes = list(by_mode)
    print("\n== side by side (ratio = measured / (Director critical path + trivial engine time, same mode))")
    header = f"{'size':>5} {'ms':>4} {'op':12}"
    for mode in modes:
        header += f" {mode + ' s':>11} {'bound':>7} {'ratio':>6}"
    print(header + f" {'peak MiB (prog/prov/cli)':>25}")
    keyed = {mode: {(r["size"], r["order_delay"]): r for r in doc["runs"]} for mode, doc in by_mode.items()}
    for key in sorted(keyed[modes[0]]):
        size, delay = key
        for op_name in OPERATIONS:
            line = f"{size:>5} {delay * 1000:>4.0f} {op_name:12}"
            memory = ""
            for mode in modes:
                op = keyed[mode].get(key, {}).get("ops", {}).get(op_name)
                if op is None:
                    line += f" {'-':>11} {'-':>7} {'-':>6}"
                    continue
                line += f" {op['seconds']:>10.2f}s {op.get('lower_bound') or 0:>6.2f}s {op.get('ratio') or 0:>6.2f}"
                mem = op["memory"]
                memory += (
                    f" {mem['program']['peak_rss_mib_max']:.0f}/{mem['provider']['peak_rss_mib_sum']:.0f}"
                    f"/{mem.get('cli', {}).get('peak_rss_mib_max', 0):.0f}"
                )
            print(line + f" {memory:>25}")
        for mode in modes:
            up = keyed[mode].get(key, {}).get("ops", {}).get("up", {})
            if up.get("importer_seconds"):
                print(
                    f"{size:>5} {delay * 1000:>4.0f} importer     {mode}: sequential importer (2 s polls) "
                    f"{up['importer_seconds']:.0f}s = {up['importer_speedup']}x this mode's up"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,500,2000")
    parser.add_argument("--delays", default="0,0.2", help="order latencies in seconds")
    parser.add_argument("--parallel", type=int, default=32, help="pulumi --parallel")
    parser.add_argument(
        "--pulumi-bin", type=Path, default=Path(os.environ.get("CAC_DIRECTOR_PULUMI_BIN", DEFAULT_PULUMI_BIN))
    )
    parser.add_argument(
        "--provider-processes", type=int, default=None, help="cac-director:providerProcesses (0: default provider)"
    )
    parser.add_argument(
        "--baselines",
        default=",".join(BASELINES),
        help="engine baselines to measure or reuse: trivial (two-key resources), sized (real inputs, echo providers)",
    )
    parser.add_argument(
        "--trivial-only",
        action="store_true",
        help="run only the baselines (the engine-time half of the bound), not the real program",
    )
    parser.add_argument(
        "--engine-from",
        type=Path,
        action="append",
        default=[],
        help="reuse the baseline times (trivial and sized) of an earlier results file instead of measuring them again",
    )
    parser.add_argument(
        "--real-from",
        type=Path,
        action="append",
        default=[],
        help="reuse the measured runs of an earlier results file (same size and latency) and only add the bounds",
    )
    parser.add_argument(
        "--cli-profile",
        type=Path,
        default=None,
        help="write the CLI's CPU/memory profiles of every operation here (`go tool pprof -top <pulumi> FILE.cpu`)",
    )
    parser.add_argument(
        "--modes",
        default="default",
        help="default (checkpoints), fast (what `cac-director up --fast` sets), or both: default,fast",
    )
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "pulumi_bench.json")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    delays = [float(d) for d in args.delays.split(",")]
    opts = BenchOptions(args.parallel, args.pulumi_bin, args.provider_processes, args.cli_profile)
    baselines = tuple(kind for kind in args.baselines.split(",") if kind)
    unknown = sorted(set(baselines) - set(BASELINES))
    if unknown:
        parser.error(f"unknown baseline(s) {', '.join(unknown)}: choose from {', '.join(BASELINES)}")
    modes = [mode for mode in args.modes.split(",") if mode]
    if set(modes) - {"default", "fast"}:
        parser.error("--modes takes default and/or fast")
    # Each size is run in every mode before the next size: on a shared machine the ratios side by side count.
    by_mode: dict[str, dict[str, Any]] = {}
    for size in sizes:
        for mode in modes:
            print(f"\n#### mode {mode}, {size} resources, load {os.getloadavg()}", flush=True)
            part = run(
                [size],
                delays,
                replace(opts, fast=mode == "fast"),
                engine=_engine_times(args.engine_from, mode),
                baselines=baselines,
                trivial_only=args.trivial_only,
                real_runs=_real_runs(args.real_from, mode),
            )
            merged = by_mode.setdefault(mode, part)
            if merged is not part:
                merged["runs"] += part["runs"]
                for kind in BASELINES:
                    merged[kind].update(part[kind])
            # Written after every part: a run cut short keeps what it measured.
            args.out.parent.mkdir(parents=True, exist_ok=True)
            results = by_mode[modes[0]] if len(modes) == 1 else {"modes": by_mode}
            args.out.write_text(json.dumps(results, indent=2) + "\n")
    if len(modes) > 1:
        _print_side_by_side(by_mode)
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
