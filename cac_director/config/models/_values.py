"""Re-export: the value types of the YAML model live in ``cac_director.conventions._values`` (below config)."""

from __future__ import annotations

from cac_director.conventions._values import (
    MAX_RETENTION_DAYS,
    DeviceAddress,
    DirectorURL,
    IPAddress,
    Name,
    PathSafeName,
    RepoName,
    RepoStoragePath,
    RetentionDays,
    check_director_url,
    printable,
)

__all__ = [
    "MAX_RETENTION_DAYS",
    "DeviceAddress",
    "DirectorURL",
    "IPAddress",
    "Name",
    "PathSafeName",
    "RepoName",
    "RepoStoragePath",
    "RetentionDays",
    "check_director_url",
    "printable",
]
