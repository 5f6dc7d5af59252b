"""What every emulated LogPoint starts with (docs/architecture.md "Decisions", docs/director-api.md §9).

The built-in objects come from each kind's ``seed`` (kinds/<type>.py); this module gathers them per node and
holds the node-wide inventories no kind owns (charsets, timezones).
"""

from __future__ import annotations

from typing import Any

from cac_director.emulator.config import NodeSpec, UserSpec
from cac_director.emulator.kinds import KINDS
from cac_director.emulator.kinds.common import SeedContext

CHARSETS: tuple[str, ...] = ("ascii", "big5", "utf_8", "utf_8_sig")

TIMEZONES: tuple[tuple[str, str], ...] = (
    ("UTC", "(GMT+00:00) UTC"),
    ("Europe/Paris", "(GMT+01:00) Paris"),
    ("Europe/Zurich", "(GMT+01:00) Zurich"),
    ("America/New_York", "(GMT-05:00) New York"),
    ("Asia/Kathmandu", "(GMT+05:45) Kathmandu"),
)


def seed_node(spec: NodeSpec, users: list[UserSpec]) -> tuple[dict[str, dict[str, dict[str, Any]]], set[str]]:
    """(objects per resource keyed by id, ids of built-ins) for a fresh node.

    Every seeded object is built-in (never edited or deleted by the API), except a singleton's: saving it is
    the only write it has.
    """
    ctx = SeedContext(spec.identifier, tuple(users), spec.name, spec.ip, spec.role)
    objects: dict[str, dict[str, dict[str, Any]]] = {}
    builtin: set[str] = set()
    for path, kind in KINDS.items():
        stored = objects.setdefault(path, {})
        for obj in kind.seed(ctx) if kind.seed is not None else []:
            obj_id = obj["id"] if "id" in obj else obj["_id"]
            stored[obj_id] = obj
            if not kind.singleton:
                builtin.add(obj_id)
    return objects, builtin
