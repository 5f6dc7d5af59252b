"""Resolution through real files: chains, pins, multi-file templates, vars, targeting, provenance."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.synthetic import generate_mssp_tree
from cac_director.config import check_instance, load_instance
from cac_director.config.chain import absolute_id, pin_matches
from cac_director.config.models import SECTION_MODELS
from cac_director.conventions import REGISTRY, SECTIONS

INSTANCE = "cust/prod/instance.yaml"


def _edit(root: Path, file: str, old: str, new: str) -> None:
    path = root / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_mini_tree_resolves_chain_and_multi_file_template(mini: Path) -> None:
    resolved = load_instance(mini / INSTANCE)
    assert resolved.chain[:2] == ("base", "child")
    node = resolved.nodes["dn-1"]
    assert [r["name"] for r in node.sections["repos"]] == ["repo-a", "repo-b"]  # from repos.yaml
    (policy,) = node.sections["routingPolicies"]  # from policies.yaml of the same template
    assert [c["key"] for c in policy["routing_criteria"]] == ["first", "k", "k2"]  # child's _first


def test_whole_placeholder_keeps_variable_type_and_instance_overrides_vars(mini: Path) -> None:
    _edit(mini, INSTANCE, "vars: {owner: admin}", "vars: {owner: admin, hotDays: 12}")
    resolved = load_instance(mini / INSTANCE)
    repo_a = resolved.sections["repos"][0]
    assert repo_a["hiddenrepopath"][0]["retention"] == 12
    assert resolved.sections["alertRules"][0]["owner"] == "admin"


def test_escape_and_builtin_placeholders(mini: Path) -> None:
    _edit(mini, INSTANCE, "integrity: Minor,", "integrity: Minor, timezone: '$${x}-${instance.name}-${fleet.name}',")
    resolved = load_instance(mini / INSTANCE)
    assert resolved.sections["devices"][0]["timezone"] == "${x}-cust-prod-cust"


def test_variables_may_use_variables(mini: Path) -> None:
    _edit(mini, INSTANCE, "vars: {owner: admin}", "vars: {owner: '${vars.who}', who: admin}")
    assert load_instance(mini / INSTANCE).sections["alertRules"][0]["owner"] == "admin"


def test_targets_select_by_tags_and_roles(mini: Path) -> None:
    _edit(mini, INSTANCE, "spec:\n", "spec:\n  targets: {searchHeads: {cluster: [prod, qa]}}\n")
    resolved, issues = check_instance(mini / INSTANCE)
    assert resolved is not None
    assert list(resolved.nodes) == ["sh-1"]
    assert list(resolved.nodes["sh-1"].sections) == ["alertRules", "systemSettings"]
    # Data sections now reach no node: a warning says so.
    assert {issue.code for issue in issues} == {"section-not-deployed"}


def test_no_targets_means_every_node_with_its_role_sections(mini: Path) -> None:
    resolved = load_instance(mini / INSTANCE)
    assert list(resolved.nodes) == ["dn-1", "sh-1"]
    assert "alertRules" not in resolved.nodes["dn-1"].sections
    assert tuple(resolved.nodes["dn-1"].sections) == tuple(s for s in SECTIONS if s != "alertRules")
    assert resolved.nodes["dn-1"].logpoint_id == "01925abf82fe0db0a75c190c4316b8a6"


def test_resource_delete_then_redeclare_is_not_a_deleted_reference(mini: Path) -> None:
    _edit(mini, "templates/child/child.yaml", "spec:\n", "spec:\n  repos:\n    - {name: repo-b, _action: delete}\n")
    instance = mini / INSTANCE
    instance.write_text(
        instance.read_text() + "  repos:\n    - {name: repo-b, hiddenrepopath: [{path: /data/cold/, retention: 5}]}\n"
    )
    resolved = load_instance(instance)
    assert resolved.sections["repos"][-1] == {
        "name": "repo-b",
        "hiddenrepopath": [{"path": "/data/cold/", "retention": 5}],
    }


def test_error_in_template_points_at_the_layer_that_set_the_value(mini: Path) -> None:
    _edit(mini, "templates/base/repos.yaml", "retention: 10", "retention: -1")
    _, issues = check_instance(mini / INSTANCE)
    (issue,) = [i for i in issues if i.severity == "error"]
    assert issue.file.endswith("templates/base/repos.yaml") and issue.line == 12


def test_internal_keys_never_reach_output(mini: Path) -> None:
    resolved = load_instance(mini / INSTANCE)

    def walk(value: object) -> None:
        if isinstance(value, dict):
            assert not any(str(key).startswith("_") for key in value)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk({node: desired.sections for node, desired in resolved.nodes.items()})


@pytest.mark.parametrize(
    ("pin", "version", "ok"),
    [
        ("1.2.0", "1.2.0", True),
        ("1.2", "1.2.7", True),
        ("1", "1.9.0", True),
        ("1.2.0", "1.2.1", False),
        ("2", "1.0.0", False),
    ],
)
def test_pin_matching(pin: str, version: str, ok: bool) -> None:
    assert pin_matches(pin, version) is ok


def test_relative_extends_is_relative_to_the_template_directory() -> None:
    assert absolute_id("../enterprise", "mssp/acme/profiles/banking") == "mssp/acme/profiles/enterprise"
    assert absolute_id("logpoint/golden-base", "mssp/acme/base") == "logpoint/golden-base"


def test_models_cover_every_section_and_writable_field() -> None:
    assert tuple(SECTION_MODELS) == SECTIONS
    for conventions in REGISTRY:
        fields = set(SECTION_MODELS[conventions.yaml_section].model_fields)
        # A secret input (Users ``password``) is never a YAML field: YAML names its key (``password_from``).
        secrets = {secret.field for secret in conventions.secret_inputs}
        assert {secret.from_field for secret in conventions.secret_inputs} <= fields
        assert set(conventions.writable_fields) - secrets <= fields, conventions.yaml_section
        assert set(conventions.required_fields) <= fields


def test_synthetic_tree_is_valid_and_deterministic(tmp_path: Path) -> None:
    first = generate_mssp_tree(tmp_path / "a", customers=3, nodes_per_customer=3, resources_per_node=60, seed=7)
    generate_mssp_tree(tmp_path / "b", customers=3, nodes_per_customer=3, resources_per_node=60, seed=7)
    for path in first:
        twin = tmp_path / "b" / path.relative_to(tmp_path / "a")
        assert path.read_text() == twin.read_text()
        resolved, issues = check_instance(path)
        assert resolved is not None, [i.render() for i in issues]
        assert not issues
        assert len(resolved.nodes) == 3
        per_node = sum(len(items) for items in resolved.nodes[next(iter(resolved.nodes))].sections.values())
        assert 50 <= per_node <= 70
