"""The fleet's copy of the Pulumi CLI directory, whose ``pulumi-resource-pulumi-python`` can use the fork server.

The engine finds the dynamic provider's executable (``pulumi-resource-pulumi-python``) on ``$PATH`` first,
then next to the running ``pulumi``, and warns whenever the two differ (Pulumi CLI 3.274.1,
``workspace.getPluginInfoAndPath``). To start providers through the fork server (``pulumi_provider/
forkserver.py``) without touching the user's Pulumi installation and without that warning, the fleet runs
the CLI from a directory of its own, first on the CLI's ``$PATH``:

- ``pulumi``: a hard link to the CLI in use (a copy when the cache is on another file system): the engine
  looks next to its own executable, so it must really live here, not behind a symbolic link;
- every other file beside that CLI (language hosts, ...): symbolic links, which the engine accepts;
- ``pulumi-resource-pulumi-python``: a shim that hands over to ``forkserver_client.py`` while the fleet
  offers a server (``CAC_DIRECTOR_FORKSERVER``) and otherwise executes the stock shim, unchanged.

The directory is keyed by the CLI's path, size and modification time, and by this shim's version, under
``$CAC_DIRECTOR_CACHE`` (default ``~/.cache/cac-director``, as ``scripts/ensure-pulumi``); it is built in a
temporary directory and renamed into place, so fleets started at once never see half of one. Building one
removes those built earlier from the same CLI path (an upgraded CLI), whose hard links would keep the old
binary's disk space.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

__all__ = ["SHIM", "Toolchain", "fleet_toolchain"]

SHIM = "pulumi-resource-pulumi-python"
_SHIM_VERSION = "1"
_SOURCE = "source"
"""The CLI a directory was built from (its path), to prune older builds of the same path."""
_SHIM_TEXT = """#!/bin/sh
# Written by cac-director (cac_director/fleet/toolchain.py): dynamic providers from the fleet's fork server.
if [ -n "${{CAC_DIRECTOR_FORKSERVER:-}}" ] && [ -n "${{CAC_DIRECTOR_FORKSERVER_PYTHON:-}}" ]; then
    exec "$CAC_DIRECTOR_FORKSERVER_PYTHON" -I -S "$CAC_DIRECTOR_FORKSERVER_CLIENT" "$@"
fi
exec "{stock}" "$@"
"""


class Toolchain:
    """``root``: what ``PulumiCommand(root=...)`` takes; ``bin``: first on the CLI's ``$PATH``; ``stock_shim``."""

    def __init__(self, root: Path, stock_shim: Path) -> None:
        self.root = root
        self.bin = root / "bin"
        self.stock_shim = stock_shim

    def path_env(self, current: str | None = None) -> str:
        current = os.environ.get("PATH", "") if current is None else current
        return os.pathsep.join([str(self.bin), current]) if current else str(self.bin)


def _cache_root() -> Path:
    configured = os.environ.get("CAC_DIRECTOR_CACHE")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cac-director"


def _stock_shim(cli: Path) -> Path | None:
    beside = cli.parent / SHIM
    if beside.is_file():
        return beside
    found = shutil.which(SHIM)
    return Path(found).resolve() if found else None


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _build(directory: Path, cli: Path, stock: Path) -> None:
    bin_dir = directory / "bin"
    bin_dir.mkdir(parents=True)
    _link_or_copy(cli, bin_dir / "pulumi")
    for sibling in cli.parent.iterdir():
        if sibling.name not in ("pulumi", SHIM) and sibling.name.startswith("pulumi-") and sibling.is_file():
            (bin_dir / sibling.name).symlink_to(sibling.resolve())
    shim = bin_dir / SHIM
    shim.write_text(_SHIM_TEXT.format(stock=stock), encoding="utf-8")
    shim.chmod(0o755)
    (directory / _SOURCE).write_text(str(cli), encoding="utf-8")


def _prune_older(parent: Path, keep: Path, cli: Path) -> None:
    """Remove the directories built for earlier versions of the same CLI path: a hard link keeps a replaced
    binary's blocks allocated for as long as it exists."""
    for other in parent.iterdir():
        if other == keep or other.name.startswith("."):
            continue
        try:
            same = (other / _SOURCE).read_text(encoding="utf-8") == str(cli)
        except OSError:
            continue
        if same:
            shutil.rmtree(other, ignore_errors=True)


def fleet_toolchain(cli_path: str | None = None) -> Toolchain | None:
    """The toolchain for the ``pulumi`` on ``$PATH`` (or ``cli_path``); None when there is no stock shim to wrap."""
    found = cli_path or shutil.which("pulumi")
    if not found:
        return None
    cli = Path(found).resolve()
    stock = _stock_shim(cli)
    if stock is None:
        return None
    stat = cli.stat()
    key = hashlib.sha256(f"{cli}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stock}\0{_SHIM_VERSION}".encode()).hexdigest()
    root = _cache_root() / "fleet-toolchain" / key[:16]
    if not (root / "bin" / SHIM).is_file():
        root.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".building-", dir=root.parent))
        try:
            _build(staging, cli, stock)
            try:
                staging.rename(root)
            except OSError:
                if not (root / "bin" / SHIM).is_file():
                    raise
        finally:
            if staging.exists():
                shutil.rmtree(staging)
        _prune_older(root.parent, root, cli)
    return Toolchain(root, stock)
