"""The ASGI application: Director API routes (docs/director-api.md §2), auth, envelopes, faults, request log.

Director paths: ``/configapi[/v1]/{pool}/{node}/{Resource}[/...]``, ``/monitorapi/{pool}/{node}/orders/{id}[/...]``,
``/monitorapi/v1/director/poolinfo``, ``POST /refreshToken``. Test-only admin paths live under ``/_emulator``
(see admin.py) and are neither authenticated nor subject to faults, but answer loopback clients only.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
import time
import uuid
from collections import Counter, deque
from typing import Any

from cac_director.emulator.config import EmulatorConfig
from cac_director.emulator.faults import Faults
from cac_director.emulator.http import Receive, Scope, Send, drop_connection, dumps, read_body, send_bytes, send_json
from cac_director.emulator.kinds import KINDS, LISTABLE, WRITABLE, syslog_collectors
from cac_director.emulator.kinds.alert_rules import FETCH_KINDS as ALERT_FETCH_KINDS
from cac_director.emulator.kinds.common import Kind
from cac_director.emulator.store import NodeState, Order, Store
from cac_director.emulator.validation import Invalid

_REFRESH_ROUTES = (
    ("Repos", "RepoPaths", "refreshlist"),
    ("NormalizationPackage", "CompiledNormalizers", "refreshlist"),
    *((kind.path, segment) for kind in KINDS.values() for segment in kind.refresh_routes),
)
_FIXED_SEGMENTS = frozenset(
    {"RepoPaths", "RemoteRepos", "fetch", "CompiledNormalizers", "activate", "deactivate", "plugins",
     *ALERT_FETCH_KINDS, *(route[-1] for route in _REFRESH_ROUTES),
     *(segment for kind in KINDS.values() for segment in (*kind.variants, *kind.sub_reads, *kind.actions))}
)  # fmt: skip


class HTTPAnswer(Exception):
    def __init__(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.payload = payload
        self.headers = headers or {}


def failed(status: int, message: str) -> HTTPAnswer:
    return HTTPAnswer(status, {"status": "Failed", "message": message})


class RequestLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.recent: deque[dict[str, Any]] = deque(maxlen=2000)

    def record(self, endpoint: str, status: int) -> None:
        with self._lock:
            self.counts[endpoint] += 1
            self.recent.append({"time": time.time(), "endpoint": endpoint, "status": status})

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self.counts)

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.recent)

    def reset(self) -> None:
        with self._lock:
            self.counts.clear()
            self.recent.clear()


def template(method: str, parts: list[str]) -> str:
    """``GET /configapi/{pool}/{node}/Repos/{id}``: the endpoint a request counts under."""
    if parts[:1] == ["configapi"]:
        rest = parts[2:] if parts[1:2] == ["v1"] else parts[1:]
        tail = [p if p in _FIXED_SEGMENTS else "{id}" for p in rest[3:]]
        return f"{method} /configapi/{{pool}}/{{node}}/" + "/".join(rest[2:3] + tail)
    if parts[:1] == ["monitorapi"] and parts[1:4] != ["v1", "director", "poolinfo"]:
        suffix = "/{data_node}" if len(parts) > 5 else ""
        return f"{method} /monitorapi/{{pool}}/{{node}}/orders/{{order}}{suffix}"
    return f"{method} /" + "/".join(parts)


class DirectorApp:
    """ASGI callable serving one emulator's store."""

    def __init__(self, config: EmulatorConfig, store: Store, faults: Faults, log: RequestLog) -> None:
        self.config = config
        self.store = store
        self.faults = faults
        self.log = log
        self.tokens: dict[str, float] = {config.token: self._expiry()}
        """token -> epoch seconds it expires (inf when token_ttl is None)."""
        self.refresh_secrets: set[str] = {config.refresh_secret} if config.refresh_secret else set()
        self.admin: Any = None  # set by Emulator: the /_emulator handler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        method: str = scope["method"]
        parts = [p for p in path.split("/") if p]
        if parts[:1] == ["_emulator"]:
            await self.admin(scope, receive, send, parts[1:])
            return
        endpoint = template(method, parts)
        faults = self.faults
        if faults.latency > 0:
            await asyncio.sleep(faults.latency)
        if faults.should_drop():
            self.log.record(endpoint, 0)
            await drop_connection(send)
            return
        injected = faults.error_answer()
        if injected is not None:
            self.log.record(endpoint, injected[0])
            message = {"status": "Failed", "message": "Service temporarily unavailable"}
            await send_json(send, injected[0], message, injected[1])
            return
        body = await read_body(receive) if method in ("POST", "PUT", "DELETE") else b""
        headers: dict[str, str] = {}
        try:
            # /refreshToken is how an expired token is replaced: its secretKey authenticates it, not the bearer.
            if parts != ["refreshToken"]:
                self._authenticate(scope)
            with self.store.lock:
                status, payload = self._dispatch(method, parts, body)
                # Serialise under the lock: payloads are live store objects, and this avoids a deep copy.
                encoded = dumps(payload)
        except HTTPAnswer as answer:
            status, headers = answer.status, answer.headers
            encoded = dumps(answer.payload)
        self.log.record(endpoint, status)
        await send_bytes(send, status, encoded, headers)

    # ------------------------------------------------------------ plumbing
    def _authenticate(self, scope: Scope) -> None:
        for key, value in scope["headers"]:
            if key == b"authorization":
                text = value.decode("latin-1")
                scheme, _, token = text.partition(" ")
                expires = self.tokens.get(token.strip()) if scheme.lower() == "bearer" else None
                if expires is not None and expires > time.time():
                    return
                raise failed(401, "Unauthorized: invalid or expired token")
        raise failed(401, "Unauthorized: missing bearer token")

    def _dispatch(self, method: str, parts: list[str], body: bytes) -> tuple[int, Any]:
        if parts == ["refreshToken"]:
            return self._refresh_token(method, body)
        if parts[:1] == ["monitorapi"]:
            if parts[1:] == ["v1", "director", "poolinfo"]:
                _only(method, "GET")
                return 200, self._poolinfo()
            if len(parts) >= 5 and parts[3] == "orders":
                _only(method, "GET")
                node = self._node(parts[1], parts[2])
                view = self.store.order_view(node, parts[4])
                if view is None:
                    raise failed(404, f"order {parts[4]} not found")
                return 200, view
            raise failed(404, "unknown endpoint")
        if parts[:1] == ["configapi"]:
            rest = parts[2:] if parts[1:2] == ["v1"] else parts[1:]
            if len(rest) < 3:
                raise failed(404, "unknown endpoint")
            node = self._node(rest[0], rest[1])
            return self._config(method, node, rest[2], rest[3:], body)
        raise failed(404, "unknown endpoint")

    def _node(self, pool_uuid: str, node_id: str) -> NodeState:
        if not self.store.has_pool(pool_uuid):
            raise failed(404, f"pool {pool_uuid} not found")
        try:
            return self.store.node(pool_uuid, node_id)
        except KeyError:
            raise failed(404, f"LogPoint {node_id} not found in pool {pool_uuid}") from None

    def _expiry(self) -> float:
        ttl = self.config.token_ttl
        return float("inf") if ttl is None else time.time() + ttl

    def _poolinfo(self) -> list[dict[str, Any]]:
        return [
            {
                "active": True,
                "name": pool.name,
                "pool_uuid": pool.uuid,
                "machines": [
                    {"director_mode": "fabric_only", "identifier": n.identifier, "name": n.name, "version": "6.11.0"}
                    for n in pool.nodes
                ],
            }
            for pool in self.config.pools
        ]

    def _refresh_token(self, method: str, body: bytes) -> tuple[int, Any]:
        _only(method, "POST")
        payload = _json(body)
        # Not enveloped in "data" (docs/director-api.md §3).
        secret = payload.get("secretKey") if isinstance(payload, dict) else None
        if not isinstance(secret, str) or not secret:
            raise failed(400, "'secretKey' is mandatory")
        # Without a configured secret any secretKey would mint a working token: refresh is off instead.
        if not self.refresh_secrets:
            raise failed(401, "Unauthorized: token refresh is disabled (the emulator has no refresh secret)")
        if secret not in self.refresh_secrets:
            raise failed(401, "Unauthorized: unknown secretKey")
        new_token = "emu." + secrets.token_hex(24)
        new_secret = str(uuid.uuid4())
        self.tokens[new_token] = self._expiry()
        self.refresh_secrets.add(new_secret)
        return 200, {"status": "Success", "tokenDetails": {"secretKey": new_secret, "token": new_token}}

    def _monitor(self, node: NodeState, order: Order) -> str:
        path = f"monitorapi/{node.pool.uuid}/{node.spec.identifier}/orders/{order.id}{order.suffix}"
        return "/" + path if self.config.monitor_leading_slash else path

    def _accepted(self, node: NodeState, order: Order) -> tuple[int, Any]:
        return 200, {"status": "Success", "message": self._monitor(node, order)}

    def _submit(self, node: NodeState, op: str, resource: str, target: str | None, data: dict[str, Any],
                *, suffix: str = "") -> tuple[int, Any]:  # fmt: skip
        if self.config.semantic_errors == "sync" and op not in ("fetch_remote", "fetch_alerts", "refresh"):
            self.store.settle(node)
            errors = self.store.precheck(node, Order("dry-run", op, resource, target, data, None))
            if errors:
                raise failed(400, "; ".join(errors))
        return self._accepted(node, self.store.submit(node, op, resource, target, data, suffix=suffix))

    # ------------------------------------------------------------ /configapi
    def _config(self, method: str, node: NodeState, resource: str, rest: list[str], body: bytes) -> tuple[int, Any]:
        special = self._special(method, node, resource, rest, body)
        if special is not None:
            return special
        kind = KINDS.get(resource)
        if kind is None:
            raise failed(404, "unknown endpoint")
        variant: tuple[str, str] | None = None
        if method in ("POST", "PUT") and rest and rest[0] in kind.variants:
            variant, rest = kind.variants[rest[0]], rest[1:]
        if len(rest) > 1:
            raise failed(404, "unknown endpoint")
        if method == "GET" and resource in LISTABLE:
            return self._read(node, kind, rest)
        if resource not in WRITABLE:
            raise failed(405, f"method {method} is not allowed on {resource}")
        return self._write(method, node, kind, rest, body, variant=variant)

    def _read(self, node: NodeState, kind: Kind, rest: list[str]) -> tuple[int, Any]:
        if not rest:
            rows = self.store.list_view(node, kind.path)
            return 200, [rows] if kind.nested_list else rows
        if kind.singleton:
            raise failed(404, "unknown endpoint")
        self.store.settle(node)
        obj = node.objects(kind.path).get(rest[0])
        if obj is None:
            raise failed(404, f"{kind.label} with id '{rest[0]}' not found")
        return 200, self.store.read_view(node, kind.path, obj)

    def _write(self, method: str, node: NodeState, kind: Kind, rest: list[str], body: bytes,
               *, variant: tuple[str, str] | None) -> tuple[int, Any]:  # fmt: skip
        resource = kind.path
        if not kind.editable and method in ("POST", "PUT"):
            raise failed(405, f"{resource} has no Create or Edit")
        if kind.variants and variant is None and method in ("POST", "PUT"):
            paths = " or ".join(f"{resource}/{segment}" for segment in kind.variants)
            raise failed(405, f"method {method} is not allowed here; write through {paths}")
        if kind.singleton:
            return self._save_singleton(method, node, kind, rest, body)
        if method == "POST" and not rest:
            data = _with_variant(_envelope(body), variant)
            _validated(kind.validate, data, True)
            return self._submit(node, "create", resource, None, _masked(kind, data))
        if method in ("PUT", "DELETE") and len(rest) == 1:
            self.store.settle(node)
            if rest[0] not in node.objects(resource):
                raise failed(404, f"{kind.label} with id '{rest[0]}' not found")
            if method == "DELETE":
                return self._submit(node, "delete", resource, rest[0], {})
            data = _with_variant(self._edit_body(body, rest[0]), variant)
            _validated(kind.validate, data, False)
            return self._submit(node, "edit", resource, rest[0], _masked(kind, data))
        raise failed(405, f"method {method} is not allowed here")

    def _save_singleton(self, method: str, node: NodeState, kind: Kind, rest: list[str],
                        body: bytes) -> tuple[int, Any]:  # fmt: skip
        """Save is a POST on the collection path that updates the node's one object (§7.16); no create or trash."""
        if method != "POST" or rest:
            raise failed(405, f"method {method} is not allowed here; {kind.path} is saved by POST {kind.path}")
        data = _envelope(body)
        _validated(kind.validate, data, False)
        self.store.settle(node)
        (target,) = node.objects(kind.path)
        return self._submit(node, "edit", kind.path, target, data)

    def _special(  # noqa: PLR0911 - a route table
        self, method: str, node: NodeState, resource: str, rest: list[str], body: bytes
    ) -> tuple[int, Any] | None:
        route = (resource, *rest)
        kind = KINDS.get(resource)
        if kind is not None and len(rest) == 1 and rest[0] in kind.sub_reads:
            _only(method, "GET")
            return 200, kind.sub_reads[rest[0]](node)
        if kind is not None and len(rest) == 2 and rest[1] in kind.actions:
            return self._action(method, node, kind, rest, body)
        if route == ("Repos", "RepoPaths"):
            _only(method, "GET")
            return 200, [{"paths": list(node.repo_paths)}]
        if route in _REFRESH_ROUTES:
            _only(method, "POST")
            _envelope(body)
            return self._submit(node, "refresh", "*" if resource == "Repos" else resource, None, {})
        if route == ("Repos", "RemoteRepos", "fetch"):
            _only(method, "POST")
            _envelope(body)
            return self._submit(node, "fetch_remote", "Repos", None, {}, suffix=f"/{node.spec.identifier}")
        if route == ("NormalizationPackage", "CompiledNormalizers"):
            _only(method, "GET")
            return 200, node.compiled_normalizers
        if route == ("Charsets",):
            _only(method, "GET")
            return 200, [{"charsets": list(node.charsets)}]
        if route == ("Timezone",):
            _only(method, "GET")
            return 200, node.timezones
        if resource in ("Devices", "LogCollectionPolicies") and len(rest) == 2 and rest[1] == "plugins":
            return self._plugins(method, node, resource, rest[0])
        if resource == "SyslogCollector":
            return self._syslog(method, node, rest, body)
        if resource == "AlertRules":
            return self._alert_rules(method, node, rest, body)
        return None

    def _action(self, method: str, node: NodeState, kind: Kind, rest: list[str], body: bytes) -> tuple[int, Any]:
        """``POST {path}/{id}/<action>``: validated synchronously, applied by an order."""
        _only(method, "POST")
        obj_id, segment = rest
        data = _envelope(body)
        try:
            kind.actions[segment].validate(data)
        except Invalid as exc:
            raise failed(400, str(exc)) from None
        self.store.settle(node)
        if obj_id not in node.objects(kind.path):
            raise failed(404, f"{kind.label} with id '{obj_id}' not found")
        return self._submit(node, f"action:{segment}", kind.path, obj_id, _masked(kind, data))

    def _plugins(self, method: str, node: NodeState, resource: str, obj_id: str) -> tuple[int, Any]:
        """``{id}/plugins`` of a device or a log collection policy: its collector instances (``col_apps``)."""
        _only(method, "GET")
        self.store.settle(node)
        holder = node.objects(resource).get(obj_id)
        if holder is None:
            raise failed(404, f"{KINDS[resource].label} with id '{obj_id}' not found")
        return 200, holder.get("col_apps", [])

    def _edit_body(self, body: bytes, path_id: str) -> dict[str, Any]:
        """A PUT's ``data``; every Edit table lists ``id`` as mandatory (§4.1, §7.19), so it must name the path's."""
        data = _envelope(body)
        if "id" in data and data["id"] != path_id:
            raise failed(400, f"'id' in data ({data['id']!r}) is not the id in the path ({path_id!r})")
        if self.config.put_requires_id and "id" not in data:
            raise failed(400, "'id' is mandatory")
        return data

    def _syslog(self, method: str, node: NodeState, rest: list[str], body: bytes) -> tuple[int, Any]:
        if method == "POST" and not rest:
            data = _envelope(body)
            _validated(syslog_collectors.validate, data, True)
            return self._submit(node, "syslog_create", "SyslogCollector", None, data)
        if method in ("PUT", "DELETE") and len(rest) == 1:
            self.store.settle(node)
            if node.find_collector(rest[0]) is None:
                raise failed(404, f"SyslogCollector '{rest[0]}' not found")
            if method == "DELETE":
                return self._submit(node, "syslog_delete", "SyslogCollector", rest[0], {})
            data = self._edit_body(body, rest[0])
            _validated(syslog_collectors.validate, data, False)
            return self._submit(node, "syslog_edit", "SyslogCollector", rest[0], data)
        # No List/Get exists for collectors (docs/director-api.md §7.8): instances are read from Devices col_apps.
        raise failed(405 if not rest or len(rest) == 1 else 404, "SyslogCollector has no such endpoint")

    def _alert_rules(self, method: str, node: NodeState, rest: list[str], body: bytes) -> tuple[int, Any] | None:
        if len(rest) == 2 and rest[0] in ALERT_FETCH_KINDS and rest[1] == "fetch":
            _only(method, "POST")
            data = _envelope(body)
            if "active" in data and not isinstance(data["active"], bool):
                raise failed(400, "'active' must be a boolean")
            if "log_source" in data and not isinstance(data["log_source"], list):
                raise failed(400, "'log_source' must be a list")
            return self._submit(node, "fetch_alerts", rest[0], None, data, suffix=f"/{node.spec.identifier}")
        if len(rest) == 2 and rest[1] in ("activate", "deactivate"):
            _only(method, "POST")
            _envelope(body)
            self.store.settle(node)
            if rest[0] not in node.objects("AlertRules"):
                raise failed(404, f"Alert rule with id '{rest[0]}' not found")
            return self._submit(node, rest[1], "AlertRules", rest[0], {})
        if method == "GET":
            # v2.7.0 has no GET for alert rules; they are read through fetch orders (§7.9).
            raise failed(405, "AlertRules cannot be listed; use AlertRules/MyAlertRules/fetch")
        return None  # create/edit/trash: the generic path


def _only(method: str, allowed: str) -> None:
    if method != allowed:
        raise failed(405, f"method {method} is not allowed here")


def _json(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        raise failed(400, "request body is not valid JSON") from None


def _envelope(body: bytes) -> dict[str, Any]:
    payload = _json(body)
    if not isinstance(payload, dict) or "data" not in payload:
        raise failed(400, 'request body must be {"data": {...}}')
    if not isinstance(payload["data"], dict):
        raise failed(400, "'data' must be an object")
    return payload["data"]


def _with_variant(data: dict[str, Any], variant: tuple[str, str] | None) -> dict[str, Any]:
    """The body plus what its write sub-path stands for (``Lists/static`` -> ``list_type: static_list``)."""
    return data if variant is None else {**data, variant[0]: variant[1]}


MASK = "<set>"
"""What an order stores in place of a write-only value (a password): that one was sent, never what it was."""


def _masked(kind: Kind, data: dict[str, Any]) -> dict[str, Any]:
    return {k: MASK if k in kind.write_only else v for k, v in data.items()}


def _validated(check: Any, data: dict[str, Any], create: bool) -> None:
    try:
        check(data, create)
    except Invalid as exc:
        raise failed(400, str(exc)) from None


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
