"""Re-export: the pydantic building blocks of the YAML model live in ``cac_director.conventions._model``."""

from __future__ import annotations

from cac_director.conventions._model import Name, NonEmpty, PositiveInt, RefName, StrictModel

__all__ = ["Name", "NonEmpty", "PositiveInt", "RefName", "StrictModel"]
