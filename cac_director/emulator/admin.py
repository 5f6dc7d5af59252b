"""``/_emulator/...``: test-only inspection and control, loopback clients only, no Director token.

=======  ==============================================================  ==========================================
Method   Path                                                            Effect
=======  ==============================================================  ==========================================
GET      /_emulator/health                                               ``{"status":"ok"}``
GET      /_emulator/nodes                                                pools and nodes served
GET      /_emulator/faults                                               current fault settings
PUT      /_emulator/faults                                               change some settings (JSON object; ``seed``)
DELETE   /_emulator/faults                                               clear every fault
GET      /_emulator/config                                               order_delay, monitor slash, error split
PUT      /_emulator/config                                               change those at runtime
GET      /_emulator/requests                                             ``{"counts", "recent", "tls_handshakes"}``
DELETE   /_emulator/requests                                             reset the request log (handshakes too)
POST     /_emulator/reset                                                every node back to its seeds
POST     /_emulator/nodes/{pool}/{node}/reset                            one node back to its seeds
GET      /_emulator/nodes/{pool}/{node}/objects                          dump: objects per resource, built-ins, orders
GET      /_emulator/nodes/{pool}/{node}/objects/{Resource}               stored objects (READ shape, never lagging)
POST     /_emulator/nodes/{pool}/{node}/objects/{Resource}               out-of-band create (READ-side field names)
PATCH    /_emulator/nodes/{pool}/{node}/objects/{Resource}/{id}          out-of-band edit (WRITE-side field names)
DELETE   /_emulator/nodes/{pool}/{node}/objects/{Resource}/{id}          out-of-band delete
=======  ==============================================================  ==========================================
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from cac_director.emulator.http import Receive, Scope, Send, read_body, send_json

if TYPE_CHECKING:
    from cac_director.emulator.server import Emulator


def _is_loopback(scope: Scope) -> bool:
    client = scope.get("client")
    host = client[0] if client else ""
    return host == "::1" or host.startswith("127.") or host == "localhost"


class AdminEndpoint:
    def __init__(self, emulator: Emulator) -> None:
        self.emu = emulator

    async def __call__(self, scope: Scope, receive: Receive, send: Send, parts: list[str]) -> None:
        if not _is_loopback(scope):
            await send_json(send, 403, {"status": "Failed", "message": "the admin endpoint answers loopback only"})
            return
        body = await read_body(receive)
        try:
            payload = json.loads(body) if body else None
        except ValueError:
            await send_json(send, 400, {"status": "Failed", "message": "body is not valid JSON"})
            return
        try:
            status, answer = self._route(scope["method"], parts, payload)
        except KeyError as exc:
            status, answer = 404, {"status": "Failed", "message": f"not found: {exc.args[0] if exc.args else ''}"}
        except (ValueError, TypeError) as exc:
            status, answer = 400, {"status": "Failed", "message": str(exc)}
        await send_json(send, status, answer)

    def _route(self, method: str, parts: list[str], payload: Any) -> tuple[int, Any]:  # noqa: PLR0911, PLR0912 - a route table
        emu = self.emu
        route = (method, *parts)
        if route == ("GET", "health"):
            return 200, {"status": "ok"}
        if route == ("GET", "nodes"):
            return 200, [
                {"pool_uuid": p.uuid, "name": p.name,
                 "nodes": [{"identifier": n.identifier, "name": n.name, "ip": n.ip, "role": n.role,
                            "repo_paths": n.paths()} for n in p.nodes]}
                for p in emu.config.pools
            ]  # fmt: skip
        if route == ("GET", "faults"):
            return 200, asdict(emu.faults.settings)
        if route == ("PUT", "faults"):
            if not isinstance(payload, dict):
                raise ValueError("body must be a JSON object of fault settings")
            return 200, asdict(emu.faults.set(**payload))
        if route == ("DELETE", "faults"):
            emu.clear_faults()
            return 200, asdict(emu.faults.settings)
        if route == ("GET", "config"):
            return 200, emu.runtime_config()
        if route == ("PUT", "config"):
            if not isinstance(payload, dict):
                raise ValueError("body must be a JSON object")
            return 200, emu.set_runtime_config(**payload)
        if route == ("GET", "requests"):
            answer: dict[str, Any] = {"counts": emu.request_counts(), "recent": emu.log.entries()}
            if emu.tls:
                answer["tls_handshakes"] = emu.tls_handshakes()
            return 200, answer
        if route == ("DELETE", "requests"):
            emu.reset_request_log()
            return 200, {"counts": {}}
        if route == ("POST", "reset"):
            emu.reset()
            return 200, {"status": "ok"}
        if len(parts) >= 4 and parts[0] == "nodes":
            pool, node = parts[1], parts[2]
            tail = (method, *parts[3:])
            if tail == ("POST", "reset"):
                emu.store.reset(pool, node)
                return 200, {"status": "ok"}
            if tail == ("GET", "objects"):
                return 200, emu.store.dump(pool, node)
            if len(parts) == 5 and tail[:2] == ("GET", "objects"):
                return 200, emu.objects(pool, node, parts[4])
            if len(parts) == 5 and tail[:2] == ("POST", "objects"):
                if not isinstance(payload, dict):
                    raise ValueError("body must be a JSON object of read-side fields")
                return 200, {"status": "ok", "id": emu.oob_create(pool, node, parts[4], payload)}
            if len(parts) == 6 and parts[3] == "objects":
                if method == "PATCH":
                    if not isinstance(payload, dict):
                        raise ValueError("body must be a JSON object of write-side fields")
                    emu.oob_update(pool, node, parts[4], parts[5], payload)
                    return 200, {"status": "ok"}
                if method == "DELETE":
                    emu.oob_delete(pool, node, parts[4], parts[5])
                    return 200, {"status": "ok"}
        return 404, {"status": "Failed", "message": "unknown admin endpoint; see docs/emulator.md"}
