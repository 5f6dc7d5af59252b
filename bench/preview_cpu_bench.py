"""CPU seconds per process of a no-op preview (refresh included), optionally against another checkout.

    .venv/bin/python bench/preview_cpu_bench.py [--size 500] [--runs 3] [--ops preview,preview_rec]
        [--compare DIR] [--compare-env NAME=VALUE] [--py-spy DIR [--native]] [--json OUT.json]

Deploys the synthetic MSSP tree of ``--size`` objects (``bench/synthetic.py``, as ``bench/pulumi_bench.py``
builds it) to the emulator at 0 ms order latency with the real CLI on a file backend, then runs the no-op
operations ``--runs`` times each and prints, per run, the CPU seconds (user + system, sampled from /proc every
0.2 s) of the CLI, the language host, the program and the provider processes, and the wall time.

``--compare DIR`` runs every operation a second time with the package of another checkout (a directory holding
``cac_director/``, e.g. ``git archive main cac_director | tar -x -C DIR``) on ``PYTHONPATH`` of the program and
provider processes, alternating with this one so that both see the same load, on the same deployed stack (the
two must preview it with no changes, which ``--expect-no-changes`` asserts). On a shared machine the CPU
columns are the ones to compare; the load average is printed with each run, and the medians at the end.
``--compare-env NAME=VALUE`` (repeatable) gives the compared runs other environment variables (without
``--compare``: the same package with other settings). A compiled ``DIR`` (``python -m compileall``) is fair
against this checkout, which ``scripts/setup`` compiles.

``--py-spy DIR`` attaches ``py-spy record`` (not a dependency of the project: ``pip install py-spy`` into the
.venv) to the program and every provider process of the first run of each operation, and writes one
collapsed-stack file per process there (``<op>-<kind>-<pid>.txt``; ``--native`` includes gRPC's C frames,
and costs the profiled processes several times their CPU). A benchmark, never a test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

from pulumi_bench import DEFAULT_PULUMI_BIN, REPO, TOKEN, MemorySampler, Project, Tree, _env, _tree

from cac_director.emulator import Emulator, EmulatorConfig


class PySpyAttacher:
    """Starts ``py-spy record`` on each program and provider process that appears in ``project``."""

    def __init__(self, project: Path, out: Path, prefix: str, native: bool) -> None:
        self.project = str(project.resolve())
        self.out, self.prefix, self.native = out, prefix, native
        self.seen: set[int] = set()
        self.spies: list[subprocess.Popen[bytes]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PySpyAttacher:
        self.out.mkdir(parents=True, exist_ok=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        for spy in self.spies:
            spy.wait(timeout=60)  # each ends with its process and writes its file

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            for pid_dir in Path("/proc").iterdir():
                if pid_dir.name.isdigit() and int(pid_dir.name) not in self.seen:
                    self._attach(pid_dir)

    def _attach(self, pid_dir: Path) -> None:
        try:
            if os.readlink(pid_dir / "cwd") != self.project:
                return
            cmdline = (pid_dir / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            return
        pid = int(pid_dir.name)
        if "python" not in cmdline.split(" ")[0]:
            return
        self.seen.add(pid)
        if "pulumi.dynamic" in cmdline:
            kind = "provider"
        elif "pulumi-language-python-exec" in cmdline:
            kind = "program"
        else:
            return
        args = ["py-spy", "record", "--pid", str(pid), "--rate", "250", "--format", "raw"]
        args += ["--output", str(self.out / f"{self.prefix}-{kind}-{pid}.txt")]
        if self.native:
            args.append("--native")
        self.spies.append(subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ops", default="preview", help="preview (refreshing) and/or preview_rec (--refresh=false)")
    parser.add_argument("--parallel", type=int, default=32)
    parser.add_argument("--compare", type=Path, metavar="DIR", help="another checkout's cac_director, alternated")
    parser.add_argument(
        "--compare-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="environment of the compared runs (without --compare: the same package with other settings)",
    )
    parser.add_argument("--py-spy", type=Path, metavar="DIR", help="profile the first run of each op with py-spy")
    parser.add_argument("--native", action="store_true", help="py-spy --native (C frames of gRPC and protobuf)")
    parser.add_argument(
        "--pulumi-bin", type=Path, default=Path(os.environ.get("CAC_DIRECTOR_PULUMI_BIN", DEFAULT_PULUMI_BIN))
    )
    parser.add_argument("--json", type=Path)
    return parser.parse_args()


def _deploy(work: Path, tree: Tree, emulator: Emulator, env: dict[str, str], parallel: int) -> Project:
    """The synthetic tree's stack, deployed with this checkout's package: what every measured run previews."""
    project = work / "project"
    shutil.copy(REPO / "__main__.py", project)
    settings = (REPO / "Pulumi.yaml").read_text().replace("virtualenv: .venv", f"virtualenv: {REPO / '.venv'}")
    (project / "Pulumi.yaml").write_text(settings)
    proj = Project(project, env, parallel)
    proj.pulumi("stack", "init", "bench", "--secrets-provider", "passphrase")
    proj.pulumi("config", "set", "cac-director:instance", str(tree.instance))
    proj.pulumi("config", "set", "cac-director:directorUrl", emulator.url)
    proj.pulumi("config", "set", "--secret", "cac-director:token", TOKEN)
    print(f"{tree.resources} objects: up {proj.operation('up'):.1f} s", flush=True)
    return proj


def _measure(proj: Project, op: str, label: str, spy: PySpyAttacher | None) -> dict[str, Any]:
    load = os.getloadavg()[0]
    if spy is not None:
        spy.__enter__()
    try:
        with MemorySampler(proj.path) as sampler:
            seconds = proj.operation(op)
    finally:
        if spy is not None:
            spy.__exit__()
    summary = sampler.summary()
    return {
        "op": op,
        "source": label,
        "seconds": round(seconds, 2),
        "load_1min": [round(load, 2), round(os.getloadavg()[0], 2)],
        "cpu_seconds": summary["cpu_seconds"],
        "provider_processes": summary["provider"]["processes"],
        "program_peak_rss_mib": summary["program"]["peak_rss_mib_max"],
        "profiled": spy is not None,
    }


def _print_row(row: dict[str, Any]) -> None:
    cpu = row["cpu_seconds"]
    print(
        f"run {row['run']} {row['op']:11} {row['source']:7} wall {row['seconds']:6.2f} s  CPU cli {cpu['cli']:5.2f} "
        f"langhost {cpu['langhost']:4.2f} program {cpu['program']:5.2f} "
        f"providers {cpu['provider']:5.2f} ({row['provider_processes']}) total {cpu['total']:6.2f}"
        f"  program RSS {row['program_peak_rss_mib']:.0f} MiB"
        f"  load {row['load_1min'][0]:.1f}-{row['load_1min'][1]:.1f}" + ("  [py-spy]" if row["profiled"] else ""),
        flush=True,
    )


def _medians(rows: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Median CPU seconds per process kind, per operation and source, over the runs not profiled."""
    out: dict[str, dict[str, float]] = {}
    for key in sorted({(r["op"], r["source"]) for r in rows}):
        picked = [r for r in rows if (r["op"], r["source"]) == key and not r["profiled"]]
        if picked:
            kinds = picked[0]["cpu_seconds"].keys()
            out["/".join(key)] = {k: round(statistics.median(r["cpu_seconds"][k] for r in picked), 2) for k in kinds}
    return out


def main() -> None:
    args = _parse_args()
    ops = [op for op in args.ops.split(",") if op]
    sources: dict[str, str | None] = {"this": None}
    if args.compare or args.compare_env:
        sources["compare"] = str(args.compare.resolve()) if args.compare else None
    compare_env = dict(item.split("=", 1) for item in args.compare_env)
    results: dict[str, Any] = {"size": args.size, "runs": []}
    with tempfile.TemporaryDirectory(prefix="cac-cpu-bench-") as tmp:
        work = Path(tmp)
        (work / "project").mkdir()
        tree = _tree(work, args.size)
        results["resources"] = tree.resources
        cfg = EmulatorConfig.from_fleet_files([tree.instance.parent.parent / "fleet.yaml"], token=TOKEN)
        with Emulator.start(cfg, host="127.0.0.1", port=0) as emu:
            env = _env(work / "home", args.pulumi_bin)
            proj = _deploy(work, tree, emu, env, args.parallel)
            for run in range(args.runs):
                for op in ops:
                    for label, root in sources.items():
                        run_env = {**env, **(compare_env if label == "compare" else {})}
                        if root:
                            run_env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
                        spy = None
                        if args.py_spy and run == 0:
                            spy = PySpyAttacher(proj.path, args.py_spy, f"{op}-{label}", args.native)
                        row = {"run": run, **_measure(Project(proj.path, run_env, args.parallel), op, label, spy)}
                        results["runs"].append(row)
                        _print_row(row)
    results["median_cpu_seconds"] = _medians(results["runs"])
    for key, cpu in results["median_cpu_seconds"].items():
        print(f"median {key:20} " + "  ".join(f"{kind} {value:.2f}" for kind, value in cpu.items()))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
