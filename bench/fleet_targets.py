"""Issue #18's fleet targets judged on one row of ``bench/fleet_bench.py``, and the kind of each sampled process.

Pure functions (no processes, no clock), so that ``tests/fleet/test_fleet_bench_targets.py`` checks the
arithmetic the results files and docs/performance.md quote.

The targets for a fleet preview of N stacks on the 2-core machine:

- at least ``RATIO_TARGET`` times faster than the sequential loop of ``pulumi preview``;
- peak memory of the whole process tree below ``PEAK_TARGET_MIB``;
- its time within ``FLOOR_FACTOR`` times the floor bound, N x empty-stack floor / usable parallelism. The usable
  parallelism is taken two ways: the cores the fleet can use (``min(--parallel, CPUs)``, the formula as
  written) and the one measured in the same run on empty stacks previewed ``--parallel`` at a time (what a
  shared machine really gave).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

RATIO_TARGET = 3.0
PEAK_TARGET_MIB = 4096
FLOOR_FACTOR = 1.5


def floor_bound(stacks: int, empty_floor_s: float, parallelism: float) -> float:
    """Seconds N stacks would take if each cost one empty-stack preview and ``parallelism`` ran at once."""
    if parallelism <= 0:
        raise ValueError(f"parallelism must be positive, got {parallelism}")
    return stacks * empty_floor_s / parallelism


def judge(  # noqa: PLR0917 - the measured quantities of one row, named at every call
    stacks: int,
    sequential_s: float,
    fleet_s: float,
    fleet_peak_mib: int,
    empty_floor_s: float,
    parallel: int,
    cpus: int,
    measured_parallelism: float,
) -> dict[str, Any]:
    """Every number the targets need, and whether each target is met (``met``)."""
    ratio = sequential_s / fleet_s
    return {
        "ratio": {"value": round(ratio, 2), "target": f">= {RATIO_TARGET}", "met": ratio >= RATIO_TARGET},
        "peak_memory_mib": {
            "value": fleet_peak_mib,
            "target": f"< {PEAK_TARGET_MIB}",
            "met": fleet_peak_mib < PEAK_TARGET_MIB,
        },
        "floor_bound": _judge_bound(
            "stacks x empty_stack_preview_s / min(parallel, cpus)", min(parallel, cpus), stacks, empty_floor_s, fleet_s
        ),
        "measured_floor_bound": _judge_bound(
            "stacks x empty_stack_preview_s / parallelism measured on empty stacks",
            measured_parallelism,
            stacks,
            empty_floor_s,
            fleet_s,
        ),
    }


def _judge_bound(formula: str, parallelism: float, stacks: int, empty_floor_s: float, fleet_s: float) -> dict[str, Any]:
    """The floor bound with one reading of the usable parallelism, and the fleet's time against it."""
    bound = floor_bound(stacks, empty_floor_s, parallelism)
    return {
        "formula": formula,
        "usable_parallelism": parallelism,
        "bound_s": round(bound, 1),
        "measured_over_bound": round(fleet_s / bound, 2),
        "target": f"<= {FLOOR_FACTOR}",
        "met": fleet_s / bound <= FLOOR_FACTOR,
    }


def process_kind(argv: Sequence[str], is_root: bool) -> str:
    """What a process of an operation's tree is, from its command line (for CPU seconds per kind)."""
    cmdline = " ".join(argv)
    program = (argv[0] if argv else "").rsplit("/", 1)[-1]
    if is_root and "cac-director" in cmdline:
        kind = "fleet"  # the fleet process: the runner, the Automation API and (inline) every stack's program
    elif program == "pulumi":
        kind = "cli"
    elif program in {"sh", "bash", "dash"}:
        kind = "shell"  # the provider plugin's shim (pulumi-resource-pulumi-python) that starts its Python
    elif "forkserver_client" in cmdline:
        kind = "provider_client"  # stands in for a forked provider (pulumi_provider/forkserver_client.py)
    elif "pulumi.dynamic" in cmdline or "pulumi_provider.forkserver" in cmdline:
        kind = "provider"  # a provider process, its own or forked from the fleet's fork server (and the server)
    elif "langhost" in cmdline or ("pulumi-language-python" in cmdline and "exec" not in cmdline):
        kind = "langhost"
    else:
        kind = "program" if "python" in cmdline else "other"
    return kind
