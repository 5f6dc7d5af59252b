"""The arithmetic of bench/fleet_bench.py's target verdicts (issue #18), which the results files quote."""

from __future__ import annotations

import pytest

from bench.fleet_targets import floor_bound, judge, process_kind


def _row(**overrides: float) -> dict[str, object]:
    measured: dict[str, float] = {
        "stacks": 100,
        "sequential_s": 450.0,
        "fleet_s": 140.0,
        "fleet_peak_mib": 1600,
        "empty_floor_s": 2.0,
        "parallel": 4,
        "cpus": 2,
        "measured_parallelism": 1.6,
    }
    measured.update(overrides)
    return judge(**measured)  # type: ignore[arg-type]


def test_floor_bound_is_stacks_times_floor_over_parallelism() -> None:
    assert floor_bound(100, 2.0, 2) == 100.0
    with pytest.raises(ValueError, match="parallelism must be positive"):
        floor_bound(100, 2.0, 0)


def test_a_row_that_meets_every_target() -> None:
    verdict = _row()
    assert verdict["ratio"] == {"value": 3.21, "target": ">= 3.0", "met": True}
    assert verdict["peak_memory_mib"]["met"] is True
    # The cores: min(4, 2) = 2, so 100 x 2.0 / 2 = 100 s; 140 s is 1.4x of it.
    assert verdict["floor_bound"]["usable_parallelism"] == 2
    assert (verdict["floor_bound"]["bound_s"], verdict["floor_bound"]["measured_over_bound"]) == (100.0, 1.4)
    assert verdict["floor_bound"]["met"] is True
    # Measured parallelism 1.6: 125 s, 1.12x.
    assert (verdict["measured_floor_bound"]["bound_s"], verdict["measured_floor_bound"]["measured_over_bound"]) == (
        125.0,
        1.12,
    )


def test_each_target_can_miss_on_its_own() -> None:
    assert _row(sequential_s=400.0)["ratio"]["met"] is False  # 2.86x
    assert _row(fleet_peak_mib=4096)["peak_memory_mib"]["met"] is False  # the target is strictly below 4 GiB
    slow = _row(fleet_s=151.0, sequential_s=600.0)
    assert slow["ratio"]["met"] is True
    assert slow["floor_bound"]["met"] is False  # 1.51x of 100 s
    assert slow["measured_floor_bound"]["met"] is True  # 1.21x of 125 s
    # One usable core: the formula's bound doubles.
    assert _row(parallel=1)["floor_bound"]["bound_s"] == 200.0


def test_process_kinds_of_a_fleet_operation() -> None:
    python = "/repo/.venv/bin/python"
    assert process_kind([python, "/repo/.venv/bin/cac-director", "fleet", "preview"], is_root=True) == "fleet"
    assert process_kind(["/cache/bin/pulumi", "preview", "--stack", "s"], is_root=False) == "cli"
    assert process_kind(["pulumi", "version"], is_root=True) == "cli"
    assert process_kind([python, "-m", "pulumi.dynamic", "127.0.0.1:1"], is_root=False) == "provider"
    assert process_kind([python, "-m", "cac_director.langhost", "--root", "/p"], is_root=False) == "langhost"
    assert process_kind([python, "/cache/bin/pulumi-language-python-exec", "--monitor"], is_root=False) == "program"
    shim = ["/bin/sh", "/cache/bin/pulumi-resource-pulumi-python", "127.0.0.1:1"]
    assert process_kind(shim, is_root=False) == "shell"
    assert process_kind(["/usr/bin/git", "status"], is_root=False) == "other"
