"""Offline ownership check: two instances of one tree may not manage the same object on the same node."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from tests.config.test_demo_and_cli import REPO, _app


def _tree(tmp_path: Path) -> Path:
    tree = tmp_path / "fleets"
    shutil.copytree(REPO / "fleets", tree)
    return tree


def test_a_copy_of_an_instance_on_the_same_node_is_refused(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    shutil.copytree(tree / "bank-b" / "prod", tree / "bank-b" / "dr")
    dr = tree / "bank-b" / "dr" / "instance.yaml"
    dr.write_text(dr.read_text().replace("name: bank-b-prod", "name: bank-b-dr"))
    result = CliRunner().invoke(_app(), ["validate", str(tree), "--json"])
    assert result.exit_code != 0, result.output
    report = json.loads(result.output)
    shared = [i for i in report["issues"] if i["code"] == "shared-object"]
    # Every shared object is reported once, in the later file (bank-b/prod sorts after bank-b/dr), naming
    # the instance that has it first.
    assert shared and all(i["file"].endswith("bank-b/prod/instance.yaml") for i in shared)
    assert all("instance 'bank-b-dr'" in i["message"] for i in shared)
    assert len({i["path"] for i in shared}) == len(shared)
    assert any(i["path"] == "repos[repo-linux]" for i in shared)


def test_instances_on_different_nodes_may_share_names(tmp_path: Path) -> None:
    # bank-a prod and staging both have repo-linux, on different nodes.
    result = CliRunner().invoke(_app(), ["validate", str(_tree(tmp_path)), "--json"])
    assert result.exit_code == 0, result.output
