"""One Pulumi resource class per Director resource type, generated from ``conventions.REGISTRY``.

Type tokens (``pulumi-python:dynamic/cacdirector:<Type>``) and these class names are part of Pulumi state and
URNs: each class is a module attribute named exactly like its type (tests/provider/test_state_names.py pins
them). Every input key becomes an output attribute; the name key is what other resources reference.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import Resource

from cac_director.constants import TYPE_MODULE
from cac_director.conventions import REGISTRY
from cac_director.pulumi_provider.base import DirectorProvider
from cac_director.pulumi_provider.providers import PROVIDERS


class _DirectorResource(Resource, module=TYPE_MODULE, name="DirectorResource"):
    """Shared constructor; concrete classes name their provider (``Resource`` needs module/name on each)."""

    _provider_class: type[DirectorProvider]

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(self._provider_class(), name, props, opts)


def _resource_class(type_name: str) -> type[_DirectorResource]:
    # type() passes the keywords to module/name to Resource.__init_subclass__, which builds the type token.
    namespace = {"_provider_class": PROVIDERS[type_name], "__module__": __name__, "__qualname__": type_name}
    cls = type(type_name, (_DirectorResource,), namespace, module=TYPE_MODULE, name=type_name)
    globals()[type_name] = cls
    return cls


RESOURCE_CLASSES: dict[str, type[_DirectorResource]] = {
    conv.type_name: _resource_class(conv.type_name) for conv in REGISTRY
}
"""type name -> resource class, in REGISTRY order."""


def __getattr__(name: str) -> type[_DirectorResource]:
    # Never called for the generated classes (they are real module globals); it exists so that type
    # checkers accept ``from ...resources import Repo`` for a class they cannot see statically.
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
