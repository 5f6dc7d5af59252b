"""The bearer token of one Director session and its refresh with the refresh secret.

Both values stay in ``Secret`` (they never show in reprs, logs or exception text); the only place they are
revealed is the header or body of the request that carries them.
"""

from __future__ import annotations

import logging
import threading
import time

import httpx

from cac_director.director.settings import Secret
from cac_director.errors import DirectorUnavailable

log = logging.getLogger("cac_director.director")

REFRESH_PATH = "/refreshToken"


class TokenAuth:
    """The token requests carry, refreshed at most once per stale token however many threads saw it refused."""

    def __init__(self, token: Secret, refresh_secret: Secret | None, *, url: str) -> None:
        self._token = token
        self._refresh_secret = refresh_secret
        self._url = url
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"TokenAuth(url={self._url!r}, token={self._token!r})"

    @property
    def can_refresh(self) -> bool:
        return bool(self._refresh_secret)

    def header(self) -> tuple[dict[str, str], Secret]:
        """The ``Authorization`` header, and the token it carries (to name it when it is refused)."""
        with self._lock:
            token = self._token
        return {"Authorization": f"Bearer {token.reveal()}"}, token

    def refresh(self, stale: Secret, http: httpx.Client) -> bool:
        """Exchange the refresh secret for a new token; True when a new token is available."""
        with self._lock:
            if self._token != stale:
                return True  # another thread refreshed while this request was in flight
            if not self._refresh_secret:
                return False
            started = time.monotonic()
            try:
                # Every call carries the bearer header (docs/director-api.md §3), this one too: a Director may
                # want the old token.
                response = http.post(
                    REFRESH_PATH,
                    json={"secretKey": self._refresh_secret.reveal()},
                    headers={"Authorization": f"Bearer {stale.reveal()}"},
                )
            except httpx.TransportError as exc:
                raise DirectorUnavailable(
                    f"refreshing the Director token at {self._url} failed: {type(exc).__name__}"
                ) from None
            log.info(
                "POST %s -> %s (%.3fs)",
                REFRESH_PATH,
                response.status_code,
                time.monotonic() - started,
                extra={"method": "POST", "path": REFRESH_PATH, "status": response.status_code},
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
