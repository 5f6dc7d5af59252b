"""Shared pydantic building blocks: strict, closed models and the name/string types of the Director."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from cac_director.conventions._values import Name

__all__ = ["Name", "NonEmpty", "PositiveInt", "RefName", "StrictModel"]

# A reference by name to another object (managed or vendor); same syntax as a name.
RefName = Name
NonEmpty = Annotated[str, StringConstraints(min_length=1)]
PositiveInt = Annotated[int, Field(ge=1)]


class StrictModel(BaseModel):
    """Closed (a typo in a key is an error) and strict (``"30"`` is not a number) model."""

    # Schemas are built on first validation: a provider process imports every type file but never validates
    # the YAML model, and building them all at import was most of its start-up (docs/performance.md).
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)
