"""What every kind module shares: the ``Kind`` record, the write -> read merge, and the usual semantic checks.

A kind is one Director resource of docs/director-api.md §7: its name key, how a write body becomes the stored
READ object, what must exist for a write to succeed, who still references an object about to be deleted, and
the objects a fresh LogPoint already has. The emulator is an independent oracle: nothing here reads the
product's conventions (tests/emulator/test_independence.py checks it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cac_director.emulator.config import UserSpec
from cac_director.emulator.ids import seed_object_id
from cac_director.emulator.validation import Invalid, need_str, opt_str

if TYPE_CHECKING:
    from cac_director.emulator.config import EmulatorConfig
    from cac_director.emulator.store import NodeState

NONE = "None"
"""The string the Director uses for "no policy" in policy references (§7.5)."""

Validate = Callable[[dict[str, Any], bool], None]
ToRead = Callable[["NodeState", dict[str, Any], "dict[str, Any] | None"], dict[str, Any]]
Check = Callable[["NodeState", dict[str, Any], "dict[str, Any] | None"], list[str]]
References = Callable[["NodeState", dict[str, Any]], list[str]]
ReadView = Callable[["NodeState", dict[str, Any], "EmulatorConfig"], dict[str, Any]]
DeleteCheck = Callable[["NodeState", dict[str, Any]], list[str]]


@dataclass(frozen=True)
class Action:
    """``POST …/{path}/{id}/<segment>``: an order that changes one stored object (``Users/{id}/unlock``)."""

    apply: Callable[[dict[str, Any], dict[str, Any]], None]
    """(stored object, request data) -> changes the object in place."""
    validate: Callable[[dict[str, Any]], None] = lambda _data: None
    """Raises Invalid (a synchronous 400) for a malformed body."""


def set_active(value: bool) -> Action:
    return Action(lambda obj, _data: obj.update(active=value))


@dataclass(frozen=True)
class SeedContext:
    """What a kind needs to build a fresh node's built-ins: deterministic ids, the node and the configured users."""

    node_id: str
    users: tuple[UserSpec, ...]
    node_name: str = ""
    node_ip: str = ""
    node_role: str = "dataNode"

    def oid(self, resource: str, name: str) -> str:
        return seed_object_id(self.node_id, resource, name)


Seed = Callable[[SeedContext], list[dict[str, Any]]]


def _no_write(data: dict[str, Any], create: bool) -> None:
    raise Invalid("this resource is read-only")


def no_check(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> list[str]:
    return []


def no_refs(node: NodeState, obj: dict[str, Any]) -> list[str]:
    return []


def console_edit(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    """How the console changes an object no API write reaches: the given keys replace the stored ones."""
    return {**(existing or {}), **data}


@dataclass(frozen=True)
class Kind:
    path: str
    """The resource's path segment after ``/configapi/{pool}/{node}/``."""
    label: str
    name_key: str
    validate: Validate = _no_write
    """(data, is_create) -> raises Invalid (a synchronous 400)."""
    to_read: ToRead = console_edit
    """(node, data, existing or None) -> the stored READ object."""
    check: Check = no_check
    """(node, data, existing or None) -> semantic errors (an order failure, or a 400 in ``sync`` mode)."""
    referenced_by: References = no_refs
    writable: bool = True
    listable: bool = True
    refresh_routes: tuple[str, ...] = ()
    """``POST …/{path}/<segment>`` orders that only resync the API server's copy (``refreshlist``)."""
    sub_reads: dict[str, Callable[[NodeState], Any]] = field(default_factory=dict)
    """``GET …/{path}/<segment>``: node inventories served next to the resource (``SystemSettingsGeneral/auth``)."""
    kept_on_replace: tuple[str, ...] = ()
    """Read keys a replacing edit keeps besides ``SERVER_KEPT``: server-set values and write fields that
    are absent from the Edit table (fixed after creation)."""
    read_view: ReadView | None = None
    """What a GET shows of a stored object, when that is less than what is stored."""
    seed: Seed | None = None
    """The built-ins of a fresh node (READ shape; each carries ``id``, or ``_id`` where the Director does)."""
    variants: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Write sub-paths (``Lists/static``): segment -> (read key, value) the path stands for."""
    singleton: bool = False
    """One object per node: List returns a one-element array, a POST on the collection path saves it."""
    editable: bool = True
    """False: the API has no Create or Edit (POST/PUT are 405s), only reads, actions and Trash."""
    nested_list: bool = False
    """List answers the array nested in another array (``[[{…}]]``, DistributedCollectors §7.17)."""
    actions: dict[str, Action] = field(default_factory=dict)
    write_only: tuple[str, ...] = ()
    """Write keys (passwords) checked by ``validate`` and then masked before the order is stored: no read, dump
    or state file ever holds them."""
    delete_check: DeleteCheck | None = None
    """Why a delete fails besides references (``Users``: the user must be deactivated first)."""


def read_only(path: str, label: str, name_key: str, seed: Seed | None = None, *, refreshable: bool = False) -> Kind:
    """A kind the API lists but does not write (vendor inventories, users seeded by the emulator)."""
    return Kind(
        path, label, name_key, writable=False, seed=seed, refresh_routes=("refreshlist",) if refreshable else ()
    )


SERVER_KEPT = ("id", "user", "tid", "active")
"""Read keys no edit resets, whatever the PUT semantics (``EmulatorConfig.put_semantics``)."""


def replaced(kind: Kind, node: NodeState, data: dict[str, Any], existing: dict[str, Any]) -> dict[str, Any]:
    """The object after an edit that replaces: built from ``data`` alone, plus the keys no edit can change."""
    obj = kind.to_read(node, data, None)
    obj.pop("user", None)
    for key in (*SERVER_KEPT, *kind.kept_on_replace):
        if key in existing:
            obj[key] = existing[key]
    return obj


def merge(existing: dict[str, Any] | None, updates: list[tuple[str, Any]], server: dict[str, Any],
          node: NodeState, *, creator: bool = True) -> dict[str, Any]:  # fmt: skip
    """New objects: request key order, then server fields (§4.2). Edits keep the existing order.

    ``creator``: new objects carry ``user`` (user-created repos did not on the wire, §7.1).
    """
    if existing is None:
        obj: dict[str, Any] = dict(updates)
        for key, value in server.items():
            obj.setdefault(key, value() if callable(value) else value)
        if creator:
            obj.setdefault("user", node.username)
        return obj
    obj = dict(existing)
    obj.update(updates)
    return obj


def plain(data: dict[str, Any], allowed: tuple[str, ...]) -> list[tuple[str, Any]]:
    """The write keys that are stored under the same name; unknown extra keys are dropped (§4.1)."""
    return [(k, v) for k, v in data.items() if k in allowed]


def duplicate(node: NodeState, resource: str, key: str, data: dict[str, Any],
              existing: dict[str, Any] | None) -> list[str]:  # fmt: skip
    """A create whose name another object of the node already has."""
    name = data.get(key)
    if existing is not None or not isinstance(name, str):
        return []
    for obj in node.objects(resource).values():
        if obj.get(key) == name:
            return [f"{key} '{name}' already exists"]
    return []


def immutable(data: dict[str, Any], existing: dict[str, Any] | None, keys: tuple[str, ...]) -> list[str]:
    """An edit that changes a key its Edit table does not list (§7.19)."""
    if existing is None:
        return []
    return [f"'{k}' cannot be changed" for k in keys if k in data and data[k] != existing.get(k)]


def renamed_to_taken(node: NodeState, resource: str, key: str, data: dict[str, Any],
                     existing: dict[str, Any] | None) -> list[str]:  # fmt: skip
    """An edit that renames an object to a name another object has."""
    if existing is None or data.get(key) in (None, existing.get(key)):
        return []
    if any(o.get(key) == data[key] for o in node.objects(resource).values()):
        return [f"{key} '{data[key]}' already exists"]
    return []


def unique_name(node: NodeState, resource: str, key: str, data: dict[str, Any],
                existing: dict[str, Any] | None) -> list[str]:  # fmt: skip
    """Names are unique per node, on create and on rename."""
    return duplicate(node, resource, key, data, existing) + renamed_to_taken(node, resource, key, data, existing)


def used_by(node: NodeState, resource: str, name_key: str, key: str, value: Any) -> list[str]:
    """The objects of ``resource`` whose ``key`` is ``value``, as a referenced delete names them."""
    return [f"{resource} '{o[name_key]}'" for o in node.objects(resource).values() if o.get(key) == value]


def name_on_create(data: dict[str, Any], create: bool) -> None:
    """``name`` is mandatory on create; an edit may leave it out (it is fixed, or sent back unchanged)."""
    if create:
        need_str(data, "name")
    else:
        opt_str(data, "name")


def missing_ids(node: NodeState, resource: str, ids: list[str], what: str) -> list[str]:
    """One error per id that names no object of ``resource`` on this node."""
    objects = node.objects(resource)
    return [f"{what} id '{i}' does not exist on this LogPoint" for i in ids if i not in objects]
