"""One HTTP session per Director: a shared httpx pool, the bearer token, retries and token refresh.

Sessions are cached at module level (the Pulumi provider process calls in from up to 4 worker threads
and must not open a pool per call). ``httpx.Client`` is thread-safe; the token and its refresh are
guarded by a lock; a semaphore caps requests in flight per Director.
"""

from __future__ import annotations

import logging
import random
import re
import ssl
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx

from cac_director.director.orders import OrderPace
from cac_director.director.retry import AMBIGUOUS_ERRORS, RETRY_STATUSES, UNSENT_ERRORS, retry_wait
from cac_director.director.settings import ClientSettings, Secret
from cac_director.errors import (
    AuthenticationFailed,
    DirectorError,
    DirectorHTTPError,
    DirectorUnavailable,
    NotFound,
    ValidationRefused,
)

log = logging.getLogger("cac_director.director")

_HEX_ID = re.compile(r"/[0-9a-f]{24}(?=/|$)|/[0-9a-f]{32}(?=/|$)|/[0-9a-f-]{36}(?=/|$)")


def templated(path: str) -> str:
    """The path with ids replaced by placeholders, for logs that group well and leak nothing."""
    return _HEX_ID.sub("/{id}", path)


class AmbiguousWrite(DirectorError):
    """A write failed in a way that leaves unknown whether the Director applied it (internal signal)."""

    def __init__(self, message: str, *, cause: Exception) -> None:
        self.cause = cause
        super().__init__(message)


@dataclass
class Reply:
    status: int
    body: Any
    text: str


def _stop_on_tls_failure(exc: BaseException, what: str) -> None:
    """Raise at once when the connection failed on TLS: a certificate problem does not go away by retrying."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            raise DirectorUnavailable(
                f"{what}: the Director's TLS certificate is not trusted ({cause.verify_message or cause.reason}): "
                "set `cac-director:caBundle` to the CA file that signed it (`insecureSkipVerify: true` only for tests)"
            ) from None
        if isinstance(cause, ssl.SSLError):
            raise DirectorUnavailable(
                f"{what}: the TLS handshake with the Director failed ({cause.reason or cause}): "
                "check `cac-director:caBundle`"
            ) from None
        cause = cause.__cause__ or cause.__context__


def _body_excerpt(response: httpx.Response) -> str:
    text = response.text[:300]
    return text.replace("\n", " ")


def _director_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return _body_excerpt(response)
    if isinstance(body, dict):
        for key in ("message", "error", "detail", "errors"):
            if body.get(key):
                return str(body[key])[:300]
    return _body_excerpt(response)


class Session:
    """HTTP to one Director with one token; shared by every node client of that Director."""

    def __init__(self, settings: ClientSettings) -> None:
        self.settings = settings
        self._token: Secret = settings.token
        self._refresh_secret: Secret | None = settings.refresh_secret
        self._token_lock = threading.Lock()
        self._gate = threading.BoundedSemaphore(max(1, settings.max_concurrency))
        self.order_pace = OrderPace()
        self._rng = random.Random()  # noqa: S311 (jitter, not cryptography)
        verify: bool | ssl.SSLContext = settings.verify
        if settings.verify and settings.ca_bundle:
            verify = ssl.create_default_context(cafile=settings.ca_bundle)
        self.http = httpx.Client(
            base_url=settings.url,
            verify=verify,
            timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
            # Keep as many connections alive as requests may be in flight: with TLS, a connection closed after
            # each burst is a handshake on the next one.
            limits=httpx.Limits(
                max_connections=max(4, settings.max_concurrency * 2),
                max_keepalive_connections=max(4, settings.max_concurrency),
            ),
            headers={"Accept": "application/json"},
            transport=settings.transport,
        )

    def __repr__(self) -> str:
        return f"Session(url={self.settings.url!r})"

    # -- token ---------------------------------------------------------------------------------------

    def _auth_header(self) -> tuple[dict[str, str], Secret]:
        with self._token_lock:
            token = self._token
        return {"Authorization": f"Bearer {token.reveal()}"}, token

    def _refresh(self, stale: Secret) -> bool:
        """Exchange the refresh secret for a new token; True when a new token is available."""
        with self._token_lock:
            if self._token != stale:
                return True  # another thread refreshed while this request was in flight
            if not self._refresh_secret:
                return False
            started = time.monotonic()
            try:
                # Every call carries the bearer header (§3), this one too: a Director may want the old token.
                response = self.http.post(
                    "/refreshToken",
                    json={"secretKey": self._refresh_secret.reveal()},
                    headers={"Authorization": f"Bearer {stale.reveal()}"},
                )
            except httpx.TransportError as exc:
                raise DirectorUnavailable(
                    f"refreshing the Director token at {self.settings.url} failed: {type(exc).__name__}"
                ) from None
            log.info(
                "POST /refreshToken -> %s (%.3fs)",
                response.status_code,
                time.monotonic() - started,
                extra={"method": "POST", "path": "/refreshToken", "status": response.status_code},
            )
            if response.status_code != 200:
                return False
            try:
                details = response.json().get("tokenDetails") or {}
            except (ValueError, AttributeError):
                return False
            new_token = details.get("token")
            if not new_token:
                return False
            self._token = Secret(str(new_token))
            if details.get("secretKey"):
                self._refresh_secret = Secret(str(details["secretKey"]))
            return True

    # -- requests ------------------------------------------------------------------------------------

    def request(self, method: str, path: str, *, json: Any = None, idempotent: bool, what: str) -> Reply:
        """Send one logical request with retries.

        ``idempotent`` requests (GET, PUT, DELETE, polls) are retried after any retryable failure.
        Non-idempotent ones (POST creates/actions) are retried only when the request surely did not
        take effect (connection never made, 429, 401 refreshed); otherwise ``AmbiguousWrite`` is raised
        so that the caller can look for the object before resending.
        """
        s = self.settings
        refreshed = False
        attempt = 0
        retry_until: float | None = None
        while True:
            headers, used_token = self._auth_header()
            started = time.monotonic()
            try:
                with self._gate:
                    response = self.http.request(method, path, json=json, headers=headers)
            except UNSENT_ERRORS as exc:
                self._log(method, path, None, started, attempt, type(exc).__name__)
                _stop_on_tls_failure(exc, what)
                retry_until = retry_until or time.monotonic() + s.outage_tolerance
                if not self._may_retry(attempt, retry_until):
                    raise DirectorUnavailable(
                        f"{what}: cannot reach the Director at {s.url} after {attempt + 1} attempt(s) "
                        f"in {self._tolerance_text()} ({type(exc).__name__})"
                    ) from None
                self._sleep(attempt, None, retry_until)
                attempt += 1
                continue
            except AMBIGUOUS_ERRORS as exc:
                self._log(method, path, None, started, attempt, type(exc).__name__)
                if not idempotent:
                    raise AmbiguousWrite(f"{what}: {type(exc).__name__}", cause=exc) from None
                retry_until = retry_until or time.monotonic() + s.outage_tolerance
                if not self._may_retry(attempt, retry_until):
                    raise DirectorUnavailable(
                        f"{what}: the Director at {s.url} kept failing after {attempt + 1} attempt(s) "
                        f"in {self._tolerance_text()} ({type(exc).__name__})"
                    ) from None
                self._sleep(attempt, None, retry_until)
                attempt += 1
                continue
            except httpx.TransportError as exc:
                raise DirectorUnavailable(
                    f"{what}: transport error talking to {s.url} ({type(exc).__name__})"
                ) from None
            status = response.status_code
            self._log(method, path, status, started, attempt, "")
            if status == 401:
                if not refreshed and self._refresh(used_token):
                    refreshed = True
                    continue
                raise AuthenticationFailed(
                    f"{what}: the Director refused the token (HTTP 401"
                    + (", refresh failed)" if self._refresh_secret else "; no refresh secret configured)")
                    + ". Generate a new token in the Director console (Profile > Generate Token)."
                )
            if status in RETRY_STATUSES:
                # 429 means "not processed"; a 5xx on a write might have been applied.
                if not idempotent and status != 429:
                    raise AmbiguousWrite(
                        f"{what}: HTTP {status}",
                        cause=DirectorHTTPError(f"HTTP {status}", status=status, body=_body_excerpt(response)),
                    )
                retry_until = retry_until or time.monotonic() + s.outage_tolerance
                if not self._may_retry(attempt, retry_until):
                    raise DirectorUnavailable(
                        f"{what}: the Director answered HTTP {status} {attempt + 1} time(s) "
                        f"in {self._tolerance_text()}: {_director_message(response)}"
                    )
                self._sleep(attempt, response.headers.get("Retry-After"), retry_until)
                attempt += 1
                continue
            return self._reply(response, what)

    def _reply(self, response: httpx.Response, what: str) -> Reply:
        status = response.status_code
        if 200 <= status < 300:
            try:
                body = response.json() if response.content else None
            except ValueError:
                raise DirectorHTTPError(
                    f"{what}: the Director answered HTTP {status} with a body that is not JSON: "
                    f"{_body_excerpt(response)}",
                    status=status,
                    body=response.text,
                ) from None
            return Reply(status, body, response.text)
        message = f"{what}: HTTP {status}: {_director_message(response)}"
        if status == 403:
            raise AuthenticationFailed(f"{what}: HTTP 403: the token may not do this ({_director_message(response)})")
        if status == 404:
            raise NotFound(message, status=status, body=response.text)
        if status in (400, 422):
            raise ValidationRefused(message, status=status, body=response.text)
        raise DirectorHTTPError(message, status=status, body=response.text)

    def _may_retry(self, attempt: int, retry_until: float) -> bool:
        """Retries end at ``max_retries`` or when the outage outlasts ``outage_tolerance``, whichever is first."""
        return attempt < self.settings.max_retries and time.monotonic() < retry_until

    def _tolerance_text(self) -> str:
        return f"up to {self.settings.outage_tolerance:g}s (cac-director:outageTolerance)"

    def _sleep(self, attempt: int, retry_after: str | None, retry_until: float) -> None:
        s = self.settings
        wait = retry_wait(
            attempt,
            base=s.backoff_base,
            cap=s.backoff_max,
            retry_after=retry_after,
            retry_after_max=s.retry_after_max,
            rng=self._rng,
        )
        # The last retry lands at the end of the tolerance rather than after it.
        time.sleep(max(0.0, min(wait, retry_until - time.monotonic())))

    def _log(self, method: str, path: str, status: int | None, started: float, attempt: int, error: str) -> None:  # noqa: PLR0917
        elapsed = time.monotonic() - started
        shape = templated(path)
        log.debug(
            "%s %s -> %s (%.3fs, attempt %d)",
            method,
            shape,
            status if status is not None else error,
            elapsed,
            attempt + 1,
            extra={"method": method, "path": shape, "status": status, "elapsed": elapsed, "attempt": attempt + 1},
        )

    def close(self) -> None:
        self.http.close()


_sessions: dict[tuple[object, ...], Session] = {}
_sessions_lock = threading.Lock()


def session_for(settings: ClientSettings) -> Session:
    """The shared session of ``settings`` (one httpx pool per Director URL, token and TLS options)."""
    key = (settings, id(settings.transport))
    with _sessions_lock:
        session = _sessions.get(key)
        if session is None:
            session = _sessions[key] = Session(settings)
        return session


def close_all() -> None:
    """Close every cached session (tests, end of a CLI command)."""
    with _sessions_lock:
        for session in _sessions.values():
            session.close()
        _sessions.clear()
