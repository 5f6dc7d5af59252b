"""Retry policy: which failures are retried, how long to wait, and which failures leave a write ambiguous.

``DECISIONS`` is the whole policy as one table (docs/director-client.md "Retries" prints it for readers):
one row per kind of failed attempt, saying what happens to an idempotent request and to a write, whether
the server's ``Retry-After`` sets the wait, and which error ends the request. ``Session.request`` only
classifies each attempt and follows its row.
"""

from __future__ import annotations

import email.utils
import random
import ssl
import time
from dataclasses import dataclass
from enum import Enum

import httpx

from cac_director.director.settings import ClientSettings
from cac_director.errors import AuthenticationFailed, DirectorError, DirectorUnavailable, TLSFailed

THROTTLED_STATUS = 429
SERVER_ERROR_STATUSES = frozenset({500, 502, 503, 504})
UNAUTHORIZED_STATUS = 401

# The request never reached the server: safe to resend anything, writes included.
UNSENT_ERRORS: tuple[type[Exception], ...] = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# The request may have been processed before the failure: a write must be checked before it is resent.
AMBIGUOUS_ERRORS: tuple[type[Exception], ...] = (
    httpx.ReadTimeout,
    httpx.WriteTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
)


def backoff_delay(attempt: int, *, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Exponential backoff with "equal jitter": half fixed, half random, so waits grow but never collapse to 0.

    ``attempt`` counts from 0 (the wait before the first retry).
    """
    ceiling = min(cap, base * (2**attempt))
    draw: float = (rng or random).random()
    return float(ceiling / 2 + draw * ceiling / 2)


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date); None if absent/unparsable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def retry_wait(
    attempt: int,
    *,
    base: float,
    cap: float,
    retry_after: str | None,
    retry_after_max: float,
    rng: random.Random | None = None,
) -> float:
    """The wait before retry ``attempt``: the server's ``Retry-After`` when given (capped), else backoff."""
    asked = parse_retry_after(retry_after)
    if asked is not None:
        return min(asked, retry_after_max)
    return backoff_delay(attempt, base=base, cap=cap, rng=rng)


class Failure(Enum):
    """What went wrong with one attempt of a request."""

    TLS_UNTRUSTED = "the server's certificate is not trusted"
    TLS_HANDSHAKE = "the TLS handshake failed"
    UNSENT = "never sent: connect error, connect timeout, pool timeout"
    DROPPED = "sent, then no answer: read/write timeout, dropped connection, protocol error"
    TRANSPORT = "any other transport error"
    UNAUTHORIZED = "HTTP 401"
    THROTTLED = "HTTP 429"
    SERVER_ERROR = "HTTP 500/502/503/504"


class Verdict(Enum):
    """What the session does after a failed attempt."""

    RETRY = "wait, then send again (until max_retries or outage_tolerance ends it)"
    REFRESH = "refresh the token once and send again at once; refused again: the row's error"
    AMBIGUOUS = "stop with AmbiguousWrite: the write may have been applied, the caller checks before resending"
    FAIL = "stop at once with the row's error"


@dataclass(frozen=True)
class Decision:
    """One row of the table. ``message`` is completed with ``what``, ``url``, ``attempts``, ``tolerance``,
    ``detail`` (the error's name, the status, the TLS reason, the refresh outcome) and the Director's
    ``message``; ``error`` is raised with it when the request ends without a reply."""

    failure: Failure
    idempotent: Verdict
    """Reads, polls, fetch orders, PUT, DELETE, activate/deactivate."""
    write: Verdict
    """POST creates: retried only when the request surely did not take effect."""
    honours_retry_after: bool
    error: type[DirectorError]
    message: str


_TOLERANCE = "after {attempts} attempt(s) in {tolerance}"
DECISIONS: tuple[Decision, ...] = (
    Decision(
        Failure.TLS_UNTRUSTED,
        Verdict.FAIL,
        Verdict.FAIL,
        False,
        TLSFailed,
        "{what}: the Director's TLS certificate is not trusted ({detail}); set `cac-director:caBundle` to the "
        "file of the CA that signed it, or `cac-director:insecureSkipVerify` to true (tests only: then nothing "
        "is verified)",
    ),
    Decision(
        Failure.TLS_HANDSHAKE,
        Verdict.FAIL,
        Verdict.FAIL,
        False,
        TLSFailed,
        # Not the certificate (that is the row above): most often an https address on a port that is not TLS.
        "{what}: the TLS handshake with the Director failed ({detail}), not on its certificate; check that "
        "`cac-director:directorUrl` (or the fleet's `director.url`) is the Director's HTTPS address and port",
    ),
    Decision(
        Failure.UNSENT,
        Verdict.RETRY,
        Verdict.RETRY,
        False,
        DirectorUnavailable,
        "{what}: cannot reach the Director at {url} " + _TOLERANCE + " ({detail})",
    ),
    Decision(
        Failure.DROPPED,
        Verdict.RETRY,
        Verdict.AMBIGUOUS,
        False,
        DirectorUnavailable,
        "{what}: the Director at {url} kept failing " + _TOLERANCE + " ({detail})",
    ),
    Decision(
        Failure.TRANSPORT,
        Verdict.FAIL,
        Verdict.FAIL,
        False,
        DirectorUnavailable,
        "{what}: transport error talking to {url} ({detail})",
    ),
    Decision(
        Failure.UNAUTHORIZED,
        Verdict.REFRESH,
        Verdict.REFRESH,
        False,
        AuthenticationFailed,
        "{what}: the Director refused the token (HTTP 401{detail}). "
        "Generate a new token in the Director console (Profile > Generate Token).",
    ),
    Decision(
        Failure.THROTTLED,
        Verdict.RETRY,
        Verdict.RETRY,  # 429 means "not processed"
        True,
        DirectorUnavailable,
        "{what}: the Director answered HTTP {detail} {attempts} time(s) in {tolerance}: {message}",
    ),
    Decision(
        Failure.SERVER_ERROR,
        Verdict.RETRY,
        Verdict.AMBIGUOUS,  # a 5xx can follow a commit
        True,
        DirectorUnavailable,
        "{what}: the Director answered HTTP {detail} {attempts} time(s) in {tolerance}: {message}",
    ),
)
_BY_FAILURE = {decision.failure: decision for decision in DECISIONS}


def decision_for(failure: Failure) -> Decision:
    return _BY_FAILURE[failure]


def classify_error(exc: httpx.TransportError) -> tuple[Failure, str]:
    """The failure an exception raised by httpx stands for, and its detail for messages."""
    if isinstance(exc, UNSENT_ERRORS):
        # A connection that failed on TLS: a certificate problem does not go away by retrying. (Only here: a
        # TLS error on an established connection, such as an unexpected EOF, is a dropped connection.)
        cause: BaseException | None = exc
        while cause is not None:
            if isinstance(cause, ssl.SSLCertVerificationError):
                return Failure.TLS_UNTRUSTED, str(cause.verify_message or getattr(cause, "reason", None) or cause)
            if isinstance(cause, ssl.SSLError):
                return Failure.TLS_HANDSHAKE, str(getattr(cause, "reason", None) or cause)
            cause = cause.__cause__ or cause.__context__
        return Failure.UNSENT, type(exc).__name__
    if isinstance(exc, AMBIGUOUS_ERRORS):
        return Failure.DROPPED, type(exc).__name__
    return Failure.TRANSPORT, type(exc).__name__


def classify_status(status: int) -> Failure | None:
    """The failure an HTTP status stands for; None when the status is an answer (success or a typed refusal)."""
    if status == UNAUTHORIZED_STATUS:
        return Failure.UNAUTHORIZED
    if status == THROTTLED_STATUS:
        return Failure.THROTTLED
    if status in SERVER_ERROR_STATUSES:
        return Failure.SERVER_ERROR
    return None


@dataclass(frozen=True)
class RetryPolicy:
    """How long and how often a session retries (from ``ClientSettings``)."""

    max_retries: int
    outage_tolerance: float
    backoff_base: float
    backoff_max: float
    retry_after_max: float

    @classmethod
    def of(cls, settings: ClientSettings) -> RetryPolicy:
        return cls(
            max_retries=settings.max_retries,
            outage_tolerance=settings.outage_tolerance,
            backoff_base=settings.backoff_base,
            backoff_max=settings.backoff_max,
            retry_after_max=settings.retry_after_max,
        )

    @property
    def tolerance_text(self) -> str:
        return f"up to {self.outage_tolerance:g}s (cac-director:outageTolerance)"

    def may_retry(self, attempt: int, retry_until: float) -> bool:
        """Retries end at ``max_retries`` or when the outage outlasts ``outage_tolerance``, whichever is first."""
        return attempt < self.max_retries and time.monotonic() < retry_until

    def wait(self, attempt: int, retry_after: str | None, retry_until: float, rng: random.Random) -> float:
        """Seconds to sleep before retry ``attempt``: the last retry lands at the end of the tolerance."""
        wait = retry_wait(
            attempt,
            base=self.backoff_base,
            cap=self.backoff_max,
            retry_after=retry_after,
            retry_after_max=self.retry_after_max,
            rng=rng,
        )
        return max(0.0, min(wait, retry_until - time.monotonic()))
