"""Provider-level settings: read once per provider process from the stack config handed to ``configure``.

The token travels only this way (or through ``DIRECTOR_TOKEN`` in the environment), so it never enters
resource inputs, outputs or the pickled provider: it cannot land in Pulumi state.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from cac_director.director import ClientSettings
from cac_director.director.settings import TOKEN_ENV

NAMESPACE = "cac-director"
DEFAULT_THREADS = 32


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _float(value: str | None, default: float) -> float:
    if value is None or value == "":
        return default
    return float(json.loads(value)) if value.strip().startswith(("{", "[")) else float(value)


@dataclass(frozen=True)
class ProviderSettings:
    """What every provider method needs besides its resource's inputs."""

    token: Any = None
    refresh_secret: Any = None
    ca_bundle: str | None = None
    verify: bool = True
    order_timeout: float = 300.0
    request_timeout: float = 60.0
    outage_tolerance: float = 60.0
    """Seconds requests are retried through a Director outage (``outageTolerance``, docs/reliability.md)."""
    threads: int = DEFAULT_THREADS
    """Operations one provider process serves at once (``providerThreads``; the SDK alone serves 4)."""
    director_url: str | None = None
    """The fleet's Director address (``directorUrl``): explicit providers get it from the program."""
    pool_uuid: str | None = None
    """The fleet's pool (``poolUuid``): explicit providers get it from the program; never stack config."""

    @classmethod
    def from_config(cls, get: Any) -> ProviderSettings:
        """``get(key)`` returns the stack config value of ``cac-director:<key>`` or None (values are strings)."""
        return cls(
            # The environment wins, so a rotated DIRECTOR_TOKEN reaches providers recorded with an old one.
            token=os.environ.get(TOKEN_ENV) or get("token") or None,
            refresh_secret=get("refreshSecret") or None,
            ca_bundle=get("caBundle") or None,
            verify=not _bool(get("insecureSkipVerify"), False),
            order_timeout=_float(get("orderTimeout"), 300.0),
            request_timeout=_float(get("requestTimeout"), 60.0),
            outage_tolerance=_float(get("outageTolerance"), 60.0),
            threads=max(1, int(_float(get("providerThreads"), DEFAULT_THREADS))),
            director_url=get("directorUrl") or None,
            pool_uuid=get("poolUuid") or None,
        )

    def client_settings(self, url: str, pool_uuid: str) -> ClientSettings:
        return ClientSettings(
            url=url,
            token=self.token,
            pool_uuid=pool_uuid,
            ca_bundle=self.ca_bundle,
            verify=self.verify,
            read_timeout=self.request_timeout,
            order_deadline=self.order_timeout,
            refresh_secret=self.refresh_secret,
            max_concurrency=self.threads,
            outage_tolerance=self.outage_tolerance,
        )
