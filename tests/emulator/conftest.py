"""Contract-test fixtures: one emulator on an ephemeral loopback port, reset before every test.

Wire facts in these tests are written literally from docs/director-api.md (never read from conventions).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from cac_director.emulator import Emulator, EmulatorConfig, NodeSpec, PoolSpec, UserSpec

POOL = "a9fa7661c4f84b278b136e94a86b4ea2"
DN1 = "01925abf82fe0db0a75c190c4316b8a6"
DN2 = "01925abf82fe0db0a75c190c4316b8a7"
SH = "01925abf82fe0db0a75c190c4316b8a8"
OTHER_POOL = "b9fa7661c4f84b278b136e94a86b4ea2"
OTHER_NODE = "02925abf82fe0db0a75c190c4316b8a6"
TOKEN = "contract-token"


def make_config(**overrides: Any) -> EmulatorConfig:
    options: dict[str, Any] = {
        "pools": [
            PoolSpec(
                uuid=POOL,
                name="bank-a",
                nodes=[
                    NodeSpec(identifier=DN1, name="dn-prod-01", ip="10.10.0.11"),
                    NodeSpec(identifier=DN2, name="dn-prod-02", ip="10.10.0.12", repo_paths=["/opt/immune/storage/"]),
                    NodeSpec(identifier=SH, name="sh-prod-01", ip="10.10.0.13", role="searchHead"),
                ],
            ),
            PoolSpec(
                uuid=OTHER_POOL, name="bank-b", nodes=[NodeSpec(identifier=OTHER_NODE, name="aio", ip="10.20.0.11")]
            ),
        ],
        "token": TOKEN,
        "users": [UserSpec(username="analyst", firstname="Ana", lastname="Lyst", email="ana@example.com")],
    }
    options.update(overrides)
    return EmulatorConfig(**options)


@pytest.fixture(scope="session")
def emu() -> Iterator[Emulator]:
    with Emulator.start(make_config(), host="127.0.0.1", port=0) as running:
        yield running


@pytest.fixture(autouse=True)
def _fresh(request: pytest.FixtureRequest) -> Iterator[None]:
    if "emu" not in request.fixturenames:
        yield
        return
    running: Emulator = request.getfixturevalue("emu")
    running.reset()
    running.clear_faults()
    running.set_faults(seed=0)
    running.set_runtime_config(
        order_delay=0.0,
        monitor_leading_slash=False,
        semantic_errors="order",
        block_referenced_deletes=True,
        put_semantics="merge",
        put_requires_id=True,
        returns_compiled_normalizer=False,
        list_age_limits="tables",
        alert_delay_needs_log_ts=True,
        usergroup_all_flags="expanded",
    )
    running.reset_request_log()
    yield


@pytest.fixture
def client(emu: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emu.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10) as c:
        yield c


def cfg(node: str = DN1, pool: str = POOL) -> str:
    return f"/configapi/{pool}/{node}"


def poll(client: httpx.Client, message: str, timeout: float = 5.0) -> dict[str, Any]:
    """Poll a monitor path until response.success is a boolean (docs/director-api.md §5.3)."""
    url = message if message.startswith("/") else "/" + message
    deadline = time.monotonic() + timeout
    while True:
        r = client.get(url)
        assert r.status_code == 200, r.text
        body = r.json()
        if isinstance(body.get("response", {}).get("success"), bool):
            return body
        assert time.monotonic() < deadline, f"order {url} did not finish"
        time.sleep(0.01)


def write(client: httpx.Client, method: str, path: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """Send a write, assert the documented 200 Success answer, and return the finished order.

    A PUT carries the path's id inside ``data`` unless the test sets one (every Edit table lists it, §7.19).
    """
    if method == "PUT" and "id" not in (data or {}):
        data = {**(data or {}), "id": path.rstrip("/").rsplit("/", 1)[-1]}
    kwargs: dict[str, Any] = {} if method == "DELETE" else {"json": {"data": data or {}}}
    r = client.request(method, path, **kwargs)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "Success"
    return poll(client, body["message"])


def ok(order: dict[str, Any]) -> dict[str, Any]:
    assert order["response"]["success"] is True, order
    return order["response"]


def refused(order: dict[str, Any], fragment: str) -> None:
    assert order["response"]["success"] is False, order
    assert order["response"]["errors"], order
    assert any(fragment in str(e) for e in order["response"]["errors"]), order


def by_name(client: httpx.Client, resource: str, name: str, key: str = "name", node: str = DN1) -> dict[str, Any]:
    items = client.get(f"{cfg(node)}/{resource}").json()
    matches = [i for i in items if i.get(key) == name]
    assert len(matches) == 1, f"{name} not in {resource}: {[i.get(key) for i in items]}"
    return matches[0]
