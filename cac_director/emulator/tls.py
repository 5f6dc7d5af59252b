"""HTTPS for the emulator: a server TLS context from a certificate and key file, and a count of handshakes.

A client that does not trust the certificate gives up during the handshake, before it sends any request, so
the request log cannot tell whether it tried again; the count of handshakes by outcome can (one failed
handshake per attempt).
"""

from __future__ import annotations

import ssl
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cac_director.errors import EmulatorError


@dataclass(frozen=True)
class TLSFiles:
    """The server certificate (PEM, chain allowed) and its private key; ``key`` None: the key is in ``cert``."""

    cert: Path
    key: Path | None = None


class HandshakeLog:
    """TLS handshakes the emulator took part in: how many completed, and the failed ones by OpenSSL reason."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._completed = 0
        self._failed: Counter[str] = Counter()

    def record(self, failure: str | None) -> None:
        with self._lock:
            if failure is None:
                self._completed += 1
            else:
                self._failed[failure] += 1

    def snapshot(self) -> dict[str, Any]:
        """``{"completed": n, "failed": {reason: n}}``, e.g. reason ``TLSV1_ALERT_UNKNOWN_CA`` (untrusted)."""
        with self._lock:
            return {"completed": self._completed, "failed": dict(self._failed)}

    def reset(self) -> None:
        with self._lock:
            self._completed = 0
            self._failed.clear()


def server_context(files: TLSFiles, log: HandshakeLog) -> ssl.SSLContext:
    """The server side of TLS for uvicorn, counting each handshake in ``log``; ``EmulatorError`` for bad files."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(files.cert, files.key)
    except ssl.SSLError as exc:
        raise _unusable(files, exc.reason or "no PEM certificate with its private key") from None
    except OSError as exc:
        raise _unusable(files, exc.strerror or str(exc)) from None
    context.sslobject_class = _counted(log)
    return context


def _unusable(files: TLSFiles, reason: str) -> EmulatorError:
    given = f"--tls-cert {files.cert}" + (f" --tls-key {files.key}" if files.key else "")
    return EmulatorError(
        f"{given}: cannot load the certificate and its key ({reason}); give PEM files: the server "
        "certificate (chain) and its private key (or one file holding both)"
    )


def _counted(log: HandshakeLog) -> type[ssl.SSLObject]:
    """An ``SSLObject`` (what asyncio's TLS transport drives) that records how each handshake ended."""

    class CountedSSLObject(ssl.SSLObject):
        def do_handshake(self) -> None:
            try:
                super().do_handshake()
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                raise  # not over yet: asyncio calls again when more bytes arrive
            except ssl.SSLError as exc:
                log.record(str(exc.reason or type(exc).__name__))
                raise
            log.record(None)

    return CountedSSLObject
