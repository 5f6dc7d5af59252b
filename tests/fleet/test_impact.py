"""`cac-director impact --since REF`: what resolves differently from a git ref, offline."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cac_director.cli import _register_all, app
from cac_director.config import load_instance
from cac_director.conventions import by_section
from cac_director.fleet.impact import impact
from tests.conftest import REPO_ROOT, git


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(REPO_ROOT / "fleets", repo / "fleets")
    (repo / "Pulumi.yaml").write_text("name: t\nruntime: python\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "fleet")
    return repo


def _objects(instance: Path) -> dict[tuple[str, str, str], object]:
    resolved = load_instance(instance)
    return {
        (node.name, section, str(obj[by_section(section).name_key])): obj
        for node in resolved.nodes.values()
        for section, objs in node.sections.items()
        for obj in objs
    }


def test_a_template_edit_shows_exactly_the_objects_that_resolve_differently(repo: Path) -> None:
    instances = sorted((repo / "fleets").glob("*/*/instance.yaml"))
    before = {path: _objects(path) for path in instances}
    template = repo / "fleets/templates/logpoint/golden-base/routing-policies.yaml"
    template.write_text(template.read_text().replace("value: Security,", "value: Security-Log,"))
    after = {path: _objects(path) for path in instances}
    expected = {
        path.relative_to(repo / "fleets").as_posix(): {
            key for key, obj in after[path].items() if before[path][key] != obj
        }
        for path in instances
    }
    assert any(expected.values())

    result = {item.instance: item for item in impact(repo / "fleets", "HEAD")}
    for instance, keys in expected.items():
        item = result[instance]
        assert {(c.node, c.section, c.name) for c in item.objects} == keys
        assert {c.change for c in item.objects} <= {"update"}
        assert item.status == ("changed" if keys else "unchanged")


def test_added_removed_and_invalid_instances(repo: Path) -> None:
    fleets = repo / "fleets"
    shutil.copytree(fleets / "bank-a" / "staging", fleets / "bank-a" / "qa")
    qa = fleets / "bank-a" / "qa" / "instance.yaml"
    qa.write_text(qa.read_text().replace("name: bank-a-staging", "name: bank-a-qa"))
    shutil.rmtree(fleets / "bank-b")
    prod = fleets / "bank-a" / "prod" / "instance.yaml"
    prod.write_text(prod.read_text().replace("extends: ", "extends: no/such@1 #"))
    result = {item.stack: item for item in impact(fleets, "HEAD")}
    assert result["bank-a-qa"].status == "added"
    assert {c.change for c in result["bank-a-qa"].objects} == {"create"}
    assert len(result["bank-a-qa"].objects) == len(_objects(qa))
    assert result["bank-b-prod"].status == "removed"
    assert result["bank-a-prod"].status == "invalid"
    assert result["bank-a-staging"].status == "unchanged"


def test_cli_exit_codes_and_json(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _register_all()
    runner = CliRunner()
    monkeypatch.chdir(repo)
    clean = runner.invoke(app, ["impact", "--since", "HEAD", "--json"])
    assert clean.exit_code == 0, clean.output
    assert {s["status"] for s in json.loads(clean.stdout)["stacks"]} == {"unchanged"}

    instance = repo / "fleets/bank-b/prod/instance.yaml"
    instance.write_text(
        instance.read_text().replace(
            "ip: [192.168.0.1], availability: Major", "ip: [192.168.0.1], availability: Minimal"
        )
    )
    changed = runner.invoke(app, ["impact", "--since", "HEAD", "--json"])
    assert changed.exit_code == 1, changed.output
    by_stack = {s["stack"]: s for s in json.loads(changed.stdout)["stacks"]}
    assert by_stack["bank-b-prod"]["status"] == "changed"
    assert by_stack["bank-b-prod"]["nodes"] == ["aio-01"]
    assert by_stack["bank-a-prod"]["status"] == "unchanged"

    text = runner.invoke(app, ["impact", "--since", "HEAD"])
    assert "bank-b-prod" in text.stdout and "1 of 3 stack(s)" in text.stdout

    bad = runner.invoke(app, ["impact", "--since", "no-such-ref"])
    assert bad.exit_code == 3
    assert "Traceback" not in bad.output and "no-such-ref" in bad.output
