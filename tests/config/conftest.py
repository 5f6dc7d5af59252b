"""Fixtures of the configuration-model tests: a small valid tree copied per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A copy of fixtures/mini (templates base <- child, fleet with one data node and one search head)."""
    root = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", root)
    return root
