"""The connection check: one read-only request, one message naming the setting to fix, never the token."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from cac_director.director import ClientSettings
from cac_director.director.connection_check import CheckedOnce, ConnectionCheckFailed, check_connection

from .conftest import NODE, POOL, TOKEN

FAST = {"backoff_base": 0.005, "backoff_max": 0.05, "connect_timeout": 2.0, "read_timeout": 5.0}


def settings(url: str, **overrides: Any) -> ClientSettings:
    return ClientSettings(**{"url": url, "token": TOKEN, "pool_uuid": POOL, **FAST, **overrides})


def failure(s: ClientSettings, nodes: dict[str, str] | None = None) -> str:
    with pytest.raises(ConnectionCheckFailed) as caught:
        check_connection(s, nodes)
    return str(caught.value)


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port that is bound but not listening: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def test_good_settings_pass_with_one_request(fresh: Any) -> None:
    check_connection(settings(fresh.url), {NODE: "dn1"})
    assert fresh.request_counts() == {"GET /monitorapi/v1/director/poolinfo": 1}


def test_wrong_token_names_both_ways_to_set_it(fresh: Any) -> None:
    message = failure(settings(fresh.url, token="not-the-token"))
    assert "refused the token" in message
    assert "DIRECTOR_TOKEN" in message
    assert "cac-director:token" in message
    assert "not-the-token" not in message


def test_unknown_pool_and_node_name_the_fleet_fields(fresh: Any) -> None:
    assert "poolUuid" in failure(settings(fresh.url, pool_uuid="f" * 32))
    message = failure(settings(fresh.url), {NODE: "dn1", "e" * 32: "dn-missing"})
    assert "dn-missing" in message
    assert "logpointId" in message
    assert "dn1" not in message


def test_unreachable_director_names_the_url_setting(closed_port: int) -> None:
    message = failure(settings(f"http://127.0.0.1:{closed_port}", max_retries=1))
    assert "cannot reach" in message
    assert "cac-director:directorUrl" in message


def test_tls_failure_is_not_retried_and_says_so(fresh: Any) -> None:
    # HTTPS against the plain-HTTP emulator: the handshake fails; the transport stops at the first attempt.
    message = failure(settings(fresh.url.replace("http://", "https://"), max_retries=5))
    assert "TLS" in message
    assert "caBundle" in message
    assert "attempt" not in message


def test_checked_once_per_process_and_reported_once(fresh: Any) -> None:
    checks = CheckedOnce()
    wrong = settings(fresh.url, token="not-the-token")
    for _ in range(3):
        with pytest.raises(ConnectionCheckFailed, match="pulumi up --run-program") as caught:
            checks.ensure(wrong)
        # A refusal stays one when repeated: a provider recorded with an old token then asks for the current one.
        assert caught.value.refused
    assert fresh.request_counts() == {"GET /monitorapi/v1/director/poolinfo": 1}
    assert [checks.first_report(wrong) for _ in range(3)] == [True, False, False]


def test_only_a_refused_token_counts_as_a_refusal(fresh: Any, closed_port: int) -> None:
    checks = CheckedOnce()
    with pytest.raises(ConnectionCheckFailed) as unknown_pool:
        checks.ensure(settings(fresh.url, pool_uuid="f" * 32))
    with pytest.raises(ConnectionCheckFailed) as unreachable:
        checks.ensure(settings(f"http://127.0.0.1:{closed_port}", max_retries=0))
    assert not unknown_pool.value.refused
    assert not unreachable.value.refused
