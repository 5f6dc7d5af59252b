"""How a type's existing objects are found on a node: the hook a type file declares for its irregular listing.

Most types list with a GET of their endpoint (``LISTED``); alert rules are read through a fetch order
(``Fetched``), syslog collectors from their devices' or policies' ``col_apps`` (``DeviceApps``). The client and the
export call the hook instead of branching on the type; the hook reaches the node only through ``NodeReads``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol

if TYPE_CHECKING:
    from cac_director.conventions._base import ResourceConventions


Listing = Literal["list", "fetch", "col_apps"]
"""The kind of a listing hook: a GET list, a fetch order (AlertRules), the owning device's ``col_apps``."""


class NodeReads(Protocol):
    """The reads a listing hook may make on one node (implemented by ``DirectorClient``)."""

    def get_items(self, path: str, action: str) -> list[Any]:
        """The items of a GET list below the node."""
        ...

    def fetch_rows(self, path: str, action: str) -> list[Any]:
        """The rows of a fetch order below the node (waited for)."""
        ...

    def put_names(self, section: str, table: dict[str, str]) -> None:
        """Replace the cached name -> id table of ``section`` (a listing is the freshest one there is)."""
        ...


def object_id(obj: dict[str, Any]) -> str:
    """``id``, falling back to ``_id`` and ``uuid`` (docs/director-api.md §4.2, §7.8)."""
    for key in ("id", "_id", "uuid"):
        if obj.get(key):
            return str(obj[key])
    return ""


def _with_ids(items: list[Any]) -> list[dict[str, Any]]:
    return [{**item, "id": object_id(item)} for item in items if isinstance(item, dict)]


@dataclass(frozen=True)
class Listed:
    """A GET list of the type's endpoint; one object is read with ``GET {endpoint}/{id}``."""

    kind: ClassVar[Listing] = "list"
    gets_by_id: ClassVar[bool] = True
    """Whether one object can be read by id (otherwise it is found in a listing)."""

    def list_objects(
        self, conv: ResourceConventions, node: NodeReads, action: str
    ) -> tuple[list[dict[str, Any]], dict[str, str]]:
        """The live objects (``id`` always set) and their name -> id table."""
        objects = _with_ids(self._items(conv, node, action))
        return objects, {self.name_of(conv, obj): obj["id"] for obj in objects}

    def _items(self, conv: ResourceConventions, node: NodeReads, action: str) -> list[Any]:
        return node.get_items(conv.api_resource, action)

    def name_of(self, conv: ResourceConventions, obj: dict[str, Any]) -> str:
        """The object's name as the read object carries it ("" when it does not)."""
        value = obj.get(conv.name_key)
        return "" if value is None else str(value)

    def read_name(self, conv: ResourceConventions, obj: dict[str, Any]) -> str:
        """A name to report the read object under before it is mapped to the model (the export's)."""
        return str(obj.get(conv.name_key) or obj.get("name") or obj.get("id"))


LISTED = Listed()


@dataclass(frozen=True)
class Fetched(Listed):
    """Read through a fetch order (AlertRules/MyAlertRules/fetch, §7.9); no read by id."""

    path: str = ""
    """The fetch action below the node, e.g. ``AlertRules/MyAlertRules/fetch``."""
    kind: ClassVar[Listing] = "fetch"
    gets_by_id: ClassVar[bool] = False

    def _items(self, conv: ResourceConventions, node: NodeReads, action: str) -> list[Any]:
        return node.fetch_rows(self.path, action)

    def name_of(self, conv: ResourceConventions, obj: dict[str, Any]) -> str:
        value = obj.get(conv.name_key)
        if value is None:
            value = obj.get("name")  # fetch rows may carry ``name`` (§7.9, unverified)
        return "" if value is None else str(value)


@dataclass(frozen=True)
class DeviceApps(Listed):
    """No list of its own: instances are the ``col_apps`` entries of their holders, the devices (SyslogCollector,
    §7.8) or the log collection policies (PolicySyslogCollector, §7.15).

    The holder is part of the identity, so each object carries its id under ``holder_key``; the name key is the
    holder's name, so the name table is built from the holders listed on the way (and refreshes theirs).
    """

    app: str = ""
    """The ``app`` value of the type's entries in ``col_apps``."""
    devices_path: str = "Devices"
    """The holders' endpoint."""
    devices_section: str = "devices"
    """The holders' YAML section."""
    holder_key: str = "device_id"
    """The key each read object carries its holder's id under (the client's own addition to ``col_apps``)."""
    kind: ClassVar[Listing] = "col_apps"
    gets_by_id: ClassVar[bool] = False

    def list_objects(
        self, conv: ResourceConventions, node: NodeReads, action: str
    ) -> tuple[list[dict[str, Any]], dict[str, str]]:
        devices = [d for d in node.get_items(self.devices_path, action) if isinstance(d, dict)]
        device_names = {object_id(d): str(d.get("name")) for d in devices}
        node.put_names(self.devices_section, {name: device_id for device_id, name in device_names.items()})
        objects = [
            {**app, self.holder_key: object_id(device), "id": object_id(app)}
            for device in devices
            for app in device.get("col_apps") or []
            if isinstance(app, dict) and app.get("app") == self.app
        ]
        key = self.holder_key
        table = {device_names[o[key]]: o["id"] for o in objects if o[key] in device_names}
        return objects, table

    def read_name(self, conv: ResourceConventions, obj: dict[str, Any]) -> str:
        return ""  # the holder's name is only known after mapping


@dataclass(frozen=True)
class Singleton(Listed):
    """One object per node that is saved, never created or deleted (SystemSettingsGeneral, §7.16).

    The List returns one element; the YAML names it by the one value of the type's name key, which the
    listing adds to the read object. A Save is a POST to the collection path carrying ``save_fields`` in
    full, so a write sends the live values of the fields the configuration does not set (read-modify-write).
    """

    name: str = ""
    """The only value of the name key (``general``)."""
    save_fields: tuple[str, ...] = ()
    """Write keys every Save carries (the mandatory ones and the optional ones the read returns)."""
    gets_by_id: ClassVar[bool] = False

    def list_objects(
        self, conv: ResourceConventions, node: NodeReads, action: str
    ) -> tuple[list[dict[str, Any]], dict[str, str]]:
        objects = [{**obj, conv.name_key: self.name} for obj in _with_ids(self._items(conv, node, action))]
        return objects, ({self.name: objects[0]["id"]} if objects else {})

    def save_body(self, conv: ResourceConventions, live: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
        """The Save body: ``data`` over the live values (read keys renamed to write keys) of ``save_fields``."""
        current = {conv.read_renames.get(key, key): value for key, value in live.items()}
        body = {key: current[key] for key in self.save_fields if current.get(key) is not None}
        body.update({key: value for key, value in data.items() if key in self.save_fields})
        return body
