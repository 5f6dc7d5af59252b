"""How the items of a list field are told apart: by identity, not by position.

One place for what both views of a change use: the change report (``cac_director.plan.changes``) and the
detailed diff the providers hand the engine (``cac_director.pulumi_provider.diff_detail``). Routing criteria
are known by ``type``/``key``/``value`` (the YAML ``_id`` is not stored on the Director), repo paths by
``path``, enrichment specifications by ``source``; any other item by its whole value.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

IDENTITY: dict[str, tuple[tuple[str, ...], Callable[[dict[str, Any]], str]]] = {
    "routing_criteria": (("type", "key", "value"), lambda i: f"{i.get('key')}={i.get('value')}"),
    "hiddenrepopath": (("path",), lambda i: str(i.get("path"))),
    "specifications": (("source",), lambda i: str(i.get("source"))),
}
"""List field -> (the item fields that identify an item, how a reviewer reads the item)."""


def identity(list_field: str, item: Any) -> tuple[str, str]:
    """(key, label) of a list item: its identity fields when the list has them, else its whole value."""
    spec = IDENTITY.get(list_field)
    if spec is not None and isinstance(item, dict):
        keys, label = spec
        return json.dumps([item.get(k) for k in keys], sort_keys=True, default=str), label(item)
    text = json.dumps(item, sort_keys=True, default=str)
    return text, item if isinstance(item, str) else text


def stay_in_place(old_keys: list[str], new_keys: list[str]) -> set[str]:
    """Keys in a longest common subsequence of both orders: the items that did not move."""
    rows, cols = len(old_keys), len(new_keys)
    table = [[0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        for j in range(cols - 1, -1, -1):
            table[i][j] = (
                table[i + 1][j + 1] + 1 if old_keys[i] == new_keys[j] else max(table[i + 1][j], table[i][j + 1])
            )
    kept: set[str] = set()
    i = j = 0
    while i < rows and j < cols:
        if old_keys[i] == new_keys[j]:
            kept.add(old_keys[i])
            i, j = i + 1, j + 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return kept
