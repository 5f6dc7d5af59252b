"""``DirectorClient``: list/get/find/create/update/delete of one node's objects, orders included."""

from __future__ import annotations

import builtins
import time
from collections.abc import Callable
from typing import Any

from cac_director.conventions import LOOKUPS, Lookup, ResourceConventions, by_section, object_id
from cac_director.director.orders import (
    error_texts,
    is_failed,
    is_terminal,
    monitor_path,
    order_response,
    poll_intervals,
)
from cac_director.director.session import AmbiguousWrite, Session
from cac_director.director.single_flight import SingleFlightCache, StampedLoads
from cac_director.errors import (
    CreateUnconfirmed,
    DirectorError,
    NotFound,
    OrderFailed,
    OrderTimeout,
    ReferenceNotFound,
)


def _as_list(body: Any) -> list[Any]:
    """A list endpoint's items: a bare array, tolerating the defensive wrappers of §4.2."""
    if isinstance(body, list):
        if len(body) == 1 and isinstance(body[0], list):  # DistributedCollectors-style nesting
            return list(body[0])
        return body
    if isinstance(body, dict):
        for key in ("data", "items", "results", "rows"):
            if isinstance(body.get(key), list):
                return list(body[key])
    return []


class DirectorClient:
    """Talks to one node (pool, LogPoint identifier) of one Director. Thread-safe."""

    def __init__(self, session: Session, *, pool_uuid: str, node_id: str, node_name: str = "") -> None:
        """Built by the process's runtime (``runtime.node_client``), one per node, so that lookups are shared."""
        self.session = session
        self.settings = session.settings
        self.pool_uuid = pool_uuid
        self.node_id = node_id
        self.node_name = node_name or node_id
        self.base = f"/configapi/{pool_uuid}/{node_id}"
        self._lookups: SingleFlightCache[dict[str, str]] = SingleFlightCache()
        self._remote_repos: list[str] | None = None
        # Raw listings of the node's collections (GET lists and fetch orders), stamped with when they began,
        # so that a listing can answer for several creates or for two types of one collection (_SharedReads).
        self._listings: StampedLoads[builtins.list[Any]] = StampedLoads()
        # A refresh's own listings: shared between the types of one collection, never with other reads (an
        # object may have changed out of band since a create's listing).
        self._refresh_listings: StampedLoads[builtins.list[Any]] = StampedLoads()
        # When this process last wrote to the node (a write's start and its end): shared reads never answer
        # from a listing begun before it.
        self._written = time.monotonic()

    def __repr__(self) -> str:
        return f"DirectorClient(url={self.settings.url!r}, pool={self.pool_uuid!r}, node={self.node_name!r})"

    # -- low level -----------------------------------------------------------------------------------

    def _what(self, action: str) -> str:
        return f"{action} on node {self.node_name}"

    def _get(self, path: str, action: str) -> Any:
        return self.session.request("GET", f"{self.base}/{path}", idempotent=True, what=self._what(action)).body

    def _wrote(self) -> None:
        self._written = max(self._written, time.monotonic())

    def _submit(self, method: str, path: str, data: dict[str, Any], action: str, *, idempotent: bool) -> str:
        """Send a write and return its monitor path (the order is not awaited)."""
        self._wrote()
        reply = self.session.request(
            method, f"{self.base}/{path}", json={"data": data}, idempotent=idempotent, what=self._what(action)
        )
        body = reply.body if isinstance(reply.body, dict) else {}
        return monitor_path(body.get("message"))

    def wait_order(self, message: str, *, action: str, resource_type: str = "", name: str = "") -> dict[str, Any]:
        """Poll an order until it is terminal; its ``response`` on success, ``OrderFailed``/``OrderTimeout`` else."""
        path = "/" + monitor_path(message)
        submitted = time.monotonic()
        deadline = submitted + self.settings.order_deadline
        intervals = poll_intervals(self.settings.poll_initial, self.settings.poll_max)
        pace = self.session.order_pace
        time.sleep(pace.first_wait(self.settings.poll_max))
        while True:
            payload = self.session.request(
                "GET", path, idempotent=True, what=self._what(f"{action}: polling order")
            ).body
            if is_terminal(payload):
                pace.observed(time.monotonic() - submitted)
                break
            wait = next(intervals)
            if time.monotonic() + wait > deadline:
                raise OrderTimeout(
                    f"{action} on node {self.node_name}: the Director's order did not finish within "
                    f"{self.settings.order_deadline:g}s (if the Director is just slow, raise the stack setting "
                    "`cac-director:orderTimeout`, in seconds)",
                    order_url=path,
                )
            time.sleep(wait)
        response = order_response(payload)
        if is_failed(payload):
            director_message = str(response.get("message") or "")
            errors = response.get("errors") if isinstance(response.get("errors"), list) else []
            detail = "; ".join(error_texts(errors))
            text = f"{action} on node {self.node_name} failed: {director_message or 'order failed'}"
            if detail:
                text += f" (errors: {detail})"
            raise OrderFailed(
                text,
                order_url=path,
                errors=list(errors or []),
                director_message=director_message,
                resource_type=resource_type,
                name=name,
                node=self.node_name,
            )
        return response

    def fetch_rows(self, fetch_path: str, action: str) -> builtins.list[Any]:
        """The rows of the fetch order at ``fetch_path`` below the node (waited for)."""
        began = time.monotonic()
        # A fetch order only reads, so resending it is harmless.
        reply = self.session.request(
            "POST", f"{self.base}/{fetch_path}", json={"data": {}}, idempotent=True, what=self._what(action)
        )
        body = reply.body if isinstance(reply.body, dict) else {}
        response = self.wait_order(str(body.get("message")), action=action)
        rows = _as_list(response.get("rows"))
        self._listings.record(("fetch", fetch_path), began, rows)
        return rows

    # -- reads ---------------------------------------------------------------------------------------

    def list(self, conv: ResourceConventions, *, shared: bool = False) -> list[dict[str, Any]]:
        """Every live object of ``conv`` on this node, as wire read objects (``id`` always set).

        A listing is also the freshest name -> id table there is: it replaces the cached lookup table of
        ``conv`` (and of devices, for collectors), so a refresh never lists a collection twice.
        ``shared`` (a refresh): an earlier shared listing of the collection begun since this process last
        wrote to the node answers (static and dynamic lists share one ``GET Lists``); otherwise the
        collection is listed now.
        """
        reads = _SharedReads(self, self._refresh_listings, self._written) if shared else self
        objects, table = conv.listing_hook.list_objects(conv, reads, f"listing {conv.api_resource}")
        reads.put_names(conv.yaml_section, table)
        return objects

    def get(self, conv: ResourceConventions, obj_id: str) -> dict[str, Any]:
        """The object ``obj_id``; ``NotFound`` when it does not exist."""
        if conv.listing_hook.gets_by_id:
            body = self._get(f"{conv.api_resource}/{obj_id}", f"reading {conv.type_name} {obj_id}")
            if not isinstance(body, dict):
                raise NotFound(f"reading {conv.type_name} {obj_id} on node {self.node_name}: no object", status=404)
            obj = dict(body)
            obj["id"] = object_id(obj) or obj_id
            return obj
        for obj in self.list(conv):
            if obj["id"] == obj_id:
                return obj
        raise NotFound(f"{conv.type_name} {obj_id} does not exist on node {self.node_name}", status=404)

    def find(self, conv: ResourceConventions, name: str, *, since: float | None = None) -> dict[str, Any] | None:
        """The object whose name key is ``name`` (a device name for SyslogCollector), or None.

        ``since`` (a ``time.monotonic()`` value): any listing of the collection begun at or after it may
        answer, e.g. the moment a create's order finished; by default the collection is listed now.
        """
        return self.by_name(conv, since=since).get(name)

    def by_name(self, conv: ResourceConventions, *, since: float | None = None) -> dict[str, dict[str, Any]]:
        """Every live object of ``conv`` by its name (wire read objects); ``since`` as for ``find``."""
        reads = _SharedReads(self, self._listings, since) if since is not None else self
        objects, table = conv.listing_hook.list_objects(conv, reads, f"listing {conv.api_resource}")
        reads.put_names(conv.yaml_section, table)
        by_id = {obj["id"]: obj for obj in objects}
        return {name: by_id[obj_id] for name, obj_id in table.items() if obj_id in by_id}

    # -- NodeReads, for the listing hooks --------------------------------------------------------------

    def get_items(self, path: str, action: str) -> builtins.list[Any]:
        """The items of the GET list at ``path`` below the node."""
        began = time.monotonic()
        items = _as_list(self._get(path, action))
        self._listings.record(("get", path), began, items)
        return items

    def put_names(self, section: str, table: dict[str, str]) -> None:
        """Replace the cached name -> id table of ``section``."""
        self._lookups.put(section, table)

    def _wait_visible(
        self, conv: ResourceConventions, name: str, window: float, *, since: float | None = None
    ) -> dict[str, Any] | None:
        """Find by name, re-listing for up to ``window`` seconds (lists lag behind orders, §5.5).

        The first look may use any listing begun at or after ``since`` (default: now); each later one lists
        again, after the miss.
        """
        deadline = time.monotonic() + window
        intervals = poll_intervals(self.settings.poll_initial, self.settings.poll_max)
        since = time.monotonic() if since is None else since
        while True:
            found = self.find(conv, name, since=since)
            if found is not None:
                return found
            wait = next(intervals)
            if time.monotonic() + wait > deadline:
                return None
            time.sleep(wait)
            since = time.monotonic()

    # -- writes --------------------------------------------------------------------------------------

    def create(self, conv: ResourceConventions, body: dict[str, Any], *, name: str) -> tuple[str, dict[str, Any]]:
        """Create from a wire write body; return the new id and the wire read object.

        The Director never returns the id (§5.3): after the order the object is found by name.
        """
        if conv.singleton:
            return self._save_singleton(conv, body, name)
        action = f"creating {conv.type_name} '{name}'"
        data = {k: v for k, v in body.items() if k != conv.activation_field}
        found: dict[str, Any] | None = None
        attempt = 0
        maybe_sent = False
        finished: float | None = None
        try:
            while True:
                try:
                    message = self._submit("POST", conv.write_path, data, action, idempotent=False)
                except AmbiguousWrite as exc:
                    maybe_sent = True
                    # The POST may have been applied: look before resending. Should it land late, the resend
                    # meets a same-name object and fails (docs/reliability.md), which is handled below.
                    found = self._wait_visible(conv, name, self.settings.write_check_window)
                    if found is not None:
                        break
                    if attempt >= self.settings.max_retries:
                        raise CreateUnconfirmed(
                            f"{action} on node {self.node_name}: the Director kept failing ({exc})"
                        ) from None
                    attempt += 1
                    continue
                maybe_sent = True
                try:
                    self.wait_order(message, action=action, resource_type=conv.type_name, name=name)
                    finished = time.monotonic()
                    self._wrote()
                except OrderFailed:
                    # After an ambiguous first attempt, a refused resend most likely met the first one's object.
                    found = self.find(conv, name) if attempt else None
                    if found is None:
                        raise
                break
        except (OrderFailed, CreateUnconfirmed):
            raise
        except DirectorError as exc:
            if maybe_sent:
                # Accepted, then the order could not be followed (timeout, token expiry, outage): unknown outcome.
                raise CreateUnconfirmed(str(exc)) from None
            raise
        if found is None:
            # Any listing begun after the order finished holds the new object (names are unique per type
            # and node), so creates finishing together share one instead of listing once each.
            found = self._wait_visible(conv, name, self.settings.list_lag_timeout, since=finished)
        if found is None:
            raise CreateUnconfirmed(
                f"{action} on node {self.node_name}: the order succeeded but the object did not appear in the "
                f"{conv.api_resource} list within {self.settings.list_lag_timeout:g}s"
            )
        found = self._apply_activation(conv, found, body, name, action)
        self._remember(conv, name, found["id"])
        return found["id"], found

    def _save_singleton(self, conv: ResourceConventions, body: dict[str, Any], name: str) -> tuple[str, dict[str, Any]]:
        """Nothing to create (§7.16): the node's one object is saved instead."""
        live = self.find(conv, name)
        if live is None:
            raise NotFound(f"{conv.type_name} '{name}' does not exist on node {self.node_name}", status=404)
        return live["id"], self.update(conv, live["id"], body, name=name)

    def update(self, conv: ResourceConventions, obj_id: str, body: dict[str, Any], *, name: str) -> dict[str, Any]:
        """Edit ``obj_id`` from a wire write body; return the wire read object after the order completed."""
        action = f"updating {conv.type_name} '{name}'"
        skip = {conv.activation_field, *conv.create_only_fields}
        data = {k: v for k, v in body.items() if k not in skip}
        if conv.singleton:
            # A Save is a POST to the collection carrying every mandatory field (§7.16): read-modify-write.
            data = conv.singleton.save_body(conv, self.get(conv, obj_id), data)
            message = self._submit("POST", conv.api_resource, data, action, idempotent=True)
            self.wait_order(message, action=action, resource_type=conv.type_name, name=name)
            self._wrote()
            return self.get(conv, obj_id)
        if conv.kept_on_edit:
            data.update(self._kept_fields(conv, obj_id, data))
        # Every Edit table lists id as mandatory (docs/director-api.md §4.1, §7.19): in the path and in data.
        data["id"] = obj_id
        # PUT replaces with the same body: resending after an ambiguous failure cannot duplicate anything.
        message = self._submit("PUT", f"{conv.write_path}/{obj_id}", data, action, idempotent=True)
        self.wait_order(message, action=action, resource_type=conv.type_name, name=name)
        self._wrote()
        current = self.get(conv, obj_id)
        return self._apply_activation(conv, current, body, name, action)

    def _kept_fields(self, conv: ResourceConventions, obj_id: str, data: dict[str, Any]) -> dict[str, Any]:
        """The live values of ``conv.kept_on_edit`` (write-side names) that ``data`` does not set itself.

        A PUT may replace the whole object (undocumented, §7.6): a DeviceGroup edit without ``devices``
        would empty the group, a Device edit without ``logpolicy`` would detach its policies.
        """
        live = self.get(conv, obj_id)
        read_key = {write: read for read, write in conv.read_renames.items()}
        kept: dict[str, Any] = {}
        for field in conv.kept_on_edit:
            value = live.get(read_key.get(field, field))
            if field not in data and value is not None:
                kept[field] = value
        return kept

    def delete(self, conv: ResourceConventions, obj_id: str, *, name: str = "") -> None:
        """Delete ``obj_id``; an object that is already gone counts as deleted."""
        if conv.singleton:
            return  # never deleted (§7.16): the node keeps its settings as they are
        action = f"deleting {conv.type_name} '{name or obj_id}'"
        self._wrote()
        try:
            if conv.deactivate_before_delete:
                self.action(conv, obj_id, "deactivate", name=name)
            message = self.session.request(
                "DELETE", f"{self.base}/{conv.api_resource}/{obj_id}", idempotent=True, what=self._what(action)
            ).body
            self.wait_order(str((message or {}).get("message")), action=action, resource_type=conv.type_name, name=name)
        except NotFound:
            pass
        except OrderFailed:
            if self._exists(conv, obj_id):
                raise
        finally:
            self._wrote()
        self._forget(conv, name)

    def _exists(self, conv: ResourceConventions, obj_id: str) -> bool:
        try:
            self.get(conv, obj_id)
        except NotFound:
            return False
        return True

    def action(
        self, conv: ResourceConventions, obj_id: str, verb: str, *, name: str = "", data: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Run an object action such as ``activate`` (``POST {resource}/{id}/{verb}`` with ``{"data": data}``)."""
        act = f"{verb} {conv.type_name} '{name or obj_id}'"
        # activate/deactivate, changePassword and settings actions (notifications) set a state: resending is harmless.
        message = self._submit("POST", f"{conv.api_resource}/{obj_id}/{verb}", data or {}, act, idempotent=True)
        response = self.wait_order(message, action=act, resource_type=conv.type_name, name=name)
        self._wrote()
        return response

    def _apply_activation(
        self, conv: ResourceConventions, live: dict[str, Any], body: dict[str, Any], name: str, action: str
    ) -> dict[str, Any]:
        field = conv.activation_field
        if not field or field not in body:
            return live
        desired = bool(body[field])
        if live.get(field) is desired or (field not in live and desired):
            return live
        self.action(conv, live["id"], "activate" if desired else "deactivate", name=name)
        return self.get(conv, live["id"])

    # -- lookups -------------------------------------------------------------------------------------

    def _lookup_table(self, key: str, loader: Callable[[], dict[str, str]], refresh: bool) -> dict[str, str]:
        return self._lookups.get(key, loader, refresh=refresh)

    def _load_lookup(self, spec: Lookup) -> dict[str, str]:
        items = _as_list(self._get(spec.api_path, f"listing {spec.api_path}"))
        table: dict[str, str] = {}
        for item in items:
            if isinstance(item, dict) and item.get(spec.name_key) is not None:
                ident = item.get(spec.id_key) or item.get(spec.fallback_id_key)
                table[str(item[spec.name_key])] = str(ident if ident is not None else item[spec.name_key])
        return table

    def _load_managed(self, conv: ResourceConventions) -> dict[str, str]:
        self.list(conv)  # a listing refreshes the table as a side effect
        return self._lookups.peek(conv.yaml_section) or {}

    def lookup(self, target: str | Lookup | ResourceConventions, name: str) -> str:
        """Name -> id on this node for a lookup (``"users"``, ...) or a managed type; cached, refreshed on a miss."""
        key, loader, label = self._lookup_source(target)
        table = self._lookup_table(key, loader, refresh=False)
        if name not in table:
            table = self._lookup_table(key, loader, refresh=True)
        if name not in table:
            raise ReferenceNotFound(
                f"{label} '{name}' does not exist on node {self.node_name}: check the name, or install/create it "
                "on that node first",
                target=key,
                name=name,
                node=self.node_name,
            )
        return table[name]

    def lookup_table(self, target: str | Lookup | ResourceConventions, *, refresh: bool = False) -> dict[str, str]:
        """The whole name -> id table (cached)."""
        key, loader, _ = self._lookup_source(target)
        return dict(self._lookup_table(key, loader, refresh=refresh))

    def _lookup_source(
        self, target: str | Lookup | ResourceConventions
    ) -> tuple[str, Callable[[], dict[str, str]], str]:
        if isinstance(target, ResourceConventions):
            conv = target
            return conv.yaml_section, lambda: self._load_managed(conv), conv.type_name
        if isinstance(target, str):
            if target in LOOKUPS:
                target = LOOKUPS[target]
            else:
                try:
                    return self._lookup_source(by_section(target))
                except KeyError:
                    raise DirectorError(f"unknown lookup {target!r}") from None
        spec = target
        if spec.shape != "objects":
            raise DirectorError(f"lookup {spec.lookup_name!r} is not a name -> id table")
        return spec.lookup_name, lambda: self._load_lookup(spec), spec.api_path

    def _remember(self, conv: ResourceConventions, name: str, obj_id: str) -> None:
        self._lookups.update(conv.yaml_section, lambda table: {**table, name: obj_id})

    def _forget(self, conv: ResourceConventions, name: str) -> None:
        self._lookups.update(conv.yaml_section, lambda table: {k: v for k, v in table.items() if k != name})

    def remote_repos(self, *, refresh: bool = False) -> builtins.list[str]:
        """The ``ip:port/repo`` strings alert rules may name (``Repos/RemoteRepos/fetch``), cached per run."""
        if self._remote_repos is None or refresh:
            rows = self.fetch_rows(LOOKUPS["remoteRepos"].api_path, "fetching remote repos")
            self._remote_repos = [str(row) for row in rows if isinstance(row, str)]
        return list(self._remote_repos)

    def lookup_names(self, target: str) -> set[str]:
        """The names a lookup or managed type holds on this node; ``paths``-shaped lookups (``[{key: [...]}]``,
        Charsets) as well as name -> id tables."""
        spec = LOOKUPS.get(target)
        if spec is None or spec.shape != "paths":
            return set(self.lookup_table(target))
        names: set[str] = set()
        for item in _as_list(self._get(spec.api_path, f"listing {spec.api_path}")):
            if isinstance(item, dict):
                names.update(str(value) for value in item.get(spec.name_key) or [])
        return names

    def repo_paths(self) -> builtins.list[str]:
        """The storage paths repos may use on this node (``Repos/RepoPaths``)."""
        body = _as_list(self._get(LOOKUPS["repoPaths"].api_path, "listing repo paths"))
        paths: builtins.list[str] = []
        for item in body:
            if isinstance(item, dict):
                paths.extend(str(p) for p in item.get("paths") or [])
            elif isinstance(item, str):
                paths.append(item)
        return paths


class _SharedReads:
    """The reads of a listing hook that may answer from a listing begun at or after ``since``.

    A shared listing may be older than what another thread has learnt since (a name it created, one it
    deleted), so only a listing this call made replaces the cached name -> id tables.
    """

    def __init__(self, client: DirectorClient, listings: StampedLoads[builtins.list[Any]], since: float) -> None:
        self._client = client
        self._listings = listings
        self._since = since
        self._shared = False

    def _load(self, key: tuple[str, str], loader: Callable[[], builtins.list[Any]]) -> builtins.list[Any]:
        items, loaded = self._listings.get(key, self._since, loader)
        self._shared = self._shared or not loaded
        return list(items)

    def get_items(self, path: str, action: str) -> builtins.list[Any]:
        return self._load(("get", path), lambda: _as_list(self._client._get(path, action)))

    def fetch_rows(self, path: str, action: str) -> builtins.list[Any]:
        return self._load(("fetch", path), lambda: self._client.fetch_rows(path, action))

    def put_names(self, section: str, table: dict[str, str]) -> None:
        if not self._shared:
            self._client.put_names(section, table)
