"""The connection check: one read-only request, one message naming the setting to fix, never the token."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cac_director.director import ClientSettings, runtime
from cac_director.director.connection_check import CheckedOnce, ConnectionCheckFailed, check_connection
from cac_director.emulator import Emulator, EmulatorConfig, NodeSpec, PoolSpec
from tests.tls import REJECTED_BY_CLIENT, UNTRUSTED_REASON, ServerCertificate, handshakes_so_far, server_certificate

from .conftest import NODE, POOL, TOKEN

FAST = {"backoff_base": 0.005, "backoff_max": 0.05, "connect_timeout": 2.0, "read_timeout": 5.0}
POOLINFO = "GET /monitorapi/v1/director/poolinfo"


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


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> ServerCertificate:
    return server_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def tls_emu(certificate: ServerCertificate) -> Iterator[Emulator]:
    """The Director over HTTPS, its certificate signed by a CA of the test's own (no client trusts it by default)."""
    pools = [PoolSpec(uuid=POOL, name="p", nodes=[NodeSpec(identifier=NODE, name="dn1", ip="10.1.0.11")])]
    with Emulator.start(EmulatorConfig(pools=pools, token=TOKEN), tls=certificate.tls) as running:
        yield running


@pytest.fixture
def tls_fresh(tls_emu: Emulator) -> Iterator[Emulator]:
    tls_emu.reset_request_log()
    yield tls_emu
    runtime.reset()


def test_good_settings_pass_with_one_request(fresh: Any) -> None:
    check_connection(settings(fresh.url), {NODE: "dn1"})
    assert fresh.request_counts() == {POOLINFO: 1}


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


def test_untrusted_certificate_names_both_fixes_and_is_tried_once(
    tls_fresh: Emulator, certificate: ServerCertificate
) -> None:
    message = failure(settings(tls_fresh.url, max_retries=5, outage_tolerance=60))
    assert f"the Director's TLS certificate is not trusted ({UNTRUSTED_REASON})" in message
    assert "`cac-director:caBundle`" in message
    assert "`cac-director:insecureSkipVerify`" in message
    assert "handshake" not in message
    assert "attempt" not in message
    # One handshake, given up on the certificate, and no request: not retried.
    assert handshakes_so_far(tls_fresh, certificate) == {"completed": 0, "failed": {REJECTED_BY_CLIENT: 1}}
    assert tls_fresh.request_counts() == {}


def test_the_ca_bundle_makes_the_same_check_pass(tls_fresh: Emulator, certificate: ServerCertificate) -> None:
    check_connection(settings(tls_fresh.url, ca_bundle=str(certificate.ca_file)), {NODE: "dn1"})
    assert tls_fresh.request_counts() == {POOLINFO: 1}
    assert tls_fresh.tls_handshakes() == {"completed": 1, "failed": {}}


def test_skipping_verification_passes_too(tls_fresh: Emulator) -> None:
    check_connection(settings(tls_fresh.url, verify=False), {NODE: "dn1"})
    assert tls_fresh.request_counts() == {POOLINFO: 1}


def test_a_ca_bundle_that_holds_no_certificate_names_the_setting(tls_fresh: Emulator, tmp_path: Path) -> None:
    bogus = tmp_path / "ca.pem"
    bogus.write_text("not a certificate\n")
    message = failure(settings(tls_fresh.url, ca_bundle=str(bogus)))
    assert f"cannot load the CA file {bogus}" in message
    assert "`cac-director:caBundle`" in message
    assert tls_fresh.request_counts() == {}


def test_another_handshake_failure_is_not_called_the_certificate(fresh: Any) -> None:
    # HTTPS against the plain-HTTP emulator: the handshake fails on the server's answer, not on a certificate.
    message = failure(settings(fresh.url.replace("http://", "https://"), max_retries=5, outage_tolerance=60))
    assert "the TLS handshake with the Director failed" in message
    assert "not on its certificate" in message
    assert "cac-director:directorUrl" in message
    assert "not trusted" not in message
    assert "attempt" not in message
    assert fresh.request_counts() == {}


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
