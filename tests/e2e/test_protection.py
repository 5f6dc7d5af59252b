"""`protect: true` in YAML reaches Pulumi: a protected object removed from the YAML is not deleted, and the
documented release (`protect: false`, `pulumi up`, then remove it) deletes it."""

from __future__ import annotations

import pytest

from tests.conftest import PulumiCLI
from tests.e2e.conftest import INSTANCE

pytestmark = pytest.mark.e2e

SOC_OVERRIDE = "  repos:\n    - {name: repo-soc, protect: true}\n"


def test_a_yaml_protected_object_survives_its_removal_until_released(prod_stack: PulumiCLI) -> None:
    cli = prod_stack
    instance = cli.project_dir / INSTANCE
    original = instance.read_text()
    instance.write_text(original.replace("  repos:\n", SOC_OVERRIDE, 1))
    cli.run("up", "--yes", "--skip-preview")
    state = cli.run("stack", "export").stdout
    assert '"protect": true' in state

    # Deleting repo-soc in the YAML (a template defines it) fails the plan on the protection.
    instance.write_text(original.replace("  repos:\n", "  repos:\n    - {name: repo-soc, _action: delete}\n", 1))
    refused = cli.run("preview", check=False)
    assert refused.returncode != 0
    assert "protected" in (refused.stdout + refused.stderr)
    assert "dn-prod-01/repo-soc" in (refused.stdout + refused.stderr)

    # Release: protect: false and an up (only the flag changes), then the removal deletes it.
    instance.write_text(original.replace("  repos:\n", "  repos:\n    - {name: repo-soc, protect: false}\n", 1))
    cli.run("up", "--yes", "--skip-preview")
    instance.write_text(original.replace("  repos:\n", "  repos:\n    - {name: repo-soc, _action: delete}\n", 1))
    deleted = cli.run("up", "--yes", "--skip-preview")
    assert "dn-prod-01/repo-soc" in deleted.stdout
    assert "deleted" in deleted.stdout
