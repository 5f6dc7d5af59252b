"""A throwaway CA and a server certificate it signed, made at test time (trustme), for the emulator over HTTPS."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import trustme

from cac_director.emulator import Emulator
from cac_director.emulator.tls import TLSFiles

UNTRUSTED_REASON = "unable to get local issuer certificate"
"""What OpenSSL says of a certificate signed by a CA the client does not have."""
REJECTED_BY_CLIENT = "TLSV1_ALERT_UNKNOWN_CA"
"""How the server sees a client that gave up on the certificate (the emulator's handshake log)."""


@dataclass(frozen=True)
class ServerCertificate:
    ca_file: Path
    """The CA certificate (PEM): what a client needs in ``caBundle`` to trust the server."""
    tls: TLSFiles
    """The server certificate and key, for ``Emulator.start(..., tls=...)`` or ``--tls-cert``/``--tls-key``."""


def server_certificate(directory: Path) -> ServerCertificate:
    """A new CA and a certificate for 127.0.0.1 and localhost, written as PEM files into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA()
    leaf = ca.issue_cert("127.0.0.1", "localhost")
    ca_file, cert, key = directory / "ca.pem", directory / "server.pem", directory / "server-key.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    leaf.private_key_pem.write_to_path(str(key))
    for index, blob in enumerate(leaf.cert_chain_pems):
        blob.write_to_path(str(cert), append=index > 0)
    return ServerCertificate(ca_file=ca_file, tls=TLSFiles(cert=cert, key=key))


def handshakes_so_far(emu: Emulator, certificate: ServerCertificate) -> dict[str, Any]:
    """The emulator's handshake log once it holds every handshake begun before this call.

    A client that gives up on the certificate returns before the server has read its alert. So one trusted
    request goes after it: the server reads connections in the order their bytes arrive, and this one needs
    several round trips, so by its answer every earlier alert is recorded. Its own handshake is left out.
    """
    trusting = ssl.create_default_context(cafile=certificate.ca_file)
    assert httpx.get(f"{emu.url}/_emulator/health", verify=trusting).status_code == 200
    log = emu.tls_handshakes()
    log["completed"] -= 1
    return log
