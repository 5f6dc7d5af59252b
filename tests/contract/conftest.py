"""One emulator on loopback for the contract tests; each test starts from seeds with no faults."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

emulator = pytest.importorskip("cac_director.emulator", reason="cac_director.emulator is not available yet")

from cac_director.director import ClientSettings, DirectorClient, NodeResolver, node_client, runtime  # noqa: E402

POOL = "b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6"
NODE = "0123456789abcdef0123456789abcdef"
TOKEN = "emu-contract-token-4b7e2d"
REFRESH_SECRET = "old-secret-key"


@pytest.fixture(scope="module")
def emu() -> Iterator[Any]:
    cfg = emulator.EmulatorConfig(
        pools=[
            emulator.PoolSpec(
                uuid=POOL, name="p", nodes=[emulator.NodeSpec(identifier=NODE, name="dn1", ip="10.1.0.11")]
            )
        ],
        token=TOKEN,
        order_delay=0.0,
        monitor_leading_slash=False,
        seed=0,
        refresh_secret=REFRESH_SECRET,
    )
    with emulator.Emulator.start(cfg, host="127.0.0.1", port=0) as running:
        yield running


@pytest.fixture
def fresh(emu: Any) -> Iterator[Any]:
    emu.reset()
    emu.clear_faults()
    emu.set_runtime_config(
        order_delay=0.0,
        monitor_leading_slash=False,
        put_semantics="merge",
        put_requires_id=True,
        returns_compiled_normalizer=False,
    )
    emu.reset_request_log()
    yield emu
    emu.clear_faults()
    runtime.reset()


@pytest.fixture
def make_client(fresh: Any) -> Callable[..., DirectorClient]:
    def build(**overrides: Any) -> DirectorClient:
        options: dict[str, Any] = {
            "url": fresh.url,
            "token": TOKEN,
            "pool_uuid": POOL,
            "order_deadline": 5.0,
            "backoff_base": 0.005,
            "backoff_max": 0.05,
            "retry_after_max": 0.05,
            "poll_initial": 0.005,
            "poll_max": 0.05,
            "list_lag_timeout": 5.0,
            "write_check_window": 0.3,
            "max_retries": 8,
            "connect_timeout": 2.0,
            "read_timeout": 5.0,
        }
        options.update(overrides)
        return node_client(ClientSettings(**options), node_id=NODE, node_name="dn1")

    return build


@pytest.fixture
def client(make_client: Callable[..., DirectorClient]) -> DirectorClient:
    return make_client()


@pytest.fixture
def resolver(client: DirectorClient) -> NodeResolver:
    return NodeResolver(client)
