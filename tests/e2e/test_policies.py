"""The policy pack through the real CLI: `pulumi preview --policy-pack policies` on a file backend.

The pack runs through the language host in use (ours, where no official host is installed: its
``RunPlugin``). A production-named stack of Bank A with a short PCI retention and TLS verification off
must fail the preview on the mandatory rules; the same plan with every rule advisory passes with warnings;
a compliant production stack passes clean.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cac_director.guardrails.pack import RULES
from tests.conftest import REPO_ROOT, PulumiCLI
from tests.e2e.conftest import INSTANCE

pytestmark = pytest.mark.e2e

PACK = str(REPO_ROOT / "policies")


def _all_advisory(path: Path) -> str:
    path.write_text(json.dumps({rule.name: "advisory" for rule in RULES}))
    return str(path)


def test_mandatory_rules_fail_the_preview_and_advisory_ones_warn(prod_stack: PulumiCLI, tmp_path: Path) -> None:
    cli = prod_stack
    instance = cli.project_dir / INSTANCE
    # 200 hot + 100 cold days: a PCI repo that keeps its logs 300 days.
    short_pci = (
        "hotDays: 45\n    pciDays: 200\n  repos:\n"
        "    - name: repo-pci\n      hiddenrepopath:\n        - {_id: cold, retention: 100}"
    )
    instance.write_text(instance.read_text().replace("hotDays: 45\n  repos:", short_pci))
    cli.run("config", "set", "cac-director:insecureSkipVerify", "true")

    failed = cli.run("preview", "--policy-pack", PACK, check=False)
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0, output
    assert "mandatory" in output
    assert "pci-repo-min-retention" in output
    assert (
        "`repos: name: repo-pci` of fleets/bank-a/prod/instance.yaml or a template it extends on node dn-prod-01"
        in output
    )
    assert "keeps logs 300 days" in output
    assert "no-repo-deletion-in-production" in output
    assert "no-insecure-skip-verify-in-production" in output
    # The advisory rule reports on the same run (the emulator URL is plain HTTP) without being the cause.
    assert "https-director-in-production" in output

    warned = cli.run("preview", "--policy-pack", PACK, "--policy-pack-config", _all_advisory(tmp_path / "adv.json"))
    output = warned.stdout + warned.stderr
    assert "advisory" in output
    assert "pci-repo-min-retention" in output
    assert "mandatory" not in output


def test_a_compliant_production_stack_passes(prod_stack: PulumiCLI) -> None:
    cli = prod_stack
    cli.run("config", "set", "cac-director:protect", "true")
    passed = cli.run("preview", "--policy-pack", PACK)
    output = passed.stdout + passed.stderr
    for rule in ("pci-repo-min-retention", "no-repo-deletion-in-production", "production-objects-protected"):
        assert rule not in output, output
