"""JSON Schema of the three file kinds for editors (yaml-language-server), derived from the models.

Layers are partial, so resources require only their name key, and every mapping accepts the
internal directive keys (``_id``, ``_action``, ordering directives).
"""

from __future__ import annotations

import copy
from typing import Any

from cac_director.config.models import KIND_MODELS, SECTION_MODELS
from cac_director.conventions import by_section

_DIRECTIVES: dict[str, Any] = {
    "_id": {"type": ["string", "integer"], "description": "Merge key of a list element."},
    "_action": {"enum": ["delete"], "description": "Remove the inherited resource or element."},
    "_position": {"type": "integer", "minimum": 1, "description": "Place at this 1-based position."},
    "_first": {"const": True},
    "_last": {"const": True},
    "_before": {"type": ["string", "integer"], "description": "Place before the element with this _id."},
    "_after": {"type": ["string", "integer"], "description": "Place after the element with this _id."},
}


_WHOLE_PLACEHOLDER = r"^\$\{[^}]+\}$"
_ANY_PLACEHOLDER = r"\$\{[^}]+\}"
_STRING_CONSTRAINTS = frozenset({"pattern", "enum", "const", "maxLength", "minLength", "format"})
# Not a Director field: Pulumi's protect option for this object (cac_director/config/protection.py).
_PROTECT = {"protect": {"type": ["boolean", "null"], "description": "Pulumi refuses to delete this object."}}


def _partial(schema: dict[str, Any], required: list[str]) -> dict[str, Any]:
    """Drop ``required`` everywhere, allow directives, ``${...}`` strings for numbers and booleans."""
    schema = copy.deepcopy(schema)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for value in list(node.values()):
                walk(value)
            if node.get("type") == "object" and "properties" in node:
                node.pop("required", None)
                node["properties"].update(copy.deepcopy(_DIRECTIVES))
            if node.get("type") in ("integer", "boolean", "number"):
                # A placeholder such as "${vars.hotDays}" is a string until resolution.
                kind = node.pop("type")
                bounds = {k: node.pop(k) for k in ("minimum", "maximum") if k in node}
                node["anyOf"] = [{"type": kind, **bounds}, {"type": "string", "pattern": _WHOLE_PLACEHOLDER}]
            elif _STRING_CONSTRAINTS & node.keys() and node.get("type", "string") == "string":
                # "${vars.hotPath}" may become any path, enum value or name: resolution judges the result.
                constrained = {k: node.pop(k) for k in [*_STRING_CONSTRAINTS, "type"] if k in node}
                node["anyOf"] = [
                    {"type": "string", **constrained},
                    {"type": "string", "pattern": _ANY_PLACEHOLDER},
                ]
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    if required:
        schema["required"] = required
    return schema


def _resources_schema(section: str, defs: dict[str, Any]) -> dict[str, Any]:
    """Array schema of a section; its model and nested models are hoisted into the root ``defs``."""
    model = SECTION_MODELS[section]
    schema = _partial(model.model_json_schema(mode="validation"), [by_section(section).name_key])
    schema["properties"].update(copy.deepcopy(_PROTECT))
    for name, definition in schema.pop("$defs", {}).items():
        defs[name] = definition
    defs[model.__name__] = schema
    return {"type": "array", "items": {"$ref": f"#/$defs/{model.__name__}"}}


def build_schema(kind: str | None = None) -> dict[str, Any]:
    """The JSON Schema of ``kind``, or of any of the three kinds (``oneOf`` on ``kind``) when None."""
    kinds = [kind] if kind else list(KIND_MODELS)
    variants = []
    for name in kinds:
        schema = KIND_MODELS[name].model_json_schema(mode="validation")
        defs = schema.setdefault("$defs", {})
        for spec_name in ("_SectionsSpec", "InstanceSpec"):
            spec = defs.get(spec_name)
            if spec is None:
                continue
            for section in SECTION_MODELS:
                if section in spec["properties"]:
                    spec["properties"][section] = _resources_schema(section, defs)
        schema["title"] = name
        variants.append(schema)
    if len(variants) == 1:
        result = variants[0]
    else:
        # One root $defs for all kinds (names are unique across the models), variants reference it.
        shared: dict[str, Any] = {}
        for variant in variants:
            shared.update(variant.pop("$defs", {}))
        result = {"oneOf": variants, "$defs": shared}
    result["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    result.setdefault("title", "cac-director configuration")
    return result
