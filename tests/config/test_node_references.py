"""Names a node must already have (vendor objects, built-ins) are collected with the file and line that set them."""

from __future__ import annotations

import shutil
from pathlib import Path

from cac_director.config import load_instance
from tests.conftest import REPO_ROOT

PROD = "fleets/bank-a/prod/instance.yaml"


def test_vendor_references_keep_their_origin() -> None:
    resolved = load_instance(REPO_ROOT / PROD)
    found = {(r.section, r.name, r.target, r.value): (r.path, r.where) for r in resolved.node_references}
    assert found[("normalizationPolicies", "np-linux", "normalizationPackages", "LP_Linux_Syslog")] == (
        "normalizationPolicies[np-linux].norm_packages[0]",
        "fleets/templates/logpoint/golden-base/normalization-policies.yaml:13",
    )
    assert ("enrichmentPolicies", "ep-threat-intel", "enrichmentSources", "threat_intelligence") in found
    assert ("alertRules", "pci-failed-logins", "users", "admin") in found
    assert found[("devices", "fw-edge-01", "distributedCollectors", "dc-hq-01")] == (
        "devices[fw-edge-01].distributed_collector[0]",
        "fleets/bank-a/prod/instance.yaml:31",
    )
    # Managed names are the stack's own business, not the node's.
    assert {r.target for r in resolved.node_references} == {
        "normalizationPackages",
        "compiledNormalizers",
        "enrichmentSources",
        "users",
        "distributedCollectors",
        "timezones",
        "charsets",
    }


def test_timezones_and_charsets_keep_their_origin() -> None:
    resolved = load_instance(REPO_ROOT / PROD)
    found = {(r.section, r.name, r.target, r.value): (r.path, r.where) for r in resolved.node_references}
    assert found[("devices", "dc-01", "timezones", "Europe/Paris")] == (
        "devices[dc-01].timezone",
        "fleets/bank-a/prod/instance.yaml:29",
    )
    assert found[("syslogCollectors", "dc-01", "charsets", "utf_8")] == (
        "syslogCollectors[dc-01].charset",
        "fleets/bank-a/prod/instance.yaml:34",
    )
    # A device without a timezone gets the model's default, which is checked too, at the device's line.
    assert found[("devices", "linux-app-01", "timezones", "UTC")] == (
        "devices[linux-app-01].timezone",
        "fleets/bank-a/prod/instance.yaml:32",
    )


def test_referenced_builtins_are_collected(tmp_path: Path) -> None:
    shutil.copytree(REPO_ROOT / "fleets", tmp_path / "fleets")
    instance = tmp_path / PROD
    instance.write_text(instance.read_text().replace("repo: repo-secu}", "repo: default}"))
    resolved = load_instance(instance)
    builtins = [(r.name, r.value, r.path) for r in resolved.node_references if r.target == "repos"]
    assert builtins == [("rp-windows", "default", "routingPolicies[rp-windows].routing_criteria[crit-audit].repo")]


def test_an_undeclared_user_is_left_to_the_node(tmp_path: Path) -> None:
    # Users is a section and a node lookup: an alert-rule owner made in the console is not a dangling name.
    shutil.copytree(REPO_ROOT / "fleets", tmp_path / "fleets")
    pci = tmp_path / "fleets/templates/logpoint/pci-addon/pci.yaml"
    pci.write_text(pci.read_text().replace("owner: admin", "owner: analyst-1"))
    resolved = load_instance(tmp_path / PROD)
    owners = [(r.name, r.value) for r in resolved.node_references if r.target == "users"]
    assert ("pci-failed-logins", "analyst-1") in owners
