"""Injected faults: latency, 5xx/429 answers, dropped connections, failing or stuck orders, lagging lists.

Every random decision draws from one ``random.Random(seed)`` under a lock, so the same sequence of
requests meets the same faults (reproducible runs); ``set(seed=...)`` restarts the sequence.
"""

from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class FaultSettings:
    latency: float = 0.0
    """Seconds added to every Director request."""
    error_rate: float = 0.0
    """Probability that a Director request is answered ``error_status`` instead of being served."""
    error_status: int = 503
    retry_after: float | None = None
    """Seconds for the ``Retry-After`` header (always sent with 429; with other statuses when set)."""
    drop_rate: float = 0.0
    """Probability that the connection is closed without any answer."""
    fail_orders: float = 0.0
    """Probability (True = 1.0) that an order finishes with success=false."""
    stuck_orders: float = 0.0
    """Probability (True = 1.0) that an order never finishes."""
    list_lag: float = 0.0
    """Seconds a GET list keeps returning the state from before a completed change."""
    order_error_style: str = "string"
    """How injected order failures list their errors: ``string`` or ``object`` ({"message": ...})."""


FIELDS = tuple(FaultSettings.__dataclass_fields__)


class Faults:
    def __init__(self, seed: int = 0) -> None:
        self.settings = FaultSettings()
        self._seed = seed
        self._rng = random.Random(seed)  # noqa: S311 - reproducible faults, not security
        self._lock = threading.Lock()

    def set(self, **changes: Any) -> FaultSettings:
        with self._lock:
            if "seed" in changes:
                self._seed = int(changes.pop("seed"))
                self._rng = random.Random(self._seed)  # noqa: S311 - reproducible faults, not security
            unknown = set(changes) - set(FIELDS)
            if unknown:
                raise ValueError(f"unknown fault setting(s): {', '.join(sorted(unknown))}; known: {', '.join(FIELDS)}")
            current = asdict(self.settings)
            for key, value in changes.items():
                current[key] = _coerce(key, value)
            self.settings = FaultSettings(**current)
            return self.settings

    def clear(self) -> None:
        with self._lock:
            self.settings = FaultSettings()
            self._rng = random.Random(self._seed)  # noqa: S311 - reproducible faults, not security

    def _roll(self, probability: float) -> bool:
        if probability <= 0:
            return False
        if probability >= 1:
            return True
        with self._lock:
            return self._rng.random() < probability

    # -- per request
    @property
    def latency(self) -> float:
        return self.settings.latency

    @property
    def list_lag(self) -> float:
        return self.settings.list_lag

    def should_drop(self) -> bool:
        return self._roll(self.settings.drop_rate)

    def error_answer(self) -> tuple[int, dict[str, str]] | None:
        s = self.settings
        if not self._roll(s.error_rate):
            return None
        headers: dict[str, str] = {}
        if s.error_status == 429 or s.retry_after is not None:
            headers["retry-after"] = _retry_after_text(s.retry_after if s.retry_after is not None else 1)
        return s.error_status, headers

    # -- per order
    def order_fate(self) -> tuple[bool, bool]:
        """(fails, stuck) for a new order."""
        return self._roll(self.settings.fail_orders), self._roll(self.settings.stuck_orders)

    def failed_result(self) -> dict[str, Any]:
        text = "Injected order failure"
        error: Any = {"message": text} if self.settings.order_error_style == "object" else text
        return {"success": False, "errors": [error], "message": text}


def _retry_after_text(seconds: float) -> str:
    return str(max(0, round(seconds)))


def _coerce(key: str, value: Any) -> Any:
    if key in ("fail_orders", "stuck_orders"):
        return 1.0 if value is True else 0.0 if value is False else float(value)
    if key == "error_status":
        status = int(value)
        if not 400 <= status <= 599:
            raise ValueError("error_status must be an HTTP error status (400-599)")
        return status
    if key == "retry_after":
        return None if value is None else float(value)
    if key == "order_error_style":
        if value not in ("string", "object"):
            raise ValueError("order_error_style must be 'string' or 'object'")
        return value
    number = float(value)
    if key.endswith("_rate") and not 0 <= number <= 1:
        raise ValueError(f"{key} must be between 0 and 1")
    if number < 0:
        raise ValueError(f"{key} must not be negative")
    return number
