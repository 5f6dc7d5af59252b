"""The inline program of `cac-director fleet` reuses the instance discovery resolved only when it is the one
the stack config names, resolved the same way; otherwise it loads the configured file like a local program."""

from __future__ import annotations

from pathlib import Path

import pytest

from cac_director.config import load_instance
from cac_director.pulumi_provider.applied import ROLLBACK_ENV
from cac_director.pulumi_provider.program import Preloaded, _resolve
from cac_director.pulumi_provider.stack_settings import StackSettings
from tests.conftest import REPO_ROOT

STAGING = REPO_ROOT / "fleets" / "bank-a" / "staging" / "instance.yaml"
BANK_B = REPO_ROOT / "fleets" / "bank-b" / "prod" / "instance.yaml"


@pytest.fixture
def preloaded() -> Preloaded:
    return Preloaded(STAGING, load_instance(STAGING))


def test_the_discovered_instance_is_reused_for_its_own_file(
    preloaded: Preloaded, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ROLLBACK_ENV, raising=False)
    # The stack config may name it relative to the project directory: the same file all the same.
    configured = REPO_ROOT / "fleets" / "bank-a" / ".." / "bank-a" / "staging" / "instance.yaml"
    assert _resolve(configured, StackSettings(), preloaded) is preloaded.resolved


def test_another_file_or_templates_root_is_loaded_again(preloaded: Preloaded, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ROLLBACK_ENV, raising=False)
    other = _resolve(BANK_B, StackSettings(), preloaded)
    assert other.name == "bank-b-prod"
    templates = str(REPO_ROOT / "fleets" / "templates")
    again = _resolve(STAGING, StackSettings(templates=templates), preloaded)
    assert again is not preloaded.resolved and again.name == preloaded.resolved.name


def test_a_rollback_wins_over_the_discovered_instance(
    preloaded: Preloaded, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    recorded = tmp_path / "applied.json"
    recorded.write_text(
        '{"format": 1, "commit": "", "instance": "bank-a-staging", "director": "http://127.0.0.1:1", '
        '"pool": "p", "nodes": []}'
    )
    monkeypatch.setenv(ROLLBACK_ENV, str(recorded))
    rolled_back = _resolve(STAGING, StackSettings(), preloaded)
    assert rolled_back is not preloaded.resolved and rolled_back.nodes == {}
