"""A scripted Director behind ``httpx.MockTransport``: wire bodies from docs/director-api.md, requests recorded."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from cac_director.director import ClientSettings, DirectorClient, node_client, runtime

POOL = "a9fa7661c4f84b278b136e94a86b4ea2"
NODE = "01925abf82fe0db0a75c190c4316b8a6"
TOKEN = "tok-SECRET-7f3a9c"
BASE = f"/configapi/{POOL}/{NODE}"

Handler = Callable[[httpx.Request], httpx.Response | Exception]


class ScriptedDirector:
    """Routes ``(method, path)`` to a queue of handlers; the last handler of a queue repeats."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[Handler]] = {}
        self.calls: list[tuple[str, str]] = []
        self.bodies: list[Any] = []
        self.auth: list[str] = []

    def on(self, method: str, path: str, *handlers: Handler | dict[str, Any] | list[Any]) -> None:
        self.routes[(method, path)] = [h if callable(h) else _json(h) for h in handlers]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        key = (request.method, request.url.path)
        self.calls.append(key)
        self.auth.append(request.headers.get("Authorization", ""))
        self.bodies.append(json.loads(request.content) if request.content else None)
        queue = self.routes.get(key)
        if not queue:
            return httpx.Response(404, json={"status": "Failed", "message": f"no route {key}"})
        handler = queue.pop(0) if len(queue) > 1 else queue[0]
        result = handler(request)
        if isinstance(result, Exception):
            raise result
        return result

    def count(self, method: str, path: str) -> int:
        return sum(1 for call in self.calls if call == (method, path))


def _json(body: Any, status: int = 200) -> Handler:
    return lambda _request: httpx.Response(status, json=body)


def reply(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Handler:
    return lambda _request: httpx.Response(status, json=body, headers=headers)


def order_ok(order: str, slash: bool = False) -> dict[str, str]:
    return {"status": "Success", "message": f"{'/' if slash else ''}monitorapi/{POOL}/{NODE}/orders/{order}"}


def monitor(order: str) -> str:
    return f"/monitorapi/{POOL}/{NODE}/orders/{order}"


PENDING = {"request": {}, "response": {}}
DONE = {"request": {}, "response": {"success": True, "errors": [], "message": "done"}}


@pytest.fixture
def director() -> ScriptedDirector:
    return ScriptedDirector()


@pytest.fixture
def make_client(director: ScriptedDirector) -> Iterator[Callable[..., DirectorClient]]:
    def build(**overrides: Any) -> DirectorClient:
        options: dict[str, Any] = {
            "url": "https://director.test",
            "token": TOKEN,
            "pool_uuid": POOL,
            "order_deadline": 2.0,
            "backoff_base": 0.001,
            "backoff_max": 0.01,
            "poll_initial": 0.001,
            "poll_max": 0.01,
            "list_lag_timeout": 0.5,
            "write_check_window": 0.05,
            "retry_after_max": 0.05,
            "transport": httpx.MockTransport(director),
        }
        options.update(overrides)
        return node_client(ClientSettings(**options), node_id=NODE, node_name="dn-test")

    yield build
    runtime.reset()
