"""The guardrail rules on plain resource data (the e2e test runs them through the CLI)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from cac_director.guardrails import rules
from cac_director.guardrails.pack import RULES, stack_instance

REPO = "pulumi-python:dynamic/cacdirector:Repo"
PROD_URN = "urn:pulumi:bank-a-prod::cac-director::" + REPO + "::dn-prod-01/repo-pci"
STAGING_URN = "urn:pulumi:staging::cac-director::" + REPO + "::dn-stg-01/repo-pci"


def _repo(urn: str, *retentions: int, protect: bool = False, name: str = "repo-pci") -> rules.Subject:
    props = {
        "name": name,
        "hiddenrepopath": [{"path": "/data/hot/", "retention": days} for days in retentions],
        "target": {"node": "abc", "node_name": urn.rsplit("::", 1)[1].split("/", maxsplit=1)[0]},
    }
    return rules.Subject(type_token=REPO, props=props, urn=urn, protect=protect)


def test_subject_reads_stack_node_and_yaml_entry_from_the_resource() -> None:
    subject = _repo(PROD_URN, 30)
    assert subject.stack == "bank-a-prod"
    assert subject.where() == "`repos: name: repo-pci` on node dn-prod-01 (resource dn-prod-01/repo-pci)"


def test_pci_retention_sums_the_tiers_and_only_judges_pci_repos() -> None:
    assert rules.pci_repo_retention(_repo(PROD_URN, 200, 165), ["*pci*"], 365) == []
    [message] = rules.pci_repo_retention(_repo(PROD_URN, 200, 100), ["*pci*"], 365)
    assert "keeps logs 300 days" in message and "at least 365" in message
    assert rules.pci_repo_retention(_repo(PROD_URN, 1, name="repo-linux"), ["*pci*"], 365) == []


def test_production_rules_apply_to_production_stacks_only_and_accept_protected_objects() -> None:
    patterns = list(rules.DEFAULT_PRODUCTION_STACKS)
    assert rules.repo_protected_in_production(_repo(PROD_URN, 30), patterns)
    assert rules.repo_protected_in_production(_repo(PROD_URN, 30, protect=True), patterns) == []
    assert rules.repo_protected_in_production(_repo(STAGING_URN, 30), patterns) == []
    assert rules.object_protected_in_production(_repo(PROD_URN, 30), ["bank-*"])
    assert rules.object_protected_in_production(_repo(PROD_URN, 30), ["prod"]) == []


def test_provider_rules_read_the_provider_configuration() -> None:
    urn = "urn:pulumi:prod::cac-director::pulumi:providers:pulumi-python::cac-director-00"
    insecure = rules.Subject(
        type_token=rules.PROVIDER_TYPE,
        props={"cac-director:insecureSkipVerify": "true", "cac-director:directorUrl": "https://d.example"},
        urn=urn,
    )
    assert rules.no_insecure_tls_in_production(insecure, ["prod"])
    assert rules.https_director_in_production(insecure, ["prod"]) == []
    plain = rules.Subject(type_token=rules.PROVIDER_TYPE, props={"cac-director:directorUrl": "http://d"}, urn=urn)
    assert rules.no_insecure_tls_in_production(plain, ["prod"]) == []
    assert rules.https_director_in_production(plain, ["prod"])


def test_every_rule_has_defaults_for_its_configuration() -> None:
    assert {rule.name for rule in RULES} >= {
        "pci-repo-min-retention",
        "no-repo-deletion-in-production",
        "production-objects-protected",
        "no-insecure-skip-verify-in-production",
    }
    for rule in RULES:
        assert set(rule.defaults()) == set(rule.properties)


def test_messages_name_the_instance_file_from_the_stack_config(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.bank-a-prod.yaml").write_text("config:\n  cac-director:instance: fleets/bank-a/prod/i.yaml\n")
    instance = stack_instance("bank-a-prod", tmp_path)
    assert instance == "fleets/bank-a/prod/i.yaml"
    assert stack_instance("other", tmp_path) == ""
    subject = dataclasses.replace(_repo(PROD_URN, 30), instance=instance)
    assert subject.where().startswith("`repos: name: repo-pci` of fleets/bank-a/prod/i.yaml or a template it extends")
