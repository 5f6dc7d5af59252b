"""Demo fleets: every instance validates (exit 0) and its resolved output is pinned by a golden file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from cac_director.cli.config_commands import register
from cac_director.config import load_instance
from cac_director.config.render import render_data
from cac_director.conventions import SECTIONS

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "fixtures" / "golden"
DEMO_INSTANCES = {
    "bank-a-prod": REPO / "fleets/bank-a/prod/instance.yaml",
    "bank-a-staging": REPO / "fleets/bank-a/staging/instance.yaml",
    "bank-b-prod": REPO / "fleets/bank-b/prod/instance.yaml",
}


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


@pytest.mark.parametrize("name", sorted(DEMO_INSTANCES))
def test_demo_instance_resolves_to_pinned_output(name: str) -> None:
    resolved = load_instance(DEMO_INSTANCES[name])
    data = render_data(resolved)
    golden = GOLDEN / f"{name}.json"
    if os.environ.get("CAC_DIRECTOR_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(json.dumps(data, indent=2) + "\n")
    assert data == json.loads(golden.read_text()), f"resolved output of {name} changed; see {golden}"
    assert not resolved.warnings


def test_bank_a_prod_exercises_ordering_and_tiers() -> None:
    resolved = load_instance(DEMO_INSTANCES["bank-a-prod"])
    node = resolved.nodes["dn-prod-01"]
    rp_windows = next(p for p in node.sections["routingPolicies"] if p["policy_name"] == "rp-windows")
    # _position 1 (banking) beats _first (pci-addon); _after places sysmon behind the security channel.
    assert [c["key"] for c in rp_windows["routing_criteria"]] == [
        "host_group",
        "pci_scope",
        "event_category",
        "channel",
        "sysmon_event_id",
    ]
    assert rp_windows["routing_criteria"][2]["repo"] == "repo-secu"  # instance override by _id
    repo_windows = next(r for r in node.sections["repos"] if r["name"] == "repo-windows")
    assert repo_windows["hiddenrepopath"] == [
        {"path": "/data/hot/", "retention": 60},
        {"path": "/data/warm/", "retention": 180},
        {"path": "/data/cold/", "retention": 730},
    ]
    assert list(resolved.nodes) == ["dn-prod-01", "dn-prod-02", "sh-prod-01"]
    assert list(resolved.nodes["sh-prod-01"].sections) == ["alertRules", "systemSettings"]
    assert resolved.nodes["sh-prod-01"].sections["systemSettings"][0]["timestamp_on"] == "log_ts"
    assert resolved.nodes["sh-prod-01"].role == "searchHead"
    alert = next(
        a for a in resolved.nodes["sh-prod-01"].sections["alertRules"] if a["searchname"] == "soc-firewall-deny-burst"
    )
    assert alert["description"] == "BANKA production: burst of denied connections (${not a variable})"
    assert resolved.fleet.director_url == "https://director.bank-a.example.net"


def test_bank_b_aio_receives_every_section_in_conventions_order() -> None:
    resolved = load_instance(DEMO_INSTANCES["bank-b-prod"])
    (node,) = resolved.nodes.values()
    assert node.role == "aio"
    assert tuple(node.sections) == SECTIONS
    assert node.sections["enrichmentPolicies"] == []  # deleted by the simple profile
    assert [a["searchname"] for a in node.sections["alertRules"]] == ["soc-firewall-deny-burst"]


def test_staging_is_moderate_and_has_every_section() -> None:
    resolved = load_instance(DEMO_INSTANCES["bank-a-staging"])
    assert list(resolved.nodes) == ["dn-stg-01", "sh-stg-01"]
    data_node = resolved.nodes["dn-stg-01"]
    assert 20 <= sum(len(items) for items in data_node.sections.values()) <= 40
    # Staging is also the baseline tests/e2e/test_existing_stacks.py replays with no change planned: a section
    # added since that baseline was written would be a planned create there.
    since_baseline = {"logCollectionPolicies", "policySyslogCollectors"}
    assert all(resolved.sections[section] for section in SECTIONS if section not in since_baseline)
    assert all(rule["owner"] == "admin" for rule in resolved.sections["alertRules"])


def test_cli_validate_fleets_directory_exits_0() -> None:
    result = CliRunner().invoke(_app(), ["validate", str(REPO / "fleets"), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["valid"] and report["errors"] == 0 and len(report["instances"]) == 3


def test_cli_validate_warning_exits_1(mini: Path) -> None:
    instance = mini / "cust/prod/instance.yaml"
    instance.write_text(instance.read_text() + "  repos:\n    - {name: repo-zz, _action: delete}\n")
    result = CliRunner().invoke(_app(), ["validate", str(instance)])
    assert result.exit_code == 1, result.output
    assert "delete-unknown" in result.output


def test_cli_validate_missing_path_exits_3(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["validate", str(tmp_path / "nope.yaml"), "--json"])
    assert result.exit_code == 3
    assert json.loads(result.output)["exit_code"] == 3


def test_cli_render_json_shape_and_node_filter() -> None:
    result = CliRunner().invoke(
        _app(), ["render", str(DEMO_INSTANCES["bank-a-prod"]), "--node", "sh-prod-01", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["instance"] == "bank-a-prod"
    assert list(data["nodes"]) == ["sh-prod-01"]
    assert all(not key.startswith("_") for rule in data["nodes"]["sh-prod-01"]["alertRules"] for key in rule)


def test_cli_render_yaml_round_trips() -> None:
    result = CliRunner().invoke(_app(), ["render", str(DEMO_INSTANCES["bank-b-prod"])])
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.output) == render_data(load_instance(DEMO_INSTANCES["bank-b-prod"]))


def test_cli_schema_describes_three_kinds_and_sections() -> None:
    result = CliRunner().invoke(_app(), ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    kinds = {variant["properties"]["kind"]["const"] for variant in schema["oneOf"]}
    assert kinds == {"Fleet", "ConfigTemplate", "TopologyInstance"}
    repo = schema["$defs"]["Repo"]
    assert repo["required"] == ["name"] and "_action" in repo["properties"]
    assert schema["$defs"]["Device"]["properties"]["availability"]["anyOf"][0]["anyOf"][0]["enum"] == [
        "Minimal",
        "Minor",
        "Major",
        "Critical",
    ]
