"""Discovery (one stack per instance) and selection (customer, environment, node tag, stack name)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cac_director.errors import ConfigError
from cac_director.fleet.discovery import discover
from cac_director.fleet.selection import Selector, parse_tags, select
from tests.conftest import REPO_ROOT


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(REPO_ROOT / "fleets", tmp_path / "fleets")
    return tmp_path / "fleets"


def test_every_instance_is_one_stack_named_after_it(tree: Path) -> None:
    stacks = discover(tree)
    assert [(s.name, s.customer, s.environment) for s in stacks] == [
        ("bank-a-prod", "bank-a", "prod"),
        ("bank-a-staging", "bank-a", "staging"),
        ("bank-b-prod", "bank-b", "prod"),
    ]
    assert all(s.resolved is not None and not s.errors for s in stacks)
    assert stacks[0].config_file == tree / "bank-a" / "prod" / "stack.yaml"
    assert {tuple(sorted(t.items())) for t in stacks[1].node_tags()} == {
        (("cluster", "staging"), ("env", "staging")),
        (("cluster", "staging"), ("env", "staging"), ("sh-for", "staging")),
    }


def test_an_invalid_instance_stays_a_stack_with_its_errors(tree: Path) -> None:
    path = tree / "bank-b" / "prod" / "instance.yaml"
    path.write_text(path.read_text().replace("extends: ", "extends: no/such/template@1 #"))
    broken = next(s for s in discover(tree) if s.name == "bank-b-prod")
    assert broken.resolved is None
    assert broken.errors and "no/such/template" in broken.errors[0].render()
    assert broken.customer == "bank-b" and broken.environment == "prod"


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        (Selector(), {"bank-a-prod", "bank-a-staging", "bank-b-prod"}),
        (Selector(customers=("bank-a",)), {"bank-a-prod", "bank-a-staging"}),
        (Selector(environments=("prod",)), {"bank-a-prod", "bank-b-prod"}),
        (Selector(customers=("bank-a",), environments=("prod",)), {"bank-a-prod"}),
        (Selector(node_tags=(("cluster", "staging"),)), {"bank-a-staging"}),
        (Selector(node_tags=(("env", "prod"),)), {"bank-a-prod", "bank-b-prod"}),
        # Both tags must be on one node: no prod node is in the staging cluster.
        (Selector(node_tags=(("env", "prod"), ("cluster", "staging"))), set()),
        (Selector(stacks=("bank-b-prod",)), {"bank-b-prod"}),
        (Selector(changed={"bank-a-staging"}), {"bank-a-staging"}),
        (Selector(changed=set()), set()),
    ],
)
def test_selectors_combine_with_and(tree: Path, selector: Selector, expected: set[str]) -> None:
    assert {s.name for s in select(discover(tree), selector)} == expected


def test_bad_tag_and_duplicate_stack_names_are_user_errors(tree: Path) -> None:
    assert parse_tags(["cluster=production", "env="]) == (("cluster", "production"), ("env", ""))
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        parse_tags(["cluster"])
    copy = tree / "bank-a" / "prod-copy"
    shutil.copytree(tree / "bank-a" / "prod", copy)
    with pytest.raises(ConfigError, match="bank-a-prod"):
        select(discover(tree), Selector())
