"""The end-of-run table and the ``--json`` document of a fleet command, and the impact report."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from cac_director.fleet.impact import StackImpact
from cac_director.fleet.runner import StackOutcome


def outcome_table(outcomes: Sequence[StackOutcome]) -> Table:
    table = Table(show_edge=False, pad_edge=False)
    for column in ("stack", "create", "update", "delete", "same", "drift", "result", "seconds"):
        table.add_column(column, justify="left" if column in ("stack", "result") else "right")
    for item in outcomes:
        result = item.result if not item.error else f"{item.result}: {item.error}"
        table.add_row(
            item.stack,
            str(item.create),
            str(item.update),
            str(item.delete),
            str(item.same),
            "-" if item.drift is None else str(item.drift),
            result,
            f"{item.seconds:.1f}",
        )
    return table


def print_outcomes(console: Console, outcomes: Sequence[StackOutcome], log_dir: str, code: int) -> None:
    console.print(outcome_table(outcomes))
    failed = sum(item.result == "failed" for item in outcomes)
    changed = sum(item.has_changes for item in outcomes)
    console.print(f"{len(outcomes)} stack(s): {changed} with changes, {failed} failed; logs in {log_dir} (exit {code})")


def outcomes_json(operation: str, outcomes: Sequence[StackOutcome], log_dir: str, code: int) -> dict[str, Any]:
    return {
        "operation": operation,
        "exit_code": code,
        "log_dir": log_dir,
        "stacks": [item.to_json() for item in outcomes],
    }


def print_impact(console: Console, impacts: Sequence[StackImpact], ref: str) -> None:
    touched = [item for item in impacts if item.status != "unchanged"]
    for item in touched:
        console.print(f"{item.stack} ({item.instance}): {item.status}")
        for setting in item.settings:
            console.print(f"  connection: {setting}")
        for change in item.objects:
            console.print(f"  {change.change:6} {change.node}/{change.name} ({change.section})")
    objects = sum(len(item.objects) for item in impacts)
    nodes = sum(len(item.nodes) for item in impacts)
    console.print(
        f"since {ref}: {len(touched)} of {len(impacts)} stack(s), {nodes} node(s), "
        f"{objects} object(s) resolve differently"
    )
