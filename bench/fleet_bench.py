"""Fleet preview of N demo-size stacks against one emulator: a sequential `pulumi preview` loop vs `cac-director fleet`.

    .venv/bin/python bench/fleet_bench.py [--sizes 8,32,100] [--parallel N] [--floor-runs 5]
        [--out bench/results/fleet_bench.json] [--no-local]

For each size it writes a synthetic tree of N customers (one `prod` instance each: a data node with 34 objects
and a search head with its alert rule, the size of the demo's staging stack), starts one emulator with every
node, deploys all stacks with `cac-director fleet up`, then times, on the same no-op state:

- **sequential**: `pulumi preview --stack S --config-file <instance dir>/stack.yaml` for each stack, one after
  another (what a user's loop over `pulumi stack ls` does);
- **fleet**: `cac-director fleet preview --parallel P`, once with `--program local` (each stack's program through
  the language host: `fleet_preview_local`, `ratio_local`) and once with `--program inline` (the default: every
  program in the fleet process: `fleet_preview`, `ratio`).

Peak memory is the largest sum of RSS over the whole process tree (CLI, language hosts, programs, providers),
sampled every 0.2 s; CPU seconds (user + system) of the whole tree come from ``wait4`` of the command, and per
kind of process (fleet process, CLI, language host, program, provider) from the same samples (a lower bound).
The per-stack floor is measured before the sizes and again after them (``floor_after``: the load moves during
a run of many minutes): `pulumi version` (CLI start), a no-op preview of an empty Python stack (Pulumi's
empty-stack floor: CLI, language host, program bootstrap; wall and CPU), 8 empty stacks previewed `--parallel`
at a time (the parallelism the machine really gives), and the import time of the program and of the provider
module (`python -c "import ..."` minus `python -c "import pulumi"`).
Each row is judged against issue #18's targets (``fleet_targets.judge``: ``targets``, and
``targets_floor_after`` with the later floor): ratio >= 3, peak memory < 4 GiB, and fleet time <= 1.5 x
(stacks x empty-stack floor / usable parallelism), usable parallelism = the cores (`min(P, CPUs)`) and, measured,
the empty stacks' parallelism.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psutil
from fleet_targets import judge, process_kind  # bench/: a script's own directory leads sys.path
from synthetic import generate_mssp_tree

from cac_director.emulator import Emulator, EmulatorConfig
from cac_director.fleet.parallelism import default_parallel, usable_cpus

REPO = Path(__file__).resolve().parent.parent
TOKEN = "bench-director-token-fleet"
PYTHON = REPO / ".venv" / "bin" / "python"
CAC = REPO / ".venv" / "bin" / "cac-director"


class TreeSampler:
    """Peak of the summed RSS of a process and all its descendants, and CPU seconds per kind of process.

    Sampled every 0.2 s: a process's last 0.2 s of CPU can be missed, so the per-kind seconds are a lower
    bound; the total comes exactly from the root's ``wait4`` (it includes every reaped descendant).
    """

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.peak = 0
        self.cpu: dict[int, float] = {}
        self.kinds: dict[int, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            try:
                tree = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                break
            for proc in tree:
                try:
                    with proc.oneshot():
                        total += proc.memory_info().rss
                        times = proc.cpu_times()
                        if proc.pid not in self.kinds:
                            self.kinds[proc.pid] = process_kind(proc.cmdline(), proc.pid == self.root.pid)
                except psutil.Error:
                    continue
                self.cpu[proc.pid] = times.user + times.system
            self.peak = max(self.peak, total)
            self._stop.wait(0.2)

    def stop(self) -> tuple[int, dict[str, float]]:
        """Peak bytes, and sampled CPU seconds per process kind (with the number of processes seen)."""
        self._stop.set()
        self._thread.join()
        by_kind: dict[str, float] = {}
        counts: dict[str, float] = {}
        for pid, seconds in self.cpu.items():
            kind = self.kinds.get(pid, "other")
            by_kind[kind] = by_kind.get(kind, 0.0) + seconds
            counts[f"{kind}_processes"] = counts.get(f"{kind}_processes", 0) + 1
        return self.peak, {**{k: round(v, 2) for k, v in sorted(by_kind.items())}, **counts}


def timed(cmd: list[str], cwd: Path, env: dict[str, str], log: Path | None = None) -> dict[str, Any]:
    start = time.monotonic()
    out = log.open("a") if log else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    sampler = TreeSampler(proc.pid)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - start
    peak, by_kind = sampler.stop()
    if log:
        out.close()  # type: ignore[union-attr]
    return {
        "seconds": round(seconds, 2),
        "peak_mib": round(peak / 2**20),
        "exit": proc.returncode,
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "cpu_s_by_kind_sampled": by_kind,
    }


def project(base: Path, program: str | None = None) -> Path:
    """The cac-director project, or (``program`` given) a bare Python project running that program."""
    proj = base / "project"
    proj.mkdir(parents=True)
    if program is None:
        settings = (REPO / "Pulumi.yaml").read_text().replace("virtualenv: .venv", f"virtualenv: {REPO / '.venv'}")
        shutil.copy(REPO / "__main__.py", proj)
    else:
        settings = f"name: empty\nruntime:\n  name: python\n  options:\n    virtualenv: {REPO / '.venv'}\n"
        (proj / "__main__.py").write_text(program)
    (proj / "Pulumi.yaml").write_text(settings)
    return proj


def environment(base: Path) -> dict[str, str]:
    (base / "backend").mkdir(exist_ok=True)
    env = dict(os.environ)
    env.update(
        {
            "PULUMI_HOME": str(base / "home"),
            "PULUMI_BACKEND_URL": f"file://{base / 'backend'}",
            "PULUMI_CONFIG_PASSPHRASE": "bench",
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "DIRECTOR_TOKEN": TOKEN,
        }
    )
    return env


def import_seconds(module: str, runs: int) -> float:
    def once(code: str) -> float:
        start = time.monotonic()
        subprocess.run([str(PYTHON), "-c", code], check=True)
        return time.monotonic() - start

    base = statistics.median(once("import pulumi") for _ in range(runs))
    return round(statistics.median(once(f"import {module}") for _ in range(runs)) - base, 3)


def floor(runs: int, parallel: int, size_for_parallel: int) -> dict[str, Any]:
    """Pulumi's per-stack floor on this machine, and what our program and providers add to it."""
    with tempfile.TemporaryDirectory(prefix="fleet-floor-") as scratch:
        base = Path(scratch)
        env = environment(base)
        proj = project(base, "import pulumi\n")
        subprocess.run(
            ["pulumi", "stack", "init", "empty", "--non-interactive"],
            cwd=proj,
            env=env,
            check=True,
            capture_output=True,
        )
        subprocess.run(
            ["pulumi", "up", "--yes", "--stack", "empty", "--non-interactive"],
            cwd=proj,
            env=env,
            check=True,
            capture_output=True,
        )
        cli = [timed(["pulumi", "version"], proj, env)["seconds"] for _ in range(runs)]
        previews = [
            timed(["pulumi", "preview", "--stack", "empty", "--non-interactive"], proj, env) for _ in range(runs)
        ]
        empty = [run["seconds"] for run in previews]
        # Empty stacks run `parallel` at a time: the floor at this parallelism, measured.
        names = [f"empty-{index:03d}" for index in range(size_for_parallel)]
        for name in names:
            for step in (["stack", "init", name], ["up", "--yes", "--stack", name]):
                subprocess.run(
                    ["pulumi", *step, "--non-interactive"], cwd=proj, env=env, check=True, capture_output=True
                )
        started = time.monotonic()
        _parallel_previews(proj, env, names, parallel)
        empty_parallel = time.monotonic() - started
    median_empty = statistics.median(empty)
    return {
        "cli_start_s": round(statistics.median(cli), 3),
        "empty_stack_preview_s": round(median_empty, 3),
        "empty_stack_preview_cpu_s": round(statistics.median(run["cpu_s"] for run in previews), 3),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "program_import_s": import_seconds("cac_director.pulumi_provider.program", runs),
        "provider_import_s": import_seconds("cac_director.pulumi_provider.providers", runs),
        "empty_stacks_parallel": {
            "stacks": size_for_parallel,
            "parallel": parallel,
            "seconds": round(empty_parallel, 2),
            "usable_parallelism": round(size_for_parallel * median_empty / empty_parallel, 2),
        },
    }


def _parallel_previews(proj: Path, env: dict[str, str], names: list[str], parallel: int) -> None:
    def one(name: str) -> None:
        subprocess.run(
            ["pulumi", "preview", "--stack", name, "--non-interactive"],
            cwd=proj,
            env=env,
            check=True,
            capture_output=True,
        )

    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(one, names))


def run_size(size: int, parallel: int, logs: Path, *, with_local: bool = True) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=f"fleet-bench-{size}-") as scratch:
        base = Path(scratch)
        env = environment(base)
        proj = project(base)
        instances = generate_mssp_tree(proj / "fleets", customers=size, nodes_per_customer=2, resources_per_node=34)
        fleets = [path.parent.parent / "fleet.yaml" for path in instances]
        cfg = EmulatorConfig.from_fleet_files(fleets, token=TOKEN)
        with Emulator.start(cfg, host="127.0.0.1", port=0) as emu:
            for path in instances:
                (path.parent / "stack.yaml").write_text(f"config:\n  cac-director:directorUrl: {emu.url}\n")
            log = logs / f"fleet-bench-{size}.log"
            load_before = os.getloadavg()
            up = timed([str(CAC), "fleet", "up", "--parallel", str(parallel), "--json"], proj, env, log)
            names = [f"cust-{index:03d}-prod" for index in range(size)]
            started = time.monotonic()
            peak = 0
            failures = 0
            cpu = 0.0
            for name, path in zip(names, instances, strict=True):
                one = timed(
                    [
                        "pulumi",
                        "preview",
                        "--stack",
                        name,
                        "--config-file",
                        str(path.parent / "stack.yaml"),
                        "--non-interactive",
                        "--expect-no-changes",
                    ],
                    proj,
                    env,
                    log,
                )
                peak = max(peak, one["peak_mib"])
                failures += one["exit"] != 0
                cpu += one["cpu_s"]
            sequential = {
                "seconds": round(time.monotonic() - started, 2),
                "peak_mib": peak,
                "failed": failures,
                "cpu_s": round(cpu, 2),
            }
            # The program through the language host (one Python per stack), then inline in the fleet process,
            # with the providers forked from the fleet's fork server (the default) and started the ordinary way.
            fleet_local = (
                timed(
                    [str(CAC), "fleet", "preview", "--parallel", str(parallel), "--program", "local", "--json"],
                    proj,
                    env,
                    log,
                )
                if with_local
                else None
            )
            fleet_plain = timed(
                [str(CAC), "fleet", "preview", "--parallel", str(parallel), "--no-forkserver", "--json"],
                proj,
                env,
                log,
            )
            fleet = timed(
                [str(CAC), "fleet", "preview", "--parallel", str(parallel), "--program", "inline", "--json"],
                proj,
                env,
                log,
            )
            load_after = os.getloadavg()
    row: dict[str, Any] = {
        "stacks": size,
        "parallel": parallel,
        "fleet_up": up,
        "sequential_preview": sequential,
    }
    per_stack_cpu = {"sequential": round(sequential["cpu_s"] / size, 2)}
    if fleet_local is not None:
        row["fleet_preview_local"] = fleet_local
        row["ratio_local"] = round(sequential["seconds"] / fleet_local["seconds"], 2)
        per_stack_cpu["fleet_local"] = round(fleet_local["cpu_s"] / size, 2)
    per_stack_cpu["fleet_no_forkserver"] = round(fleet_plain["cpu_s"] / size, 2)
    per_stack_cpu["fleet"] = round(fleet["cpu_s"] / size, 2)
    return {
        **row,
        "fleet_preview_no_forkserver": fleet_plain,
        "ratio_no_forkserver": round(sequential["seconds"] / fleet_plain["seconds"], 2),
        "fleet_preview": fleet,
        "ratio": round(sequential["seconds"] / fleet["seconds"], 2),
        "forkserver_speedup": round(fleet_plain["seconds"] / fleet["seconds"], 2),
        "per_stack_sequential_s": round(sequential["seconds"] / size, 2),
        "per_stack_fleet_s": round(fleet["seconds"] / size, 2),
        "per_stack_cpu_s": per_stack_cpu,
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in load_after],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="8,32,100")
    parser.add_argument("--parallel", type=int, default=default_parallel())
    parser.add_argument("--floor-runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "fleet_bench.json")
    parser.add_argument(
        "--no-local", action="store_true", help="Leave out the --program local row (the slowest, ~2.5 s a stack)."
    )
    args = parser.parse_args()
    logs = Path(tempfile.mkdtemp(prefix="fleet-bench-logs-"))
    results: dict[str, Any] = {
        "machine": {
            "cpus": usable_cpus(),
            "python": platform.python_version(),
            "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        },
        "floor": floor(args.floor_runs, args.parallel, 8),
        "sizes": [],
    }
    print(json.dumps(results["floor"], indent=2), flush=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    for size in sizes:
        results["sizes"].append(run_size(size, args.parallel, logs, with_local=not args.no_local))
        _judge_rows(results, args.parallel)
        print(json.dumps(results["sizes"][-1], indent=2), flush=True)
        _write(args.out, results)
    # The sizes take minutes on a shared machine whose load moves: the floor again, at the end, for comparison.
    results["floor_after"] = floor(args.floor_runs, args.parallel, 8)
    _judge_rows(results, args.parallel)
    print(json.dumps({"floor_after": results["floor_after"]}, indent=2), flush=True)
    _write(args.out, results)
    print(f"logs: {logs}")


def _judge_rows(results: dict[str, Any], parallel: int) -> None:
    """Each row against issue #18's targets (``fleet_targets.judge``), with the floor before and after the rows."""
    cpus = results["machine"]["cpus"]
    for row in results["sizes"]:
        for key, measured in (("targets", results["floor"]), ("targets_floor_after", results.get("floor_after"))):
            if measured is None:
                continue
            row[key] = judge(
                stacks=row["stacks"],
                sequential_s=row["sequential_preview"]["seconds"],
                fleet_s=row["fleet_preview"]["seconds"],
                fleet_peak_mib=row["fleet_preview"]["peak_mib"],
                empty_floor_s=measured["empty_stack_preview_s"],
                parallel=parallel,
                cpus=cpus,
                measured_parallelism=measured["empty_stacks_parallel"]["usable_parallelism"],
            )
        # The keys earlier results files carry (the floor measured before the rows).
        row["floor_bound_s"] = row["targets"]["floor_bound"]["bound_s"]
        row["fleet_vs_floor_bound"] = row["targets"]["floor_bound"]["measured_over_bound"]
        row["measured_floor_bound_s"] = row["targets"]["measured_floor_bound"]["bound_s"]
        row["fleet_vs_measured_floor_bound"] = row["targets"]["measured_floor_bound"]["measured_over_bound"]


def _write(out: Path, results: dict[str, Any]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
