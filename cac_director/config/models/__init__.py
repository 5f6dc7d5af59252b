"""Pydantic models of the YAML model: file kinds (``envelope``) and resource sections (``resources``)."""

from __future__ import annotations

from cac_director.config.models.envelope import (
    KIND_MODELS,
    KINDS,
    ConfigTemplate,
    Fleet,
    FleetNode,
    TopologyInstance,
)
from cac_director.config.models.resources import SECTION_DEFAULTS, SECTION_MODELS
from cac_director.constants import API_VERSION  # re-exported: its home is cac_director.constants

__all__ = [
    "API_VERSION",
    "KINDS",
    "KIND_MODELS",
    "SECTION_DEFAULTS",
    "SECTION_MODELS",
    "ConfigTemplate",
    "Fleet",
    "FleetNode",
    "TopologyInstance",
]
