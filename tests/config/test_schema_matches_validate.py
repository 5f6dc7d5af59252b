"""The editor JSON Schema (`cac-director schema`) accepts exactly the files `cac-director validate` accepts.

Every shipped and test-fixture YAML file goes through both; so do edits of one file that validate rejects
(unknown key, string for a number, bad enum, bad protect) and edits it accepts (placeholders in patterned,
enum and numeric fields, `null` to drop an inherited key, `protect`).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from cac_director.config.schema import build_schema
from cac_director.config.tree import validate_path
from tests.conftest import REPO_ROOT

TREES = [REPO_ROOT / "fleets", REPO_ROOT / "tests" / "config" / "fixtures" / "mini"]
YAML_FILES = sorted(file for tree in TREES for file in tree.rglob("*.yaml"))
VALIDATOR = jsonschema.Draft202012Validator(build_schema())
# `cac-director schema --kind K`, as an editor set up per kind uses it.
BY_KIND = {
    kind: jsonschema.Draft202012Validator(build_schema(kind))
    for kind in ("Fleet", "ConfigTemplate", "TopologyInstance")
}


def _schema_errors(file: Path) -> list[str]:
    errors = []
    for doc in yaml.safe_load_all(file.read_text()):
        for validator in (VALIDATOR, BY_KIND[doc["kind"]]):
            errors.extend(error.message for error in validator.iter_errors(doc))
    return errors


@pytest.mark.parametrize("file", YAML_FILES, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_every_shipped_and_fixture_file_passes_the_schema(file: Path) -> None:
    assert _schema_errors(file) == []


def test_the_shipped_trees_are_valid() -> None:
    for tree in TREES:
        report = validate_path(tree)
        assert [i.render() for i in report.issues if i.severity == "error"] == []


REPOS = "templates/base/repos.yaml"
REPO_A = "    - name: repo-a\n"
# (file, text to replace, replacement, accepted by validate)
EDITS: list[tuple[str, str, str, bool]] = [
    (REPOS, "path: /data/hot/, retention: 10", "path: '${vars.hotPath}', retention: 10", True),
    (REPOS, "spec:\n  vars: {hotDays: 30}", "spec:\n  vars: {hotDays: 30, hotPath: /data/hot/}", True),
    (REPOS, REPO_A, REPO_A + "      protect: true\n", True),
    (REPOS, REPO_A, REPO_A + "      repoha: null\n", True),
    (REPOS, "retention: 10", "retention: '10'", False),
    (REPOS, "retention: 10", "retention: 0", False),
    (REPOS, REPO_A, REPO_A + "      colour: blue\n", False),
    (REPOS, REPO_A, REPO_A + "      protect: maybe\n", False),
    ("cust/prod/instance.yaml", "risk: low", "risk: extreme", False),
    ("cust/prod/instance.yaml", "risk: low", "risk: '${vars.owner}'", False),
    ("cust/prod/instance.yaml", "spec:\n", "spec:\n  protect: {repos: true}\n", True),
    ("cust/prod/instance.yaml", "spec:\n", "spec:\n  protect: {repositories: true}\n", False),
]


@pytest.mark.parametrize(("file", "old", "new", "valid"), EDITS, ids=lambda v: str(v)[:40])
def test_schema_and_validate_agree_on_edits(tmp_path: Path, file: str, old: str, new: str, valid: bool) -> None:
    tree = tmp_path / "mini"
    shutil.copytree(REPO_ROOT / "tests" / "config" / "fixtures" / "mini", tree)
    target = tree / file
    text = target.read_text()
    assert old in text
    target.write_text(text.replace(old, new, 1))
    if (tree / REPOS).read_text().count("hotPath") == 1:
        # The placeholder edit needs its variable; define it as the second edit does.
        _replace(tree / REPOS, "vars: {hotDays: 30}", "vars: {hotDays: 30, hotPath: /data/hot/}")
    validate_ok = not [i for i in validate_path(tree).issues if i.severity == "error"]
    assert validate_ok is valid
    schema_ok = _schema_errors(target) == []
    # A value that only resolution can judge (an enum filled by a placeholder) is left to validate.
    expected_schema = valid or "${" in new
    assert schema_ok is expected_schema


def _replace(path: Path, old: str, new: str) -> Any:
    path.write_text(path.read_text().replace(old, new, 1))
