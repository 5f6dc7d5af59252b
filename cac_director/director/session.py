"""``Session``: requests to one Director, made of its three parts: the token (``auth.py``), the retry
policy (``retry.py``, one decision table) and the HTTP transport (``transport.py``, pool, gate, TLS).

One session per Director connection per process, shared by every node client of that Director; the
runtime (``runtime.py``) keeps them.
"""

from __future__ import annotations

import logging
import random
import re
import time
from dataclasses import dataclass
from typing import Any

import httpx

from cac_director.director.auth import TokenAuth
from cac_director.director.orders import OrderPace
from cac_director.director.retry import Decision, RetryPolicy, Verdict, classify_error, classify_status, decision_for
from cac_director.director.settings import ClientSettings
from cac_director.director.transport import Transport
from cac_director.errors import (
    AuthenticationFailed,
    DirectorError,
    DirectorHTTPError,
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
        self.auth = TokenAuth(settings.token, settings.refresh_secret, url=settings.url)
        self.retry = RetryPolicy.of(settings)
        self.transport = Transport(settings)
        self.order_pace = OrderPace()
        self._rng = random.Random()  # noqa: S311 (jitter, not cryptography)

    def __repr__(self) -> str:
        return f"Session(url={self.settings.url!r})"

    def request(self, method: str, path: str, *, json: Any = None, idempotent: bool, what: str) -> Reply:
        """Send one logical request, following ``retry.DECISIONS`` after each failed attempt.

        ``idempotent`` requests (GET, PUT, DELETE, polls) are retried after any retryable failure.
        Non-idempotent ones (POST creates/actions) are retried only when the request surely did not
        take effect (connection never made, 429, 401 refreshed); otherwise ``AmbiguousWrite`` is raised
        so that the caller can look for the object before resending.
        """
        refreshed = False
        attempt = 0
        retry_until: float | None = None
        while True:
            headers, used_token = self.auth.header()
            started = time.monotonic()
            response: httpx.Response | None = None
            try:
                response = self.transport.send(method, path, json=json, headers=headers)
            except httpx.TransportError as exc:
                self._log(method, path, None, started, attempt, type(exc).__name__)
                failure, detail = classify_error(exc)
                cause: Exception = exc
            else:
                self._log(method, path, response.status_code, started, attempt, "")
                found = classify_status(response.status_code)
                if found is None:
                    return self._reply(response, what)
                failure, detail = found, str(response.status_code)
                cause = DirectorHTTPError(
                    f"HTTP {response.status_code}", status=response.status_code, body=_body_excerpt(response)
                )
            decision = decision_for(failure)
            verdict = decision.idempotent if idempotent else decision.write
            if verdict is Verdict.REFRESH:
                if not refreshed and self.auth.refresh(used_token, self.transport.http):
                    refreshed = True
                    continue
                detail = ", refresh failed" if self.auth.can_refresh else "; no refresh secret configured"
                raise self._error(decision, what, detail, attempt, response)
            if verdict is Verdict.AMBIGUOUS:
                raise AmbiguousWrite(f"{what}: {'HTTP ' if response is not None else ''}{detail}", cause=cause)
            if verdict is Verdict.FAIL:
                raise self._error(decision, what, detail, attempt, response)
            retry_until = retry_until or time.monotonic() + self.retry.outage_tolerance
            if not self.retry.may_retry(attempt, retry_until):
                raise self._error(decision, what, detail, attempt, response)
            retry_after = response.headers.get("Retry-After") if response is not None else None
            if not decision.honours_retry_after:
                retry_after = None
            time.sleep(self.retry.wait(attempt, retry_after, retry_until, self._rng))
            attempt += 1

    def _error(
        self, decision: Decision, what: str, detail: str, attempt: int, response: httpx.Response | None
    ) -> DirectorError:
        return decision.error(
            decision.message.format(
                what=what,
                url=self.settings.url,
                attempts=attempt + 1,
                tolerance=self.retry.tolerance_text,
                detail=detail,
                message=_director_message(response) if response is not None else "",
            )
        )

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
            return Reply(status, body)
        message = f"{what}: HTTP {status}: {_director_message(response)}"
        if status == 403:
            raise AuthenticationFailed(f"{what}: HTTP 403: the token may not do this ({_director_message(response)})")
        if status == 404:
            raise NotFound(message, status=status, body=response.text)
        if status in (400, 422):
            raise ValidationRefused(message, status=status, body=response.text)
        raise DirectorHTTPError(message, status=status, body=response.text)

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
        self.transport.close()
