"""One Director runtime per process: sessions and nodes keyed by what they are, shared across threads,
forgotten by ``reset()``."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest

from cac_director.director import ClientSettings, runtime
from cac_director.director.settings import Secret

URL = "https://director.test"
POOL = "pool-a"


def _transport(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=[])


TRANSPORT = httpx.MockTransport(_transport)


def _settings(**overrides: object) -> ClientSettings:
    options: dict[str, object] = {"url": URL, "token": "tok-one", "pool_uuid": POOL, "transport": TRANSPORT}
    options.update(overrides)
    return ClientSettings(**options)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def new_process() -> Iterator[None]:
    runtime.reset()
    yield
    runtime.reset()


def test_equal_settings_built_apart_share_one_session_and_one_node() -> None:
    first = runtime.current().node(_settings(), "n1", "dn-1")
    again = runtime.current().node(_settings(url=URL + "/"), "n1")
    assert again is first
    assert again.resolver.client is again.client
    assert runtime.node_client(_settings(), "n1") is first.client
    assert runtime.session_for(_settings()) is first.client.session


def test_a_session_is_per_director_connection_and_a_node_per_pool_and_identifier() -> None:
    base = runtime.current().node(_settings(), "n1")
    other_pool = runtime.current().node(_settings(pool_uuid="pool-b"), "n1")
    explicit_pool = runtime.current().node(_settings(), "n1", pool_uuid="pool-b")
    other_node = runtime.current().node(_settings(), "n2")
    assert other_pool is explicit_pool
    assert len({id(base), id(other_pool), id(other_node)}) == 3
    assert other_pool.client.base == "/configapi/pool-b/n1"
    # Nodes of one Director share its pool of connections and its token, whatever their pool.
    assert base.client.session is other_pool.client.session is other_node.client.session

    sessions = {
        runtime.session_for(_settings(token=Secret("tok-two"))),
        runtime.session_for(_settings(refresh_secret="refresh-one")),
        runtime.session_for(_settings(url="https://other.test")),
        runtime.session_for(_settings(verify=False)),
        runtime.session_for(_settings(transport=httpx.MockTransport(_transport))),
    }
    assert len(sessions) == 5
    assert base.client.session not in sessions


def test_reset_closes_sessions_and_starts_over() -> None:
    before = runtime.current().node(_settings(), "n1")
    before.listings.put("Repo", {"id-1": {"id": "id-1"}})
    runtime.reset()
    assert before.client.session.transport.http.is_closed
    after = runtime.current().node(_settings(), "n1")
    assert after is not before
    assert after.client.session is not before.client.session
    assert after.listings.peek("Repo") is None


def test_threads_that_arrive_together_get_one_node() -> None:
    start = threading.Barrier(16)
    found: list[object] = []

    def get() -> None:
        start.wait(timeout=30)
        found.append(runtime.current().node(_settings(), "n1"))

    threads = [threading.Thread(target=get) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(found) == 16
    assert len({id(node) for node in found}) == 1


def test_the_runtime_never_shows_the_token() -> None:
    node = runtime.current().node(_settings(token="tok-SECRET-4411"), "n1")
    texts = [repr(node), repr(node.client.session), repr(node.client.session.auth), repr(node.client.session.transport)]
    assert not [text for text in texts if "tok-SECRET-4411" in text]
