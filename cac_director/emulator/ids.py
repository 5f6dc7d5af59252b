"""Identifiers the way a LogPoint mints them: 24-hex ObjectIds per node, 32-hex plugin uuids, uuid4 orders."""

from __future__ import annotations

import hashlib
import time
import uuid

SEED_EPOCH = 1735689600
"""2025-01-01T00:00:00Z: the creation time baked into built-in objects' ids, so seeds keep their ids."""


def _node_part(node_id: str, salt: str) -> str:
    return hashlib.sha256(f"{node_id}|{salt}".encode()).hexdigest()


def seed_object_id(node_id: str, resource: str, name: str) -> str:
    """Stable id of a built-in: same node + name -> same id; another node -> another id (docs/director-api.md §1)."""
    return f"{SEED_EPOCH:08x}{_node_part(node_id, resource + '/' + name)[:16]}"


def minted_object_id(node_id: str, counter: int, now: float | None = None) -> str:
    """ObjectId-like: creation timestamp, a per-node machine part, a per-node counter (unique per node)."""
    stamp = int(now if now is not None else time.time()) & 0xFFFFFFFF
    return f"{stamp:08x}{_node_part(node_id, 'machine')[:10]}{counter & 0xFFFFFF:06x}"


def plugin_uuid() -> str:
    return uuid.uuid4().hex


def order_uuid() -> str:
    return str(uuid.uuid4())
