"""Retry policy: which failures are retried, how long to wait, and which failures leave a write ambiguous."""

from __future__ import annotations

import email.utils
import random
import time

import httpx

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

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
