"""One dynamic provider class per Director resource type, generated from ``conventions.REGISTRY``.

Pulumi state records ``cac_director.pulumi_provider.providers.<Type>Provider`` for every resource
(providers are pickled by reference): each class is a module attribute of this module with that exact
``__module__`` and ``__qualname__``, never renamed or moved (tests/provider/test_state_names.py pins them).
"""

from __future__ import annotations

from cac_director.conventions import REGISTRY, ResourceConventions
from cac_director.pulumi_provider.base import DirectorProvider


def provider_class_name(type_name: str) -> str:
    """The state-recorded class name of a type's provider, e.g. ``RepoProvider``."""
    return f"{type_name}Provider"


def _provider_class(conv: ResourceConventions) -> type[DirectorProvider]:
    name = provider_class_name(conv.type_name)
    cls = type(name, (DirectorProvider,), {"conventions": conv, "__module__": __name__, "__qualname__": name})
    globals()[name] = cls
    return cls


PROVIDERS: dict[str, type[DirectorProvider]] = {conv.type_name: _provider_class(conv) for conv in REGISTRY}
"""type name -> provider class, in REGISTRY order."""


def __getattr__(name: str) -> type[DirectorProvider]:
    # Never called for the generated classes (they are real module globals); it exists so that type
    # checkers accept ``from ...providers import RepoProvider`` for a class they cannot see statically.
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
