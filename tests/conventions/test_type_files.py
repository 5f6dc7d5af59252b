"""Each type file holds all of its type: model, conventions, defaults, docs text; REGISTRY derives the rest."""

from __future__ import annotations

import typing
from typing import Any

import pytest
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from cac_director.config.models import SECTION_DEFAULTS, SECTION_MODELS
from cac_director.config.models.envelope import InstanceSpec
from cac_director.conventions import REGISTRY, SECTIONS, ResourceConventions, by_section
from cac_director.conventions.paths import parse


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside ``list[X] | None`` / ``Annotated[...]`` (None for plain values)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _declared_defaults(model: type[BaseModel]) -> dict[str, Any]:
    return {
        name: info.default
        for name, info in model.model_fields.items()
        if info.default is not PydanticUndefined and info.default is not None
    }


@pytest.mark.parametrize("conv", REGISTRY, ids=lambda conv: conv.type_name)
def test_the_model_and_the_conventions_declare_the_same_defaults(conv: ResourceConventions) -> None:
    assert conv.model is not None
    assert SECTION_MODELS[conv.yaml_section] is conv.model
    assert _declared_defaults(conv.model) == {
        k: v for k, v in conv.defaults.items() if k in _declared_defaults(conv.model)
    }
    assert set(_declared_defaults(conv.model)) <= set(conv.defaults)
    for list_path, defaults in conv.nested_defaults.items():
        model: type[BaseModel] | None = conv.model
        for step in parse(list_path):
            assert model is not None and step.key in model.model_fields, (list_path, step)
            model = _model_in(model.model_fields[step.key].annotation)
        assert model is not None
        for key, value in defaults.items():
            assert model.model_fields[key].default == value, (list_path, key)


@pytest.mark.parametrize("conv", REGISTRY, ids=lambda conv: conv.type_name)
def test_every_type_file_carries_its_docs_text_and_is_derived_everywhere(conv: ResourceConventions) -> None:
    assert conv.docs.strip()
    assert SECTION_DEFAULTS[conv.yaml_section] == conv.defaults
    assert conv.yaml_section in InstanceSpec.model_fields


def test_the_envelope_has_exactly_the_registry_sections() -> None:
    assert [name for name in InstanceSpec.model_fields if name in SECTIONS] == list(SECTIONS)
    assert tuple(SECTION_MODELS) == SECTIONS


@pytest.mark.parametrize("conv", REGISTRY, ids=lambda conv: conv.type_name)
def test_every_type_file_declares_a_valid_example(conv: ResourceConventions) -> None:
    # The contract test creates it and the reference page shows it: it must be input the validator accepts.
    assert conv.example is not None
    assert conv.example.model[conv.name_key] == conv.example.updated[conv.name_key]
    for section, model in ((conv.yaml_section, conv.example.model), (conv.yaml_section, conv.example.updated),
                           *conv.example.prerequisites):  # fmt: skip
        target = by_section(section)
        assert target.model is not None
        target.model.model_validate(model)
        assert set(target.required_fields) <= set(model), (section, model)
        resolved = {**target.defaults, **model}
        assert [finding for rule in target.rules for finding in rule(resolved)] == [], (section, model)
