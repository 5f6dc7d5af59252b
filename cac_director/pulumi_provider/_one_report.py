"""One report of a failed connection check per Pulumi operation, across all provider processes.

The refresh before the program runs in every explicit provider process (``providerProcesses``, 3 on the
Bank A prod stack), and each one checks the connection on its own: a wrong token would read as one line per
process. The processes of one operation share their ``pulumi`` ancestor (``_engine_watch.find_engine``), so
the first to create a marker named after that engine and the Director reports the failure; the others keep
their recorded state, as their other objects already do (``DirectorProvider.read``), and the operation still
fails with that one line. The marker's name is a digest of the engine's pid and start time, the Director
URL and the pool: no token.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from pathlib import Path

from cac_director.pulumi_provider._engine_watch import find_engine

__all__ = ["first_in_operation"]

STALE_SECONDS = 86400.0
"""Markers older than this are removed when a new one is made (operations end long before)."""


def _directory() -> Path:
    return Path(tempfile.gettempdir()) / f"cac-director-reports-{os.getuid()}"


def first_in_operation(url: str, pool: str) -> bool:
    """True for the first process of this Pulumi operation to report a failed check of (url, pool)."""
    engine = find_engine()
    if engine is None:
        return True
    digest = hashlib.sha256(f"{engine[0]}\0{engine[1]}\0{url}\0{pool}".encode()).hexdigest()[:32]
    directory = _directory()
    try:
        directory.mkdir(mode=0o700, exist_ok=True)
        _remove_stale(directory)
        os.close(os.open(directory / digest, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        return False
    except OSError:
        # Cannot coordinate (read-only temp dir): one line per process, as before, rather than none.
        return True
    return True


def _remove_stale(directory: Path) -> None:
    cutoff = time.time() - STALE_SECONDS
    for marker in directory.iterdir():
        try:
            if marker.stat().st_mtime < cutoff:
                marker.unlink()
        except OSError:
            continue
