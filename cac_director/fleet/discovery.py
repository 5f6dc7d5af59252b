"""One stack per instance of a fleet tree: which stacks exist, and what each one configures.

A stack is named after its instance (``metadata.name``); its customer is the instance's fleet
(``metadata.name`` of the fleet file) and its environment the directory that holds the instance file
(``fleets/bank-a/prod/instance.yaml`` -> customer ``bank-a``, environment ``prod``). Decision recorded in
docs/fleet.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cac_director.config.chain import YAML_SUFFIXES, check_document_header
from cac_director.config.instance import ResolvedInstance, check_instance
from cac_director.config.issues import Issue, IssueCollector
from cac_director.config.loader import load_yaml_file

STACK_CONFIG_NAME = "stack.yaml"
"""The stack's Pulumi config file, beside its ``instance.yaml`` (docs/fleet.md)."""


@dataclass
class FleetStack:
    """One stack of the fleet: its instance and, when the instance is valid, what it resolves to."""

    name: str
    customer: str
    environment: str
    instance_file: Path
    """Absolute path of the instance file."""
    resolved: ResolvedInstance | None
    errors: list[Issue] = field(default_factory=list)
    """Why the instance does not resolve (empty when ``resolved`` is set)."""

    @property
    def config_file(self) -> Path:
        return self.instance_file.parent / STACK_CONFIG_NAME

    def node_tags(self) -> list[dict[str, str]]:
        """The tags of every node the instance targets."""
        if self.resolved is None:
            return []
        return [dict(node.tags) for node in self.resolved.nodes.values()]


def _is_instance(path: Path) -> bool:
    scratch = IssueCollector()
    docs = load_yaml_file(path, scratch)
    if not docs:
        return False
    return check_document_header(docs[0], str(path), scratch) == "TopologyInstance"


def instance_files(tree: Path) -> list[Path]:
    """Every ``TopologyInstance`` file below ``tree`` (sorted; templates and fleets left out)."""
    candidates = sorted(p for p in tree.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file())
    return [p.resolve() for p in candidates if p.name != STACK_CONFIG_NAME and _is_instance(p)]


def discover(tree: Path) -> list[FleetStack]:
    """The stacks of ``tree``, one per instance, in path order; invalid instances keep their errors."""
    stacks: list[FleetStack] = []
    for path in instance_files(tree):
        # No resolver shared between instances: a broken template must be reported for every stack using it.
        resolved, issues = check_instance(path)
        errors = [issue for issue in issues if issue.severity == "error"]
        customer = resolved.fleet.name if resolved is not None else path.parent.parent.name
        name = resolved.name if resolved is not None else _declared_name(path)
        stacks.append(FleetStack(name, customer, path.parent.name, path, resolved, errors))
    return stacks


def _declared_name(path: Path) -> str:
    docs = load_yaml_file(path, IssueCollector())
    metadata = docs[0].get("metadata") if docs and isinstance(docs[0], dict) else None
    name = metadata.get("name") if isinstance(metadata, dict) else None
    return name if isinstance(name, str) and name else f"{path.parent.parent.name}-{path.parent.name}"
