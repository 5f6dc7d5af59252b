"""Narrowing a fleet to the stacks one command should touch: customer, environment, node tag, git changes."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from cac_director.errors import ConfigError
from cac_director.fleet.discovery import FleetStack


@dataclass(frozen=True)
class Selector:
    """Every given criterion must hold (AND); several values of one criterion mean "any of" (OR)."""

    customers: tuple[str, ...] = ()
    environments: tuple[str, ...] = ()
    stacks: tuple[str, ...] = ()
    node_tags: tuple[tuple[str, str], ...] = ()
    """A stack is selected when one of its targeted nodes carries every one of these tags."""
    changed: Collection[str] | None = None
    """Stack names that resolve differently from ``--changed-since`` (None: not filtered)."""

    def matches(self, stack: FleetStack) -> bool:
        if self.customers and stack.customer not in self.customers:
            return False
        if self.environments and stack.environment not in self.environments:
            return False
        if self.stacks and stack.name not in self.stacks:
            return False
        if self.node_tags and not any(
            all(tags.get(key) == value for key, value in self.node_tags) for tags in stack.node_tags()
        ):
            return False
        return self.changed is None or stack.name in self.changed


def parse_tags(values: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """``key=value`` strings; a malformed one is a user error that says what to write."""
    tags: list[tuple[str, str]] = []
    for value in values:
        key, sep, wanted = value.partition("=")
        if not sep or not key:
            raise ConfigError(f"--node-tag {value!r}: write KEY=VALUE, e.g. --node-tag cluster=production")
        tags.append((key, wanted))
    return tuple(tags)


def select(stacks: Sequence[FleetStack], selector: Selector) -> list[FleetStack]:
    chosen = [stack for stack in stacks if selector.matches(stack)]
    names = [stack.name for stack in stacks]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ConfigError(
            f"two instances declare the stack name(s) {', '.join(duplicates)}: metadata.name of an instance "
            "names its stack and must be unique in the tree"
        )
    return chosen
