"""The Director's asynchronous orders: monitor URLs, terminal detection, and the polling schedule."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from typing import Any

from cac_director.errors import DirectorError


def monitor_path(message: object) -> str:
    """The monitor path of a write response's ``message``, without a leading slash.

    The wire sends ``monitorapi/...``; the docs show ``/monitorapi/...`` (docs/director-api.md §5.2): both are
    accepted, and an absolute URL on the same host too.
    """
    if not isinstance(message, str) or "monitorapi/" not in message:
        raise DirectorError(f"the Director's write response carries no order monitor path (message={message!r})")
    return message[message.index("monitorapi/") :]


def order_response(payload: object) -> dict[str, Any]:
    """``response`` of an order payload, ``{}`` when absent or not an object (pending)."""
    if isinstance(payload, dict):
        response = payload.get("response")
        if isinstance(response, dict):
            return response
    return {}


def is_terminal(payload: object) -> bool:
    """Terminal when ``response.success`` is a boolean or ``response.errors`` is a non-empty list (§5.3)."""
    response = order_response(payload)
    errors = response.get("errors")
    return isinstance(response.get("success"), bool) or (isinstance(errors, list) and len(errors) > 0)


def is_failed(payload: object) -> bool:
    """A terminal order failed when ``success`` is false, or errors are listed without ``success: true``."""
    response = order_response(payload)
    if response.get("success") is False:
        return True
    errors = response.get("errors")
    return response.get("success") is not True and isinstance(errors, list) and len(errors) > 0


def error_texts(errors: object) -> list[str]:
    """Readable texts of ``response.errors``: strings as they are, objects by ``message``/``error``."""
    if not isinstance(errors, list):
        return []
    texts: list[str] = []
    for item in errors:
        if isinstance(item, dict):
            text = item.get("message") or item.get("error") or item.get("msg")
            texts.append(str(text) if text else str(item))
        else:
            texts.append(str(item))
    return texts


def poll_intervals(initial: float, maximum: float, factor: float = 1.6) -> Iterator[float]:
    """Waits between order polls: small first (most orders finish fast), growing to ``maximum``."""
    wait = initial
    while True:
        yield wait
        wait = min(maximum, wait * factor)


class OrderPace:
    """How long this Director's orders usually take, so the first poll of a new order lands just after that.

    A fixed schedule (0.05 s growing by 1.6x) checks a 200 ms order at 0, 50, 130 and 258 ms: four requests
    and ~30% waited past completion. Orders of one Director take about the same time, so the first check waits
    a little less than the recent typical duration and the short schedule takes over from there: usually two
    requests, and ~0-50 ms past completion. Thread-safe; one per session.
    """

    def __init__(self, window: int = 32, lead: float = 0.9) -> None:
        self._recent: deque[float] = deque(maxlen=window)
        self._lead = lead
        self._lock = threading.Lock()

    def first_wait(self, maximum: float) -> float:
        """Seconds to wait before the first poll of a new order (0 until an order has been seen to finish)."""
        with self._lock:
            if not self._recent:
                return 0.0
            typical = sorted(self._recent)[len(self._recent) // 2]
        return min(maximum, typical * self._lead)

    def observed(self, seconds: float) -> None:
        """Record the time from submission until an order was seen terminal."""
        with self._lock:
            self._recent.append(seconds)
