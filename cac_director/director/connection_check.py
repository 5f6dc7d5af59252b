"""One read-only check of a Director connection before any object is touched: token, pool, nodes, TLS.

``GET /monitorapi/v1/director/poolinfo`` (LogPoint Director API documentation v2.7.0, p.104; see
docs/director-client.md) lists every pool of the API server with its LogPoints, so one request proves the
address is reachable, the certificate trusted, the token accepted, and the pool and nodes known. Each
failure becomes one message that names the setting to fix, instead of one error per resource.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from cac_director.director.runtime import session_for
from cac_director.director.settings import ClientSettings
from cac_director.errors import AuthenticationFailed, DirectorError, DirectorUnavailable, TLSFailed

POOLINFO_PATH = "/monitorapi/v1/director/poolinfo"
AUTH_FIX = (
    "set a valid token: `export DIRECTOR_TOKEN=<token>` (it wins when set) or "
    "`pulumi config set --secret cac-director:token <token>`"
)


class ConnectionCheckFailed(DirectorError):
    """The Director cannot be used with these settings; the message names the setting to fix."""

    def __init__(self, message: str, *, refused: bool = False) -> None:
        super().__init__(message)
        self.refused = refused
        """The Director refused the token (a rotated one may be accepted)."""


def _pools(body: Any) -> list[dict[str, Any]]:
    if isinstance(body, dict):
        body = body.get("data", body.get("pools", []))
    return [pool for pool in body if isinstance(pool, dict)] if isinstance(body, list) else []


RECORDED_PROVIDERS_FIX = (
    "if the new token is in the stack config and this stack was last applied before cac-director 0.3, "
    "run `pulumi up --run-program` once to hand it to the providers recorded in the stack"
)


def check_connection(
    settings: ClientSettings, nodes: Mapping[str, str] | None = None, *, recorded: bool = False
) -> None:
    """Raise ``ConnectionCheckFailed`` unless the Director answers and knows the pool and ``nodes`` (id -> name).

    ``recorded``: the settings come from a provider recorded in the stack (a refresh before the program runs),
    so a refused token may be an old one. The check reads only; it never retries a TLS failure (an untrusted
    certificate or a failed handshake: ``retry.DECISIONS`` stops at the first one).
    """
    url, pool = settings.url, settings.pool_uuid
    what = f"checking the connection to the Director at {url}"
    if not settings.token:
        raise ConnectionCheckFailed(f"{what}: no Director token; {AUTH_FIX}")
    try:
        body = session_for(settings).request("GET", POOLINFO_PATH, idempotent=True, what=what).body
    except AuthenticationFailed:
        refused = "the Director refused the token (HTTP 401/403)"
        fix = f"{AUTH_FIX}; {RECORDED_PROVIDERS_FIX}" if recorded else AUTH_FIX
        raise ConnectionCheckFailed(f"{what}: {refused}; {fix}", refused=True) from None
    except DirectorError as exc:
        # Unreachable (not an HTTP answer, not TLS, which names its own settings): the address is the likeliest
        # mistake.
        unreachable = isinstance(exc, DirectorUnavailable) and not isinstance(exc, TLSFailed) and "HTTP" not in str(exc)
        hint = "; check `cac-director:directorUrl` (or the fleet's `director.url`)" if unreachable else ""
        raise ConnectionCheckFailed(f"{exc}{hint}") from None
    pools = {str(p.get("pool_uuid") or p.get("uuid") or ""): p for p in _pools(body)}
    if not pool or pool not in pools:
        known = ", ".join(sorted(filter(None, pools))) or "none"
        raise ConnectionCheckFailed(
            f"{what}: pool '{pool}' does not exist on this Director (pools there: {known}); "
            "fix `director.poolUuid` in the fleet file, or `cac-director:directorUrl` if it is the wrong Director"
        )
    machines = pools[pool].get("machines") or []
    present = {str(m.get("identifier")) for m in machines if isinstance(m, dict)}
    missing = [f"{name} ({node_id})" for node_id, name in (nodes or {}).items() if node_id not in present]
    if missing:
        raise ConnectionCheckFailed(
            f"{what}: pool '{pool}' has no LogPoint {', '.join(missing)}; fix the node's `logpointId` in the fleet file"
        )


class CheckedOnce:
    """Remembers, per process, the outcome of the check of each (url, pool, token): later calls repeat it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._outcomes: dict[tuple[str, str, object], ConnectionCheckFailed | None] = {}
        self._reported: set[tuple[str, str, object]] = set()

    def ensure(self, settings: ClientSettings) -> None:
        key = (settings.url, settings.pool_uuid, settings.token)
        with self._lock:
            if key not in self._outcomes:
                try:
                    check_connection(settings, recorded=True)
                    self._outcomes[key] = None
                except ConnectionCheckFailed as exc:
                    self._outcomes[key] = exc
            failure = self._outcomes[key]
        if failure is not None:
            raise ConnectionCheckFailed(str(failure), refused=failure.refused)

    def first_report(self, settings: ClientSettings) -> bool:
        """True once per failed connection: the caller that gets it reports the failure, the others need not."""
        key = (settings.url, settings.pool_uuid, settings.token)
        with self._lock:
            if key in self._reported:
                return False
            self._reported.add(key)
            return True
