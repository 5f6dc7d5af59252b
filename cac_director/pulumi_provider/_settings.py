"""Provider-level settings: read once per provider process from the stack config handed to ``configure``.

The token travels only this way (or through ``DIRECTOR_TOKEN`` in the environment), so it never enters
resource inputs, outputs or the pickled provider: it cannot land in Pulumi state.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from cac_director.director import ClientSettings
from cac_director.director.settings import TOKEN_ENV, Secret
from cac_director.errors import ConfigError
from cac_director.pulumi_provider.stack_settings import NAMESPACE, read_stack_settings

__all__ = ["DEFAULT_THREADS", "NAMESPACE", "ProviderSettings"]

DEFAULT_THREADS = 32


def _secret(value: str | None) -> Secret | None:
    return Secret(value) if value else None


@dataclass(frozen=True)
class ProviderSettings:
    """What every provider method needs besides its resource's inputs."""

    token: Secret | None = None
    """None: ``DIRECTOR_TOKEN`` from the environment (read by ``ClientSettings``)."""
    refresh_secret: Secret | None = None
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
    stack: str | None = None
    """The stack's name (``stack``): explicit providers get it from the program, to find a rotated token."""

    @classmethod
    def from_config(cls, get: Any) -> ProviderSettings:
        """``get(key)`` returns the stack config value of ``cac-director:<key>`` or None (values are strings).

        Raises ``ConfigError`` with one line per bad value (the program checks the same first: stack_settings).
        """
        checked, problems = read_stack_settings(get)
        if problems:
            raise ConfigError("\n".join(problem.render() for problem in problems))
        return cls(
            # The environment wins, so a rotated DIRECTOR_TOKEN reaches providers recorded with an old one.
            token=_secret(os.environ.get(TOKEN_ENV) or checked.token),
            refresh_secret=_secret(checked.refresh_secret),
            ca_bundle=checked.ca_bundle,
            verify=not checked.insecure_skip_verify,
            order_timeout=checked.order_timeout,
            request_timeout=checked.request_timeout,
            outage_tolerance=checked.outage_tolerance,
            threads=checked.provider_threads,
            director_url=checked.director_url,
            pool_uuid=get("poolUuid") or None,
            stack=get("stack") or None,
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
