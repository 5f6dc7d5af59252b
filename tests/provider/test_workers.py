"""A real provider process (``python -m pulumi.dynamic``), driven over gRPC as the engine drives it.

With slow orders, the Director sees how many creates one process runs at once: the SDK's stock pool
serves 4, ``providerThreads`` raises it. Nothing here is timed against a budget: orders take longer than
the whole wait, so within it a process either has sent every write or is stuck at its limit.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from cac_director.pulumi_provider import _workers
from cac_director.pulumi_provider.providers import RepoProvider
from tests.provider.conftest import NODE, POOL, TOKEN
from tests.provider.grpc_structs import provider_server, to_struct

CREATES = 12
ORDER_SECONDS = 8.0
WAIT_SECONDS = 6.0  # shorter than an order: no create can finish (and free a worker) within it
POST_REPOS = "POST /configapi/{pool}/{node}/Repos"


@pytest.fixture
def provider_process() -> Iterator[provider_pb2_grpc.ResourceProviderStub]:
    with provider_server() as stub:
        yield stub


def _writes_in_flight(fresh: Any, stub: provider_pb2_grpc.ResourceProviderStub, threads: str | None) -> int:
    """Start CREATES slow creates at once; return how many writes reached the Director before any finished."""
    config = {"cac-director:token": TOKEN, "cac-director:directorUrl": fresh.url, "cac-director:poolUuid": POOL}
    if threads is not None:
        config["cac-director:providerThreads"] = threads
    stub.Configure(provider_pb2.ConfigureRequest(args=to_struct(config)))
    fresh.set_runtime_config(order_delay=ORDER_SECONDS)
    provider = serialize_provider(RepoProvider())

    def props(index: int) -> dict[str, Any]:
        return {
            "__provider": provider,
            "name": f"repo-w{index:02d}",
            "hiddenrepopath": [{"path": "/data/hot/", "retention": 7}],
            "target": {"node": NODE, "node_name": "dn-01"},
        }

    def create(index: int) -> str:
        urn = f"urn:pulumi:test::test::pulumi-python:dynamic/cacdirector:Repo::dn-01/repo-w{index:02d}"
        return str(stub.Create(provider_pb2.CreateRequest(urn=urn, properties=to_struct(props(index))), timeout=120).id)

    # The engine checks every resource before creating it; the first check loads and configures the provider.
    checked = stub.Check(provider_pb2.CheckRequest(urn="urn:x", olds=to_struct({}), news=to_struct(props(0))))
    assert not checked.failures

    started = time.monotonic()
    pool = ThreadPoolExecutor(max_workers=CREATES)
    try:
        futures = [pool.submit(create, i) for i in range(CREATES)]
        seen = 0
        while time.monotonic() - started < WAIT_SECONDS and seen < CREATES:
            time.sleep(0.1)
            seen = fresh.request_counts().get(POST_REPOS, 0)
        assert not any(f.done() for f in futures), "an order finished early: the wait proves nothing"
        fresh.set_runtime_config(order_delay=0.0)
        ids = [f.result(timeout=120) for f in futures]
    finally:
        fresh.set_runtime_config(order_delay=0.0)
        pool.shutdown(wait=True)
    assert len(set(ids)) == CREATES  # every create completed, each with its own object
    return seen


def test_a_provider_process_runs_every_create_at_once(fresh, provider_process) -> None:
    assert _writes_in_flight(fresh, provider_process, None) == CREATES


def test_the_sdk_alone_runs_four(fresh, provider_process) -> None:
    """If this fails, the SDK's provider server no longer stops at 4 calls: recheck ``_workers``."""
    assert _writes_in_flight(fresh, provider_process, "4") == 4


def test_widening_needs_a_pool_worker_and_never_narrows() -> None:
    assert _workers.widen_current_pool(64) is None  # the main thread belongs to no executor
    with ThreadPoolExecutor(max_workers=2) as pool:
        assert pool.submit(_workers.widen_current_pool, 8).result() == 8
        assert pool.submit(_workers.widen_current_pool, 3).result() == 8
    plain = threading.Thread(target=lambda: None)
    assert getattr(plain, "_args", None) == ()  # what a non-pool thread carries (nothing to follow)
