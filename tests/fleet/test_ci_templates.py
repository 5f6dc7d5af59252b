"""The shipped CI pipelines: generated from the tree, valid for their system's schema, and running the commands
docs/fleet.md shows."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from cac_director.cli import _register_all, app
from cac_director.fleet import ci_templates
from cac_director.fleet.discovery import discover
from tests.conftest import REPO_ROOT

GITHUB = REPO_ROOT / "examples" / "ci" / "github" / "cac-director-fleet.yml"
GITLAB = REPO_ROOT / "examples" / "ci" / "gitlab" / ".gitlab-ci.yml"
DOCS = REPO_ROOT / "docs" / "fleet.md"
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"


def _validate(path: Path, schema: str) -> None:
    # check-jsonschema ships the schemas of GitHub workflows and GitLab CI (SchemaStore), so this runs offline.
    proc = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", schema, str(path)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _shell_lines(document: Any) -> list[str]:
    """Every shell command of a pipeline: GitHub ``run:`` values, GitLab ``script``/``before_script`` items."""
    found: list[str] = []
    if isinstance(document, dict):
        for key, value in document.items():
            if key == "run" and isinstance(value, str):
                found.extend(line for line in value.splitlines() if line.strip())
            elif key in ("script", "before_script") and isinstance(value, list):
                found.extend(str(item) for item in value)
            else:
                found.extend(_shell_lines(value))
    elif isinstance(document, list):
        for item in document:
            found.extend(_shell_lines(item))
    return found


def _docs_code() -> str:
    return "\n".join(re.findall(r"```(?:bash|sh|yaml)?\n(.*?)```", DOCS.read_text(), flags=re.S))


def test_shipped_files_are_what_the_generator_writes_for_the_demo_tree() -> None:
    stacks = discover(REPO_ROOT / "fleets")
    assert GITHUB.read_text() == ci_templates.github_workflow("fleets")
    assert GITLAB.read_text() == ci_templates.gitlab_pipeline(stacks, "fleets", str(REPO_ROOT))


@pytest.mark.parametrize(("path", "schema"), [(GITHUB, "vendor.github-workflows"), (GITLAB, "vendor.gitlab-ci")])
def test_valid_for_their_systems_schema(path: Path, schema: str) -> None:
    _validate(path, schema)


def test_schema_check_catches_a_broken_pipeline(tmp_path: Path) -> None:
    broken = yaml.safe_load(GITHUB.read_text())
    broken["jobs"]["preview"]["stepz"] = broken["jobs"]["preview"].pop("steps")  # a typo a job may not have
    path = tmp_path / "broken.yml"
    path.write_text(yaml.safe_dump(broken))
    with pytest.raises(AssertionError):
        _validate(path, "vendor.github-workflows")


@pytest.mark.parametrize("path", [GITHUB, GITLAB])
def test_every_command_they_run_is_shown_in_the_docs(path: Path) -> None:
    commands = _shell_lines(yaml.safe_load(path.read_text()))
    assert commands
    code = _docs_code()
    missing = [command for command in commands if command not in code]
    assert not missing, f"docs/fleet.md does not show: {missing}"


def test_github_uses_pulumis_action_for_preview_comment_up_and_drift() -> None:
    workflow = yaml.safe_load(GITHUB.read_text())
    assert set(workflow[True if True in workflow else "on"]) >= {"pull_request", "push", "schedule"}

    def action(job: str) -> dict[str, Any]:
        steps = workflow["jobs"][job]["steps"]
        uses = [step for step in steps if step.get("uses", "").startswith("pulumi/actions@")]
        assert len(uses) == 1
        return dict(uses[0]["with"])

    assert action("preview")["command"] == "preview" and action("preview")["comment-on-pr"] is True
    assert action("up")["command"] == "up"
    drift = action("drift")
    assert drift["command"] == "preview" and drift["expect-no-changes"] is True and drift["refresh"] is True
    for job in ("preview", "up", "drift"):
        assert workflow["jobs"][job]["strategy"]["matrix"] == "${{ fromJSON(needs.stacks.outputs.matrix) }}"


def test_gitlab_matrix_lists_every_stack_and_check_catches_a_stale_file(tmp_path: Path) -> None:
    pipeline = yaml.safe_load(GITLAB.read_text())
    matrix = pipeline[".stack"]["parallel"]["matrix"]
    assert [row["STACK"] for row in matrix] == ["bank-a-prod", "bank-a-staging", "bank-b-prod"]
    assert all((REPO_ROOT / row["STACK_CONFIG"]).parent.joinpath("instance.yaml").is_file() for row in matrix)

    project = tmp_path / "project"
    shutil.copytree(REPO_ROOT / "fleets", project / "fleets")
    (project / "Pulumi.yaml").write_text("name: t\nruntime: python\n")
    shutil.copy(GITLAB, project / ".gitlab-ci.yml")
    _register_all()
    runner = CliRunner()
    args = ["fleet", "ci", "gitlab", str(project / "fleets"), "--project", str(project)]
    assert runner.invoke(app, [*args, "--check", str(project / ".gitlab-ci.yml")]).exit_code == 0
    shutil.copytree(project / "fleets/bank-a/staging", project / "fleets/bank-a/qa")
    qa = project / "fleets/bank-a/qa/instance.yaml"
    qa.write_text(qa.read_text().replace("name: bank-a-staging", "name: bank-a-qa"))
    stale = runner.invoke(app, [*args, "--check", str(project / ".gitlab-ci.yml")])
    assert stale.exit_code == 1 and "stale" in stale.output


def test_github_matrix_is_one_json_line_of_stacks_and_config_files() -> None:
    _register_all()
    result = CliRunner().invoke(
        app, ["fleet", "list", str(REPO_ROOT / "fleets"), "--project", str(REPO_ROOT), "--github-matrix"]
    )
    assert result.exit_code == 0, result.output
    assert len(result.stdout.strip().splitlines()) == 1
    matrix = json.loads(result.stdout)
    assert matrix["include"][0] == {"stack": "bank-a-prod", "config": "fleets/bank-a/prod/stack.yaml"}
    empty = CliRunner().invoke(
        app,
        ["fleet", "list", str(REPO_ROOT / "fleets"), "--project", str(REPO_ROOT), "--stack", "none", "--github-matrix"],
    )
    # The workflow skips its stack jobs on exactly this string.
    assert empty.stdout.strip() == '{"include":[]}'
