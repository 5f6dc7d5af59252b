"""Connection settings of a Director client, and the token wrapper that keeps the token out of text."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import httpx

TOKEN_ENV = "DIRECTOR_TOKEN"  # noqa: S105 (a variable name, not a secret)
REFRESH_SECRET_ENV = "DIRECTOR_REFRESH_SECRET"  # noqa: S105


class Secret:
    """A string that never shows itself in ``str``/``repr``/f-strings; ``reveal()`` is the only way out."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')" if self._value else "Secret('')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> Any:
        # The provider process may pickle settings; it gets the value back, never a printable form.
        return (Secret, (self._value,))


def as_secret(value: object) -> Secret:
    """Accept ``Secret``, pydantic ``SecretStr`` (anything with ``get_secret_value``), ``str`` or ``None``."""
    if isinstance(value, Secret):
        return value
    if value is None:
        return Secret("")
    getter = getattr(value, "get_secret_value", None)
    if callable(getter):
        return Secret(str(getter()))
    return Secret(str(value))


@dataclass(frozen=True)
class ClientSettings:
    """How to reach one Director. Clients built from equal settings share one connection pool."""

    url: str
    token: Any = None
    """Token (str, ``Secret`` or pydantic ``SecretStr``); ``None`` reads ``DIRECTOR_TOKEN``."""
    pool_uuid: str = ""
    ca_bundle: str | None = None
    verify: bool = True
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    order_deadline: float = 300.0
    """Seconds an order may take before ``OrderTimeout``."""
    refresh_secret: Any = None
    """``secretKey`` for ``POST /refreshToken``; ``None`` reads ``DIRECTOR_REFRESH_SECRET`` (may be unset)."""
    max_retries: int = 50
    """Most retries of one request; ``outage_tolerance`` is normally the bound that ends them first."""
    outage_tolerance: float = 60.0
    """Seconds a request keeps being retried after its first failure (a Director restart takes ~30-60 s)."""
    backoff_base: float = 0.2
    backoff_max: float = 10.0
    retry_after_max: float = 60.0
    """Longest ``Retry-After`` honoured; longer asks are capped so one node cannot stall an apply."""
    poll_initial: float = 0.05
    poll_max: float = 2.0
    list_lag_timeout: float = 15.0
    """How long a created object may stay missing from the list before the create is declared failed."""
    write_check_window: float = 3.0
    """After an ambiguous write failure, how long to look for the object by name before re-sending."""
    max_concurrency: int = 4
    """Requests in flight per Director from this process (providers set it to their ``providerThreads``)."""
    transport: httpx.BaseTransport | None = field(default=None, compare=False, repr=False)
    """Tests only: a custom httpx transport."""

    def __post_init__(self) -> None:
        token = self.token if self.token is not None else os.environ.get(TOKEN_ENV, "")
        secret = self.refresh_secret if self.refresh_secret is not None else os.environ.get(REFRESH_SECRET_ENV)
        object.__setattr__(self, "token", as_secret(token))
        object.__setattr__(self, "refresh_secret", as_secret(secret) if secret else None)
        object.__setattr__(self, "url", self.url.rstrip("/"))
