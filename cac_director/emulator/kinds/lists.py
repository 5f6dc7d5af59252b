"""Lists (docs/director-api.md §7.13): static and dynamic lists, written as ``s_name``/``d_name``, read as ``name``.

Creates and edits go through ``Lists/static`` or ``Lists/dynamic`` (the app adds the ``list_type`` the path
stands for); Get, List and Trash use ``Lists[/{id}]`` for both kinds.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from cac_director.emulator.kinds.common import Kind, merge
from cac_director.emulator.validation import Invalid, need_enum, need_int, need_str, str_list

if TYPE_CHECKING:
    from cac_director.emulator.store import NodeState

STATIC, DYNAMIC = "static_list", "dynamic_list"
NAME_KEYS = {STATIC: "s_name", DYNAMIC: "d_name"}
AGE_KEYS = ("agelimit_day", "agelimit_hour", "agelimit_minute")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_]{0,98}[A-Za-z0-9]$")
"""2-100 letters, digits and ``_``, not beginning or ending with ``_`` (§7.13)."""


def validate(data: dict[str, Any], create: bool) -> None:
    list_type = need_enum(data, "list_type", (STATIC, DYNAMIC))
    name_key = NAME_KEYS[list_type or STATIC]
    if create:
        name = need_str(data, name_key)
        if not NAME.match(name):
            raise Invalid(
                f"'{name_key}' must be 2-100 letters, digits or '_', and must not begin or end with '_'; got {name!r}"
            )
    if list_type == STATIC:
        str_list(data, "lists", required=True)
        return
    for key in AGE_KEYS:
        need_int(data, key, minimum=0)


def age_limit_errors(data: dict[str, Any]) -> list[str]:
    """The Tables pages' limits for the same three fields; the Lists pages give none (§7.13, inferred)."""
    day, hour, minute = (int(data.get(key) or 0) for key in AGE_KEYS)
    if day > 9999 or hour > 23 or minute > 59:
        return ["age limit out of range: agelimit_day <= 9999, agelimit_hour <= 23, agelimit_minute <= 59"]
    total = (day * 24 + hour) * 60 + minute
    if 0 < total < 30:
        return ["the age limit must be 0 (values never expire) or at least 30 minutes"]
    return []


def age_seconds(data: dict[str, Any]) -> int:
    """``age_limit`` as read back: seconds, as the Tables example shows for the same fields (§7.13, inferred)."""
    day, hour, minute = (int(data.get(key) or 0) for key in AGE_KEYS)
    return ((day * 24 + hour) * 60 + minute) * 60


def to_read(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    list_type = data.get("list_type", STATIC)
    updates: list[tuple[str, Any]] = []
    name = data.get(NAME_KEYS[list_type])
    if existing is None and isinstance(name, str):
        updates.append(("name", name.upper()))
    if "lists" in data and list_type == STATIC:
        updates.append(("lists", list(data["lists"])))
    if list_type == DYNAMIC and any(key in data for key in AGE_KEYS):
        updates.append(("age_limit", age_seconds(data)))
    server: dict[str, Any] = {
        "lists": [],
        "list_type": list_type,
        "age_limit": 0,
        "last_updated": "",
        "lists_vendor": [],
        "active": True,
        "hidden": False,
        "vid": "",
        "tid": "",
    }
    return merge(existing, updates, server, node)


def check(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> list[str]:
    list_type = data.get("list_type", STATIC)
    name_key = NAME_KEYS[list_type]
    name = data.get(name_key)
    errors: list[str] = []
    if list_type == DYNAMIC and node.store.config.list_age_limits == "tables":
        errors += age_limit_errors(data)
    if existing is not None:
        if existing.get("list_type") != list_type:
            other = "dynamic" if existing.get("list_type") == DYNAMIC else "static"
            errors.append(f"list '{existing['name']}' is a {other} list; edit it through Lists/{other}/{{id}}")
        # The name is not in either Edit table (§7.13, §7.19): fixed after creation.
        if isinstance(name, str) and name.upper() != existing.get("name"):
            errors.append(f"'{name_key}' cannot be changed")
        return errors
    if isinstance(name, str) and any(o.get("name") == name.upper() for o in node.objects("Lists").values()):
        # Names are stored upper-cased, so they are unique whatever case they were written in.
        errors.append(f"list '{name.upper()}' already exists")
    return errors


KIND = Kind(
    "Lists",
    "List",
    "name",
    validate,
    to_read,
    check,
    kept_on_replace=("name", "list_type", "last_updated", "lists_vendor", "hidden", "vid"),
    refresh_routes=("refreshlist",),
    variants={"static": ("list_type", STATIC), "dynamic": ("list_type", DYNAMIC)},
)
