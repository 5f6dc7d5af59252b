"""Names shared by several layers, defined once (a leaf module: it imports nothing of the package)."""

from __future__ import annotations

NONE = "None"
"""The literal string the Director takes for "no object" in a reference field and for the proxy mode
``proxy_condition: None`` (docs/director-api.md §10 item 4)."""

API_VERSION = "cac-director/v1"
"""The ``apiVersion`` of every YAML document (fleet, template, instance). The pydantic envelope repeats it
as a ``Literal`` (a type cannot name a variable); ``tests/test_constants.py`` checks that they agree."""

CONFIG_NAMESPACE = "cac-director"
"""The Pulumi stack-config namespace of every setting (``cac-director:directorUrl``, ...)."""

INSTANCE_KEY = f"{CONFIG_NAMESPACE}:instance"
"""The stack setting naming the stack's TopologyInstance file."""

TYPE_MODULE = "cacdirector"
"""The module part of every resource type token. Part of Pulumi state and URNs: never change it."""

TYPE_PREFIX = f"pulumi-python:dynamic/{TYPE_MODULE}:"
"""Type tokens in state are ``TYPE_PREFIX + <Type>`` (``pulumi.dynamic`` adds the ``pulumi-python:`` part)."""
