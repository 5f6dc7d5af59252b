"""The HTTP side of a Director session: one httpx pool per Director, TLS, and the gate on requests in flight.

A provider process serves up to ``providerThreads`` operations at once (32 by default: ``_workers.py``
widens the SDK's 4 worker threads, docs/pulumi-sdk-notes.md §6), and they must not open a pool per call:
the runtime (``runtime.py``) keeps one ``Transport`` per session. ``httpx.Client`` is thread-safe; a
semaphore caps requests in flight per Director at ``max_concurrency``.
"""

from __future__ import annotations

import ssl
import threading
from typing import Any

import httpx

from cac_director.director.settings import ClientSettings
from cac_director.errors import TLSFailed


class Transport:
    """An httpx client for one Director (base URL, TLS, timeouts, keep-alive pool) behind a request gate."""

    def __init__(self, settings: ClientSettings) -> None:
        self.url = settings.url
        self._gate = threading.BoundedSemaphore(max(1, settings.max_concurrency))
        verify: bool | ssl.SSLContext = settings.verify
        if settings.verify and settings.ca_bundle:
            verify = _trusting(settings.ca_bundle)
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
        return f"Transport(url={self.url!r})"

    def send(self, method: str, path: str, *, json: Any, headers: dict[str, str]) -> httpx.Response:
        """One attempt, waiting for a free slot of the gate first; httpx errors propagate."""
        with self._gate:
            return self.http.request(method, path, json=json, headers=headers)

    def close(self) -> None:
        self.http.close()


def _trusting(ca_bundle: str) -> ssl.SSLContext:
    """A client TLS context that trusts the CAs of ``ca_bundle`` (and only them)."""
    try:
        return ssl.create_default_context(cafile=ca_bundle)
    except ssl.SSLError as exc:
        reason = exc.reason or "no PEM certificate in it"
    except OSError as exc:
        reason = exc.strerror or str(exc)
    raise TLSFailed(
        f"cannot load the CA file {ca_bundle} ({reason}); set `cac-director:caBundle` to a PEM file of the "
        "CA certificate(s) that signed the Director's certificate"
    )
