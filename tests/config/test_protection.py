"""``protect: true`` from YAML: per object (inherited and overridable through layers) and per section."""

from __future__ import annotations

from pathlib import Path

from cac_director.config import check_instance, load_instance
from tests.config.test_resolution import INSTANCE, _edit


def test_object_protect_is_inherited_overridable_and_never_reaches_the_director_fields(mini: Path) -> None:
    _edit(mini, "templates/base/repos.yaml", "    - name: repo-a\n", "    - name: repo-a\n      protect: true\n")
    _edit(mini, "templates/base/repos.yaml", "    - name: repo-b\n", "    - name: repo-b\n      protect: true\n")
    _edit(mini, INSTANCE, "  devices:\n", "  repos:\n    - {name: repo-b, protect: false}\n  devices:\n")
    resolved = load_instance(mini / INSTANCE)
    assert resolved.protected == {("repos", "repo-a")}
    assert all("protect" not in repo for repo in resolved.sections["repos"])


def test_section_protect_covers_every_object_of_the_section(mini: Path) -> None:
    _edit(mini, INSTANCE, "spec:\n", "spec:\n  protect: {repos: true, alertRules: true}\n")
    resolved = load_instance(mini / INSTANCE)
    assert resolved.protected == {("repos", "repo-a"), ("repos", "repo-b"), ("alertRules", "ar-1")}
    _edit(mini, INSTANCE, "protect: {repos: true, alertRules: true}", "protect: true")
    everything = load_instance(mini / INSTANCE)
    assert len(everything.protected) == sum(len(objs) for objs in everything.sections.values())


def test_a_malformed_protect_is_an_error_with_file_line_and_path(mini: Path) -> None:
    _edit(mini, INSTANCE, "{name: dev-1,", "{name: dev-1, protect: yes-please,")
    _edit(mini, INSTANCE, "spec:\n", "spec:\n  protect: {repo: true}\n")
    resolved, issues = check_instance(mini / INSTANCE)
    assert resolved is None
    bad = [i for i in issues if i.code == "bad-protect"]
    assert bad and bad[0].path == "devices[dev-1].protect" and "instance.yaml" in bad[0].render()
    assert any("spec.protect" in i.render() for i in issues if i.severity == "error")
