"""Re-export of the one reference-path walker (``cac_director.conventions.paths``) for existing imports."""

from __future__ import annotations

from cac_director.conventions.paths import map_path, names_at

__all__ = ["map_path", "names_at"]
