"""The emulated state: one ``NodeState`` per (pool, node), orders applied lazily when due, atomic persistence.

Why lazily: an order completes "by time" -- whenever anything touches the node after the order's due time,
pending orders are applied in submission order. No timer threads, and a stuck order simply never comes due.
One re-entrant lock guards the whole store: handlers are short and CPU-bound (the GIL serialises them anyway),
and RemoteRepos and referential checks read several nodes at once.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cac_director.emulator.config import EmulatorConfig, NodeSpec, PoolSpec
from cac_director.emulator.faults import Faults
from cac_director.emulator.ids import minted_object_id, order_uuid
from cac_director.emulator.kinds import KINDS, syslog_collectors
from cac_director.emulator.kinds.common import replaced
from cac_director.emulator.kinds.normalization_packages import COMPILED_NORMALIZERS
from cac_director.emulator.seeds import CHARSETS, TIMEZONES, seed_node
from cac_director.errors import EmulatorError

REMOTE_PORT = 5504
STATE_VERSION = 1


@dataclass
class Order:
    id: str
    op: str
    """create | edit | delete | activate | deactivate | syslog_create | syslog_edit | syslog_delete |
    fetch_remote | fetch_alerts | refresh"""
    resource: str
    target: str | None
    data: dict[str, Any]
    due: float | None
    """Epoch seconds when it completes; None: never (stuck-order fault)."""
    fail: bool = False
    suffix: str = ""
    """``/{data_node}`` for fetch orders."""
    result: dict[str, Any] | None = None


@dataclass
class NodeState:
    pool: PoolSpec
    spec: NodeSpec
    store: Store
    objects_by_kind: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    builtin: set[str] = field(default_factory=set)
    repo_counter: int = 3
    id_counter: int = 0
    orders: dict[str, Order] = field(default_factory=dict)
    stale: dict[str, tuple[float, list[dict[str, Any]]]] = field(default_factory=dict)
    username: str = "admin"

    # -- what the kinds (kinds/<type>.py) read
    def objects(self, resource: str) -> dict[str, dict[str, Any]]:
        return self.objects_by_kind.setdefault(resource, {})

    @property
    def next_repo_number(self) -> int:
        return self.repo_counter + 1

    @property
    def repo_paths(self) -> list[str]:
        return self.spec.paths()

    @property
    def charsets(self) -> tuple[str, ...]:
        return CHARSETS

    @property
    def compiled_normalizers(self) -> list[dict[str, Any]]:
        return [{"version": "3.3.0", "name": name} for name in COMPILED_NORMALIZERS]

    @property
    def timezones(self) -> list[dict[str, str]]:
        return [{"name": n, "description": d} for n, d in TIMEZONES]

    def remote_repos(self) -> list[str]:
        """Own repos as 127.0.0.1:5504/<repo>, then every other node of the pool as <ip>:5504/<repo>."""
        out = [f"127.0.0.1:{REMOTE_PORT}/{r['name']}" for r in self.objects("Repos").values()]
        for other in self.pool.nodes:
            if other.identifier == self.spec.identifier:
                continue
            peer = self.store.node(self.pool.uuid, other.identifier)
            out += [f"{other.ip}:{REMOTE_PORT}/{r['name']}" for r in peer.objects("Repos").values()]
        return out

    def remote_repo_strings_for(self, repo_name: str) -> set[str]:
        return {f"127.0.0.1:{REMOTE_PORT}/{repo_name}"}

    def new_id(self) -> str:
        self.id_counter += 1
        return minted_object_id(self.spec.identifier, self.id_counter)

    def find_collector(self, uuid: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """(device or log collection policy, its ``col_apps`` entry) of a collector instance."""
        for resource in ("Devices", "LogCollectionPolicies"):
            for holder in self.objects(resource).values():
                for app in holder.get("col_apps", []):
                    if app.get("uuid") == uuid:
                        return holder, app
        return None


class Store:
    def __init__(self, config: EmulatorConfig, faults: Faults) -> None:
        self.config = config
        self.faults = faults
        self.lock = threading.RLock()
        self.nodes: dict[tuple[str, str], NodeState] = {}
        self.state_file = config.state_file
        self._seed_all()
        if self.state_file is not None and self.state_file.exists():
            self._load(self.state_file)

    # ------------------------------------------------------------ lifecycle
    def _fresh(self, pool: PoolSpec, spec: NodeSpec) -> NodeState:
        objects, builtin = seed_node(spec, self.config.users)
        return NodeState(pool=pool, spec=spec, store=self, objects_by_kind=objects, builtin=builtin)

    def _seed_all(self) -> None:
        self.nodes = {
            (pool.uuid, spec.identifier): self._fresh(pool, spec) for pool in self.config.pools for spec in pool.nodes
        }

    def reset(self, pool_uuid: str | None = None, node_id: str | None = None) -> None:
        with self.lock:
            if pool_uuid is None:
                self._seed_all()
            else:
                node = self.node(pool_uuid, node_id or "")
                self.nodes[(pool_uuid, node.spec.identifier)] = self._fresh(node.pool, node.spec)
            self.persist()

    def node(self, pool_uuid: str, node_id: str) -> NodeState:
        try:
            return self.nodes[(pool_uuid, node_id)]
        except KeyError:
            raise KeyError(f"{pool_uuid}/{node_id}") from None

    def has_pool(self, pool_uuid: str) -> bool:
        return any(p.uuid == pool_uuid for p in self.config.pools)

    # ------------------------------------------------------------ orders
    def submit(self, node: NodeState, op: str, resource: str, target: str | None, data: dict[str, Any],
               *, suffix: str = "") -> Order:  # fmt: skip
        fail, stuck = self.faults.order_fate()
        due = None if stuck else time.time() + max(self.config.order_delay, 0.0)
        order = Order(order_uuid(), op, resource, target, copy.deepcopy(data), due, fail, suffix)
        node.orders[order.id] = order
        if due is not None and self.config.order_delay <= 0:
            self.settle(node)
        return order

    def settle(self, node: NodeState) -> None:
        """Complete every order of this node whose due time has passed, oldest first."""
        now = time.time()
        changed = False
        for order in list(node.orders.values()):
            if order.result is not None or order.due is None or order.due > now:
                continue
            changed = True
            if order.fail:
                order.result = self.faults.failed_result()
                continue
            errors = self.precheck(node, order)
            if errors:
                order.result = {"success": False, "errors": errors, "message": errors[0]}
                continue
            order.result = self._apply(node, order)
        if changed:
            self.persist()

    def precheck(self, node: NodeState, order: Order) -> list[str]:  # noqa: PLR0911 - one branch per op
        """Semantic errors of an order against the node's current state (nothing is changed)."""
        op, resource, data = order.op, order.resource, order.data
        if op == "create":
            return KINDS[resource].check(node, data, None)
        if op in ("edit", "delete", "activate", "deactivate") or op.startswith("action:"):
            existing = node.objects(resource).get(order.target or "")
            label = KINDS[resource].label
            if existing is None:
                return [f"{label} with id '{order.target}' does not exist"]
            if order.target in node.builtin:
                verb = "deleted" if op == "delete" else "edited"
                return [f"{label} '{existing.get(KINDS[resource].name_key)}' is built-in and cannot be {verb}"]
            if op == "edit":
                return KINDS[resource].check(node, data, existing)
            blocker = KINDS[resource].delete_check if op == "delete" else None
            blocked = blocker(node, existing) if blocker is not None else []
            if blocked:
                return blocked
            if op == "delete" and self.config.block_referenced_deletes:
                refs = KINDS[resource].referenced_by(node, existing)
                if refs:
                    return [f"{label} '{existing.get(KINDS[resource].name_key)}' is in use by {', '.join(refs)}"]
            return []
        if op == "syslog_create":
            resource, holder = syslog_collectors.holder_of_new(node, data)
            errors = syslog_collectors.check(node, data, holder)
            if holder is not None and any(a.get("app") == "SyslogCollector" for a in holder.get("col_apps", [])):
                what = "device" if resource == "Devices" else "log collection policy"
                errors.append(f"{what} '{holder['name']}' already has a SyslogCollector")
            return errors
        if op in ("syslog_edit", "syslog_delete"):
            found = node.find_collector(order.target or "")
            if found is None:
                return [f"SyslogCollector '{order.target}' does not exist"]
            return syslog_collectors.check(node, data, found[0]) if op == "syslog_edit" else []
        return []

    def _lag(self, node: NodeState, resource: str) -> None:
        lag = self.faults.list_lag
        if lag <= 0:
            return
        now = time.time()
        until, _ = node.stale.get(resource, (0.0, []))
        if until <= now:
            snapshot = copy.deepcopy(list(node.objects(resource).values()))
            node.stale[resource] = (now + lag, snapshot)

    def _apply(self, node: NodeState, order: Order) -> dict[str, Any]:  # noqa: PLR0911 - one branch per op
        op, resource, data = order.op, order.resource, order.data
        if op in ("fetch_remote", "fetch_alerts", "refresh"):
            return self._read_order(node, order)
        label = KINDS[resource].label if resource in KINDS else resource
        if op.startswith("syslog_"):
            self._lag(node, "Devices")
            self._lag(node, "LogCollectionPolicies")
            return self._apply_syslog(node, order)
        self._lag(node, resource)
        objects = node.objects(resource)
        if op == "create":
            obj = KINDS[resource].to_read(node, data, None)
            obj["id"] = node.new_id()
            objects[obj["id"]] = obj
            if resource == "Repos":
                node.repo_counter += 1
            return {"success": True, "errors": [], "message": f"{label} created"}
        target = order.target or ""
        if op == "edit":
            # A singleton's Save "updates the existing" settings (§7.16): it merges whatever the PUT semantics.
            if self.config.put_semantics == "replace" and not KINDS[resource].singleton:
                objects[target] = replaced(KINDS[resource], node, data, objects[target])
            else:
                objects[target] = KINDS[resource].to_read(node, data, objects[target])
            return {"success": True, "errors": [], "message": f"{label} edited"}
        if op == "delete":
            del objects[target]
            return {"success": True, "errors": [], "message": f"{label} deleted"}
        if op.startswith("action:"):
            segment = op.removeprefix("action:")
            KINDS[resource].actions[segment].apply(objects[target], data)
            return {"success": True, "errors": [], "message": f"{label} {segment} done"}
        objects[target]["active"] = op == "activate"
        return {"success": True, "errors": [], "message": f"{label} {op}d"}

    def _apply_syslog(self, node: NodeState, order: Order) -> dict[str, Any]:
        data = order.data
        if order.op == "syslog_create":
            resource, holder = syslog_collectors.holder_of_new(node, data)
            assert holder is not None  # precheck guarantees it
            holder.setdefault("col_apps", []).append(syslog_collectors.new_instance(resource, holder, data))
            return {"success": True, "errors": [], "message": "SyslogCollector created"}
        found = node.find_collector(order.target or "")
        assert found is not None  # precheck guarantees it
        device, app = found
        if order.op == "syslog_edit":
            syslog_collectors.edit_instance(app, data, replace=self.config.put_semantics == "replace")
            return {"success": True, "errors": [], "message": "SyslogCollector edited"}
        device["col_apps"] = [a for a in device["col_apps"] if a.get("uuid") != order.target]
        return {"success": True, "errors": [], "message": "SyslogCollector deleted"}

    def _read_order(self, node: NodeState, order: Order) -> dict[str, Any]:
        if order.op == "fetch_remote":
            return {"success": True, "errors": [], "message": "Fetched", "rows": node.remote_repos()}
        if order.op == "fetch_alerts":
            rows: list[dict[str, Any]] = []
            if order.resource == "MyAlertRules":
                active = order.data.get("active")
                sources = order.data.get("log_source") or []
                for rule in node.objects("AlertRules").values():
                    if isinstance(active, bool) and rule.get("active") != active:
                        continue
                    if sources and not set(sources) & set(rule.get("log_source", [])):
                        continue
                    rows.append(copy.deepcopy(self.read_view(node, "AlertRules", rule)))
            return {"success": True, "errors": [], "message": "Fetched", "rows": rows}
        for key in list(node.stale):
            if order.resource in ("*", key):
                del node.stale[key]
        return {"success": True, "errors": [], "message": "List refreshed"}

    def order_view(self, node: NodeState, order_id: str) -> dict[str, Any] | None:
        self.settle(node)
        order = node.orders.get(order_id)
        if order is None:
            return None
        return {"request": {}, "response": order.result if order.result is not None else {}}

    # ------------------------------------------------------------ reads
    def list_view(self, node: NodeState, resource: str) -> list[dict[str, Any]]:
        self.settle(node)
        stale = node.stale.get(resource)
        if stale is not None and stale[0] > time.time():
            return [self.read_view(node, resource, obj) for obj in stale[1]]
        # Live objects: the caller serialises them before releasing the store lock.
        return [self.read_view(node, resource, obj) for obj in node.objects(resource).values()]

    def read_view(self, node: NodeState, resource: str, obj: dict[str, Any]) -> dict[str, Any]:
        """One stored object as a Director GET returns it."""
        view = KINDS[resource].read_view if resource in KINDS else None
        return obj if view is None else view(node, obj, self.config)

    # ------------------------------------------------------------ out-of-band (console) changes
    def oob_update(self, pool_uuid: str, node_id: str, resource: str, obj_id: str, fields: dict[str, Any]) -> None:
        with self.lock:
            node = self.node(pool_uuid, node_id)
            self.settle(node)
            if resource not in KINDS or obj_id not in node.objects(resource):
                raise KeyError(f"{resource}/{obj_id}")
            # Read-only kinds keep the default ``to_read`` (``console_edit``): the console can still change them.
            updated = KINDS[resource].to_read(node, fields, node.objects(resource)[obj_id])
            node.objects(resource)[obj_id] = updated
            self.persist()

    def oob_create(self, pool_uuid: str, node_id: str, resource: str, fields: dict[str, Any]) -> str:
        """Add an object as the console (or the system) would: READ-side fields, no validation, no order."""
        with self.lock:
            node = self.node(pool_uuid, node_id)
            self.settle(node)
            if resource not in KINDS:
                raise KeyError(resource)
            obj = KINDS[resource].to_read(node, fields, None)
            obj["id"] = node.new_id()
            node.objects(resource)[obj["id"]] = obj
            self.persist()
            return str(obj["id"])

    def oob_delete(self, pool_uuid: str, node_id: str, resource: str, obj_id: str) -> None:
        with self.lock:
            node = self.node(pool_uuid, node_id)
            self.settle(node)
            if obj_id not in node.objects(resource):
                raise KeyError(f"{resource}/{obj_id}")
            del node.objects(resource)[obj_id]
            self.persist()

    def dump(self, pool_uuid: str, node_id: str) -> dict[str, Any]:
        with self.lock:
            node = self.node(pool_uuid, node_id)
            self.settle(node)
            return {
                "objects": copy.deepcopy(node.objects_by_kind),
                "builtin": sorted(node.builtin),
                "orders": {oid: {"op": o.op, "resource": o.resource, "done": o.result is not None}
                           for oid, o in node.orders.items()},
            }  # fmt: skip

    # ------------------------------------------------------------ persistence
    def persist(self) -> None:
        if self.state_file is None:
            return
        state = {
            "version": STATE_VERSION,
            "nodes": {
                f"{pool}/{ident}": {
                    "objects": n.objects_by_kind,
                    "builtin": sorted(n.builtin),
                    "repo_counter": n.repo_counter,
                    "id_counter": n.id_counter,
                    "orders": [asdict(o) for o in n.orders.values()],
                }
                for (pool, ident), n in self.nodes.items()
            },
        }
        path = self.state_file
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(state, handle, separators=(",", ":"))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _load(self, path: Path) -> None:
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise EmulatorError(f"{path}: cannot read emulator state ({exc}); delete the file to start fresh") from None
        if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
            raise EmulatorError(f"{path}: not an emulator state file of version {STATE_VERSION}")
        for key, saved in state.get("nodes", {}).items():
            pool_uuid, _, ident = key.partition("/")
            node = self.nodes.get((pool_uuid, ident))
            if node is None:
                continue  # a node no longer configured: its state is dropped
            # Resource types added since the file was written keep their fresh seeds (a state file written
            # before SystemSettingsGeneral was emulated still gives every node its settings).
            fresh, fresh_builtin = node.objects_by_kind, node.builtin
            added = {path: objects for path, objects in fresh.items() if path not in saved["objects"]}
            node.objects_by_kind = {**saved["objects"], **added}
            node.builtin = set(saved["builtin"]) | {i for objects in added.values() for i in objects} & fresh_builtin
            node.repo_counter = saved["repo_counter"]
            node.id_counter = saved["id_counter"]
            node.orders = {o["id"]: Order(**o) for o in saved.get("orders", [])}
