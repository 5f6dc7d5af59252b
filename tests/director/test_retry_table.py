"""The retry policy is one table (``retry.DECISIONS``): each row is read here and played against a Director
that fails that way, for an idempotent request and for a write."""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable

import httpx
import pytest

from cac_director.director.retry import DECISIONS, Decision, Failure, Verdict
from cac_director.director.session import AmbiguousWrite
from cac_director.errors import AuthenticationFailed, DirectorError, DirectorUnavailable, TLSFailed
from tests.director.conftest import BASE

PATH = f"{BASE}/Repos"
RETRIES = 2
RETRY_AFTER = 0.1


def _tls_untrusted(_request: httpx.Request) -> Exception:
    cause = ssl.SSLCertVerificationError(1, "certificate verify failed")
    cause.verify_message = "self-signed certificate"
    error = httpx.ConnectError("handshake")
    error.__cause__ = cause
    return error


def _tls_handshake(_request: httpx.Request) -> Exception:
    error = httpx.ConnectError("handshake")
    error.__cause__ = ssl.SSLError(1, "wrong version number")
    return error


def _status(code: int) -> Callable[[httpx.Request], httpx.Response]:
    return lambda _request: httpx.Response(
        code, json={"message": f"status {code}"}, headers={"Retry-After": str(RETRY_AFTER)}
    )


# One Director behaviour per kind of failure, and a phrase of the message that ends the request (tests/e2e and
# users rely on these texts).
SAMPLES: dict[Failure, tuple[Callable[[httpx.Request], httpx.Response | Exception], str]] = {
    Failure.TLS_UNTRUSTED: (_tls_untrusted, "TLS certificate is not trusted (self-signed certificate)"),
    Failure.TLS_HANDSHAKE: (_tls_handshake, "TLS handshake with the Director failed"),
    Failure.UNSENT: (
        lambda _r: httpx.ConnectError("refused"),
        f"cannot reach the Director at https://director.test after {RETRIES + 1} attempt(s)",
    ),
    Failure.DROPPED: (lambda _r: httpx.ReadTimeout("slow"), f"kept failing after {RETRIES + 1} attempt(s)"),
    Failure.TRANSPORT: (
        lambda _r: httpx.ProxyError("proxy"),
        "transport error talking to https://director.test (ProxyError)",
    ),
    Failure.UNAUTHORIZED: (_status(401), "refused the token (HTTP 401; no refresh secret configured)"),
    Failure.THROTTLED: (_status(429), f"answered HTTP 429 {RETRIES + 1} time(s)"),
    Failure.SERVER_ERROR: (_status(503), f"answered HTTP 503 {RETRIES + 1} time(s)"),
}


R, A, F, T = Verdict.RETRY, Verdict.AMBIGUOUS, Verdict.FAIL, Verdict.REFRESH
# docs/director-client.md "Retries": (idempotent request, POST create, Retry-After honoured).
DOCUMENTED = {
    Failure.TLS_UNTRUSTED: (F, F, False),
    Failure.TLS_HANDSHAKE: (F, F, False),
    Failure.UNSENT: (R, R, False),
    Failure.DROPPED: (R, A, False),
    Failure.TRANSPORT: (F, F, False),
    Failure.UNAUTHORIZED: (T, T, False),
    Failure.THROTTLED: (R, R, True),
    Failure.SERVER_ERROR: (R, A, True),
}


def test_the_table_has_one_row_per_kind_of_failure_as_documented() -> None:
    assert [d.failure for d in DECISIONS] == list(Failure)
    assert {d.failure: (d.idempotent, d.write, d.honours_retry_after) for d in DECISIONS} == DOCUMENTED
    assert set(SAMPLES) == set(Failure)


@pytest.mark.parametrize("idempotent", [True, False], ids=["idempotent", "write"])
@pytest.mark.parametrize("decision", DECISIONS, ids=lambda d: d.failure.name)
def test_each_row_decides_retries_wait_and_error(
    decision: Decision, idempotent: bool, director, make_client, monkeypatch
) -> None:
    monkeypatch.delenv("DIRECTOR_REFRESH_SECRET", raising=False)
    behaviour, phrase = SAMPLES[decision.failure]
    director.on("GET", PATH, behaviour)
    client = make_client(max_retries=RETRIES, outage_tolerance=600, retry_after_max=RETRY_AFTER)
    verdict = decision.idempotent if idempotent else decision.write

    started = time.monotonic()
    with pytest.raises(DirectorError) as raised:
        client.session.request("GET", PATH, idempotent=idempotent, what="listing repos")
    elapsed = time.monotonic() - started

    attempts = director.count("GET", PATH)
    if verdict is Verdict.AMBIGUOUS:
        assert type(raised.value) is AmbiguousWrite
        assert attempts == 1
        return
    assert type(raised.value) is decision.error
    assert str(raised.value).startswith("listing repos: ")
    assert phrase in str(raised.value)
    if verdict is Verdict.RETRY:
        assert attempts == RETRIES + 1
        if decision.honours_retry_after:
            # A lower bound only: a slow machine waits longer, never shorter.
            assert elapsed >= RETRIES * RETRY_AFTER * 0.9
    else:
        assert attempts == 1  # FAIL at once; REFRESH without a refresh secret has nothing to refresh with


def test_rows_that_end_a_request_name_errors_users_can_act_on() -> None:
    ends = {d.failure for d in DECISIONS if Verdict.FAIL in (d.idempotent, d.write)}
    assert ends == {Failure.TLS_UNTRUSTED, Failure.TLS_HANDSHAKE, Failure.TRANSPORT}
    # TLS failures are their own leaf of DirectorUnavailable: the connection check tells them from an address.
    assert {d.failure: d.error for d in DECISIONS if d.failure in ends} == {
        Failure.TLS_UNTRUSTED: TLSFailed,
        Failure.TLS_HANDSHAKE: TLSFailed,
        Failure.TRANSPORT: DirectorUnavailable,
    }
    assert next(d.error for d in DECISIONS if d.failure is Failure.UNAUTHORIZED) is AuthenticationFailed
