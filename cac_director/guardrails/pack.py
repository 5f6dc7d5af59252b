"""The ``cac-director-guardrails`` policy pack: the rules as ``pulumi-policy`` resource policies.

Enforcement levels and thresholds come from the pack's configuration (``pulumi preview --policy-pack policies
--policy-pack-config policies/config/<file>.json``); the defaults here apply where a file says nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)

from cac_director.constants import INSTANCE_KEY
from cac_director.guardrails import rules

PACK_NAME = "cac-director-guardrails"
_STACKS_PROPERTY = {
    "productionStacks": {
        "type": "array",
        "items": {"type": "string"},
        "default": list(rules.DEFAULT_PRODUCTION_STACKS),
        "description": "stack names (fnmatch patterns) that count as production",
    }
}


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    level: EnforcementLevel
    check: Callable[[rules.Subject, Mapping[str, Any]], list[str]]
    properties: Mapping[str, Mapping[str, Any]]

    def defaults(self) -> dict[str, Any]:
        return {key: spec["default"] for key, spec in self.properties.items()}


def _production(check: Callable[[rules.Subject, list[str]], list[str]]) -> Callable[..., list[str]]:
    return lambda subject, config: check(subject, list(config["productionStacks"]))


RULES: tuple[Rule, ...] = (
    Rule(
        "pci-repo-min-retention",
        "PCI repos keep their logs at least the configured number of days (PCI DSS 10.5.1: one year)",
        EnforcementLevel.MANDATORY,
        lambda subject, config: rules.pci_repo_retention(subject, list(config["pciRepoNames"]), int(config["minDays"])),
        {
            "pciRepoNames": {
                "type": "array",
                "items": {"type": "string"},
                "default": ["*pci*"],
                "description": "repo names (fnmatch patterns) that hold cardholder data",
            },
            "minDays": {"type": "integer", "minimum": 1, "default": 365, "description": "least total retention"},
        },
    ),
    Rule(
        "no-repo-deletion-in-production",
        "repos of production stacks are protected, so that the engine refuses to delete them and their logs",
        EnforcementLevel.MANDATORY,
        _production(rules.repo_protected_in_production),
        _STACKS_PROPERTY,
    ),
    Rule(
        "production-objects-protected",
        "every Director object of a production stack is protected",
        EnforcementLevel.MANDATORY,
        _production(rules.object_protected_in_production),
        _STACKS_PROPERTY,
    ),
    Rule(
        "no-insecure-skip-verify-in-production",
        "production stacks verify the Director's TLS certificate",
        EnforcementLevel.MANDATORY,
        _production(rules.no_insecure_tls_in_production),
        _STACKS_PROPERTY,
    ),
    Rule(
        "https-director-in-production",
        "production stacks reach the Director over HTTPS",
        EnforcementLevel.ADVISORY,
        _production(rules.https_director_in_production),
        _STACKS_PROPERTY,
    ),
)


@functools.cache
def stack_instance(stack: str, project_dir: Path) -> str:
    """``cac-director:instance`` of ``Pulumi.<stack>.yaml``, so that messages name the YAML file.

    The engine starts the pack in the project directory, where the stack files are; the analyzer protocol
    hands the pack the resources only, and pulumi-policy keeps the stack's config from the policies.
    """
    try:
        settings = yaml.safe_load((project_dir / f"Pulumi.{stack}.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return ""
    config = settings.get("config") if isinstance(settings, dict) else None
    instance = config.get(INSTANCE_KEY) if isinstance(config, dict) else None
    return instance if isinstance(instance, str) else ""


def _policy(rule: Rule) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        config = {**rule.defaults(), **dict(args.get_config())}
        subject = rules.Subject(
            type_token=args.resource_type,
            props=args.props,
            urn=args.urn,
            protect=bool(args.opts.protect),
            instance=stack_instance(rules.stack_of(args.urn), Path.cwd()),
        )
        for message in rule.check(subject, config):
            report_violation(message, None)

    return ResourceValidationPolicy(
        name=rule.name,
        description=rule.description,
        enforcement_level=rule.level,
        validate=validate,
        config_schema=PolicyConfigSchema(properties={k: dict(v) for k, v in rule.properties.items()}),
    )


def serve() -> None:
    """Start the analyzer (prints its port for the engine and serves until stopped)."""
    PolicyPack(name=PACK_NAME, policies=[_policy(rule) for rule in RULES], enforcement_level=EnforcementLevel.ADVISORY)
