"""Each stack's Pulumi config lives in ``stack.yaml`` beside its instance, never in the repository root.

The file has the format of a ``Pulumi.<stack>.yaml`` and every fleet operation passes it to Pulumi with
``--config-file``. On first use the fleet command writes it with ``cac-director:instance`` (and, for
passphrase secrets, the stack's ``encryptionsalt``, which ``pulumi stack init`` writes into the project
directory and the fleet command moves here). Users add other ``cac-director:*`` keys to it by hand or with
``pulumi config set --config-file <dir>/stack.yaml --stack <stack> ...`` (docs/fleet.md).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from cac_director.constants import CONFIG_NAMESPACE, INSTANCE_KEY
from cac_director.errors import ConfigError

_HEADER = (
    "# Pulumi stack config of this instance's stack, written by `cac-director fleet` (docs/fleet.md).\n"
    "# Commit it; add cac-director:* keys here (secrets with pulumi config set --secret --config-file ...).\n"
)


def _load(path: Path) -> dict[str, Any]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the stack config: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("config", {}), dict):
        raise ConfigError(f"{path}: a stack config is a mapping with a `config:` mapping (Pulumi.<stack>.yaml format)")
    return document


def _write(path: Path, document: dict[str, Any]) -> None:
    text = _HEADER + yaml.safe_dump(document, sort_keys=False, width=200)
    scratch = path.with_name(f".{path.name}.tmp")
    scratch.write_text(text, encoding="utf-8")
    os.replace(scratch, path)


def ensure_stack_config(path: Path, instance: str, salt: str | None = None) -> bool:
    """Make ``path`` name ``instance`` (project-relative) and carry ``salt`` if it has none; True if written.

    An existing file keeps everything it has: only missing keys are added.
    """
    document = _load(path) if path.exists() else {}
    config = dict(document.get("config") or {})
    changed = False
    if INSTANCE_KEY not in config:
        config[INSTANCE_KEY] = instance
        changed = True
    if salt and not document.get("encryptionsalt"):
        document["encryptionsalt"] = salt
        changed = True
    if changed:
        document["config"] = config
        _write(path, document)
    return changed


def configured_instance(path: Path) -> str | None:
    value = _load(path).get("config", {}).get(INSTANCE_KEY) if path.exists() else None
    return value if isinstance(value, str) else None


def plain_settings(path: Path) -> dict[str, str]:
    """``key`` -> value of the file's non-secret ``cac-director:*`` settings, as ``pulumi config`` prints them."""
    config = (_load(path).get("config") or {}) if path.exists() else {}
    prefix = f"{CONFIG_NAMESPACE}:"
    return {
        key.removeprefix(prefix): str(value).lower() if isinstance(value, bool) else str(value)
        for key, value in config.items()
        if isinstance(key, str) and key.startswith(prefix) and not isinstance(value, dict | list)
    }


def take_generated_salt(project_dir: Path, stack: str) -> str | None:
    """Remove the ``Pulumi.<stack>.yaml`` that ``pulumi stack init`` just wrote; return its salt, if any."""
    generated = project_dir / f"Pulumi.{stack}.yaml"
    if not generated.exists():
        return None
    salt = _load(generated).get("encryptionsalt")
    generated.unlink()
    return salt if isinstance(salt, str) else None
