"""What each guardrail checks, on plain data: a resource's type token, inputs, ``protect`` option and stack.

Kept apart from ``pulumi-policy`` so that every rule is a function with a unit test; ``pack`` wires them in.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cac_director.constants import CONFIG_NAMESPACE, TYPE_PREFIX
from cac_director.conventions import REGISTRY

PROVIDER_TYPE = "pulumi:providers:pulumi-python"
DEFAULT_PRODUCTION_STACKS = ("prod", "production", "prod-*", "*-prod", "production-*", "*-production")
_SECTION = {conv.type_name: conv for conv in REGISTRY}


def stack_of(urn: str) -> str:
    """The stack of ``urn:pulumi:<stack>::<project>::<type>::<name>``."""
    head = urn.split("::", 1)[0]
    return head.split(":", 2)[2] if head.count(":") >= 2 else ""


@dataclass(frozen=True)
class Subject:
    """One resource as the engine shows it to a policy."""

    type_token: str
    props: Mapping[str, Any]
    urn: str
    protect: bool = False
    instance: str = ""
    """The stack's instance file (``cac-director:instance``), when the pack could read the stack config."""

    @property
    def type_name(self) -> str:
        return self.type_token.removeprefix(TYPE_PREFIX) if self.type_token.startswith(TYPE_PREFIX) else ""

    @property
    def stack(self) -> str:
        return stack_of(self.urn)

    @property
    def object_name(self) -> str:
        conv = _SECTION.get(self.type_name)
        return str(self.props.get(conv.name_key, "")) if conv else ""

    @property
    def node(self) -> str:
        target = self.props.get("target")
        return str(target.get("node_name", "")) if isinstance(target, Mapping) else ""

    def where(self) -> str:
        """```repos: name: repo-pci` of fleets/.../instance.yaml ... on node dn-prod-01 (resource ...)``: the
        YAML entry to edit (``cac-director render`` and ``validate`` show the file that sets each value)."""
        conv = _SECTION[self.type_name]
        source = f" of {self.instance} or a template it extends" if self.instance else ""
        return (
            f"`{conv.yaml_section}: {conv.name_key}: {self.object_name}`{source} on node {self.node} "
            f"(resource {self.node}/{self.object_name})"
        )


def matches_any(name: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def total_retention(props: Mapping[str, Any]) -> int | None:
    """Days a repo keeps its logs: the sum over its storage tiers (logs move hot -> cold, each tier keeps them
    ``retention`` days); None when a tier's retention is not a number (e.g. still unknown during a preview)."""
    total = 0
    for tier in props.get("hiddenrepopath") or []:
        retention = tier.get("retention") if isinstance(tier, Mapping) else None
        if isinstance(retention, bool) or not isinstance(retention, int | float):
            return None
        total += int(retention)
    return total


def pci_repo_retention(subject: Subject, name_patterns: Iterable[str], min_days: int) -> list[str]:
    if subject.type_name != "Repo" or not matches_any(subject.object_name, name_patterns):
        return []
    days = total_retention(subject.props)
    if days is None or days >= min_days:
        return []
    return [
        f"PCI repo {subject.where()} keeps logs {days} days (sum of its hiddenrepopath retentions); "
        f"PCI DSS needs at least {min_days}: raise `retention` in that repo's hiddenrepopath"
    ]


def repo_protected_in_production(subject: Subject, production_stacks: Iterable[str]) -> list[str]:
    if subject.type_name != "Repo" or subject.protect or not matches_any(subject.stack, production_stacks):
        return []
    return [
        f"repo {subject.where()} is not protected in production stack {subject.stack}, so removing it from "
        "the YAML would delete it and its logs: add `protect: true` to the repo (or to the `repos` section, "
        "or set `pulumi config set cac-director:protect true`)"
    ]


def object_protected_in_production(subject: Subject, production_stacks: Iterable[str]) -> list[str]:
    if not subject.type_name or subject.protect or not matches_any(subject.stack, production_stacks):
        return []
    return [
        f"{subject.type_name} {subject.where()} is not protected in production stack {subject.stack}: "
        "`pulumi config set cac-director:protect true`, or `protect: true` on the object or its section"
    ]


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in ("true", "1", "yes"))


def no_insecure_tls_in_production(subject: Subject, production_stacks: Iterable[str]) -> list[str]:
    if subject.type_token != PROVIDER_TYPE or not matches_any(subject.stack, production_stacks):
        return []
    if not _truthy(subject.props.get(f"{CONFIG_NAMESPACE}:insecureSkipVerify")):
        return []
    return [
        f"production stack {subject.stack} turns TLS verification off (cac-director:insecureSkipVerify): "
        "run `pulumi config rm cac-director:insecureSkipVerify` and give the Director's CA with "
        "`pulumi config set cac-director:caBundle <file>`"
    ]


def https_director_in_production(subject: Subject, production_stacks: Iterable[str]) -> list[str]:
    if subject.type_token != PROVIDER_TYPE or not matches_any(subject.stack, production_stacks):
        return []
    url = subject.props.get(f"{CONFIG_NAMESPACE}:directorUrl")
    if not isinstance(url, str) or not url.lower().startswith("http://"):
        return []
    return [
        f"production stack {subject.stack} talks to the Director over plain HTTP ({url}), so the token "
        "crosses the network in clear: use the https:// URL (fleet `directorUrl` or cac-director:directorUrl)"
    ]
