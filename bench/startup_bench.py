"""Start-up cost of the two Python processes every stack pays: the program and each dynamic provider process.

Each measurement is a fresh interpreter, as the language host and the engine start them. For each it prints
the best and the median of ``--repeat`` runs, wall time and the process's CPU time (on a loaded machine the
CPU time is the steadier measure; the best run is the least disturbed by other work):

- ``provider``: what unpickling a provider imports, after what ``python -m pulumi.dynamic`` has imported
  already (``pulumi``, ``grpc``, ``dill``): the part of a provider process's start that is ours;
- ``program``: importing the program module ``__main__.py`` runs, after ``pulumi`` (ours again);
- ``program+load``: the same, then loading and validating the demo's staging instance, as every run does;
- ``pulumi``: ``import pulumi`` alone, the SDK's share of both, for scale;

and the number of modules each of ours adds. ``python -X importtime`` gives the breakdown by module.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

_SDK = "import dill, grpc, pulumi, pulumi.dynamic"
_ROOT = Path(__file__).resolve().parents[1]
_STAGING = str(_ROOT / "fleets" / "bank-a" / "staging" / "instance.yaml")


def _staging(root: Path | None) -> str:
    return _STAGING.replace(str(_ROOT), str(root)) if root else _STAGING


_CASES: dict[str, tuple[str, str]] = {
    # name -> (already imported before the clock starts, what is timed)
    "provider": (_SDK, "import cac_director.pulumi_provider.providers"),
    "program": (_SDK, "import cac_director.pulumi_provider.program"),
    # What every program run does next: load, resolve and validate its instance (the demo's staging one).
    "program+load": (
        _SDK,
        "import cac_director.pulumi_provider.program as p; p.load_instance(p.Path(" + repr(_STAGING) + "))",
    ),
    "pulumi": ("", _SDK),
}

_PROBE = """
import sys, time
{source}
{before}
known = set(sys.modules)
start, cpu = time.perf_counter(), time.process_time()
{timed}
print(time.perf_counter() - start, time.process_time() - cpu, len(set(sys.modules) - known))
"""


# Another checkout's package instead of the installed one: the editable install's finder would win over
# sys.path, so it is dropped first.
_OTHER_SOURCE = """
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in type(f).__module__.lower()]
sys.path.insert(0, {root!r})
"""


def _measure(before: str, timed: str, root: Path | None) -> tuple[float, float, int]:
    source = _OTHER_SOURCE.format(root=str(root)) if root else ""
    code = _PROBE.format(source=source, before=before, timed=timed.replace(_STAGING, _staging(root)))
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    wall, cpu, modules = out.split()
    return float(wall), float(cpu), int(modules)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="DIR",
        help="also measure the checkout at DIR (holding cac_director/ and fleets/, e.g. `git archive main`), "
        "alternating runs with this one so that both see the same load",
    )
    parser.add_argument("--json", type=Path, help="write the results here too")
    args = parser.parse_args()
    sources: dict[str, Path | None] = {"this": None}
    if args.compare:
        sources["compare"] = args.compare.resolve()
    results: dict[str, dict[str, dict[str, float | int]]] = {label: {} for label in sources}
    for name, (before, timed) in _CASES.items():
        runs: dict[str, list[tuple[float, float, int]]] = {label: [] for label in sources}
        for _ in range(args.repeat):
            for label, root in sources.items():
                runs[label].append(_measure(before, timed, root))
        for label, measured in runs.items():
            wall = [run[0] for run in measured]
            cpu = [run[1] for run in measured]
            modules = measured[0][2]
            results[label][name] = {
                "wall_best_s": min(wall),
                "wall_median_s": statistics.median(wall),
                "cpu_best_s": min(cpu),
                "cpu_median_s": statistics.median(cpu),
                "modules": modules,
            }
            print(
                f"{label:8} {name:13} wall best {min(wall):6.3f} s median {statistics.median(wall):6.3f} s   "
                f"CPU best {min(cpu):6.3f} s median {statistics.median(cpu):6.3f} s   +{modules} modules"
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
