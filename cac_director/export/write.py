"""Writing exported files below ``--out``: never outside it, never over a hand edit, never deleting others' files.

``MANIFEST`` in the output directory records the SHA-256 of every file the last export wrote. A file that
exists and differs both from the new content and from what the manifest says export wrote is someone
else's (a hand edit, or a directory that was never an export: ``--out fleets/``); export then stops before
writing anything unless ``force`` is set. Stale files of an earlier export are deleted only when they are
still exactly what export wrote. Decisions: docs/onboarding.md "Writing into a directory".
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from cac_director.errors import ConfigError
from cac_director.export.documents import ExportFile, dump

MANIFEST = ".cac-director-export.json"
_MANIFEST_VERSION = 1


class ExportConflict(ConfigError):
    """Files in the output directory would be overwritten although export did not write them as they are."""

    def __init__(self, message: str, paths: list[str]) -> None:
        self.paths = paths
        super().__init__(message)


@dataclass
class WriteReport:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    deleted: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    """Files an earlier export wrote that it no longer produces but that were edited since: left alone."""


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _inside(out_dir: Path, relative: str) -> Path:
    root = out_dir.resolve()
    target = (root / relative).resolve()
    if relative.startswith("/") or not target.is_relative_to(root) or target == root:
        raise ConfigError(
            f"refusing to write {relative!r}: it would land outside --out {out_dir} "
            "(fleet and node names become directory names; rename them in the fleet file)"
        )
    return target


def _read_manifest(out_dir: Path) -> dict[str, str]:
    path = out_dir / MANIFEST
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"]
        if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
            raise TypeError
        return {str(key): value for key, value in files.items()}
    except (OSError, ValueError, KeyError, TypeError):
        raise ConfigError(
            f"{path} is not a manifest written by cac-director export; remove it to export into {out_dir} again "
            "(export will then refuse to overwrite any existing file without --force)"
        ) from None


def write_files(files: list[ExportFile], out_dir: Path, *, force: bool = False) -> WriteReport:
    """Write ``files`` below ``out_dir`` (module docstring); ``ExportConflict`` before writing anything."""
    planned = {file.path: dump(file.document).encode("utf-8") for file in files}
    targets = {relative: _inside(out_dir, relative) for relative in planned}
    manifest = _read_manifest(out_dir)
    report = WriteReport()
    conflicts: list[str] = []
    for relative, data in planned.items():
        target = targets[relative]
        if not target.exists():
            continue
        current = _digest(target.read_bytes()) if target.is_file() else ""
        if current == _digest(data):
            report.unchanged.append(target)
        elif manifest.get(relative) != current:
            conflicts.append(relative)
    if conflicts and not force:
        raise ExportConflict(
            f"export would overwrite {len(conflicts)} file(s) below {out_dir} that differ from what it last wrote "
            f"there (edited by hand, or not written by export): {', '.join(sorted(conflicts))}; nothing was "
            "written. Export into an empty directory, or pass --force to overwrite them",
            sorted(conflicts),
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    stale = {relative: digest for relative, digest in manifest.items() if relative not in planned}
    stale_targets = {relative: _inside(out_dir, relative) for relative in stale}
    for relative, data in planned.items():
        target = targets[relative]
        if target in report.unchanged:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        report.written.append(target)
    for relative, digest in stale.items():
        target = stale_targets[relative]
        if not target.is_file():
            continue
        if _digest(target.read_bytes()) == digest:
            target.unlink()
            report.deleted.append(target)
        else:
            report.kept.append(target)
    record = {relative: _digest(data) for relative, data in planned.items()}
    (out_dir / MANIFEST).write_text(
        json.dumps({"version": _MANIFEST_VERSION, "files": dict(sorted(record.items()))}, indent=2) + "\n",
        encoding="utf-8",
    )
    return report
