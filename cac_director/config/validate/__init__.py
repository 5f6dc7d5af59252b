"""Levels 3 (API compliance) and 4 (cross-references) of docs/configuration.md, "Validation"; each returns issues."""

from __future__ import annotations

from cac_director.config.validate.api_rules import validate_resource
from cac_director.config.validate.node_settings import validate_node_settings
from cac_director.config.validate.references import validate_references

__all__ = ["validate_node_settings", "validate_references", "validate_resource"]
