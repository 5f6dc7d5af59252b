"""The default number of stacks a fleet command runs at once: bounded by the CPUs and by free memory."""

from __future__ import annotations

import os
from pathlib import Path

STACKS_PER_CPU = 2
"""A small stack's operation waits on process starts and gRPC about half the time (docs/performance.md)."""
MIB_PER_STACK = 512
"""Peak memory of one demo-size stack operation (CLI, language host, program, providers) measured 390-460 MiB."""


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def available_mib(meminfo: Path = Path("/proc/meminfo")) -> int | None:
    try:
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def default_parallel() -> int:
    """``min(2 x CPUs, available memory / 512 MiB)``, at least 1."""
    by_cpu = STACKS_PER_CPU * usable_cpus()
    memory = available_mib()
    by_memory = memory // MIB_PER_STACK if memory is not None else by_cpu
    return max(1, min(by_cpu, by_memory))
