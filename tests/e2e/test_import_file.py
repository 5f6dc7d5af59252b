"""``pulumi import --file`` with the document ``cac-director export --import-file`` writes: the real CLI, the emulator.

Reuses the ``deployment`` fixture of ``test_program`` (a copy of the project, Bank A prod, emulator on port 0).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.test_program import TOKEN, Deployment, deployment

pytestmark = pytest.mark.e2e
__all__ = ["deployment"]

PREFIX = "urn:pulumi:e2e::cac-director::pulumi-python:dynamic/cacdirector:"


def _urns(d: Deployment) -> set[str]:
    state = json.loads(d.cli.run("stack", "export").stdout)
    return {r["urn"] for r in state["deployment"]["resources"]}


def test_objects_taken_out_of_the_stack_are_imported_and_plan_no_change(deployment: Deployment, tmp_path: Path) -> None:
    d = deployment
    d.cli.run("up", "--yes")
    import_path = tmp_path / "import.json"
    proc = subprocess.run(
        [
            str(Path(sys.executable).parent / "cac-director"),
            "export",
            "--fleet", str(d.project / "fleets" / "bank-a" / "fleet.yaml"),
            "--node", "dn-prod-02",
            "--director-url", d.emu.url,
            "--out", str(tmp_path / "export"),
            "--import-file", str(import_path),
            "--stack", "e2e",
        ],
        env={"DIRECTOR_TOKEN": TOKEN, "PATH": ""},
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    # Exit 1: exported, with a note per normalization policy that compiled_normalizer is not read back.
    assert proc.returncode == 1, proc.stderr
    assert "normalizationPolicies[" in proc.stderr
    document = json.loads(import_path.read_text())
    assert TOKEN not in import_path.read_text()

    # A leaf object, and one with id references plus the collectors that reference it.
    d.cli.run("state", "delete", f"{PREFIX}Repo::dn-prod-02/repo-soc", "--yes")
    d.cli.run("state", "delete", f"{PREFIX}ProcessingPolicy::dn-prod-02/pp-linux", "--target-dependents", "--yes")
    before = _urns(d)
    taken_out = {
        r["name"]
        for r in document["resources"]
        if f"urn:pulumi:e2e::cac-director::{r['type']}::{r['name']}" not in before
    }
    assert {"dn-prod-02/repo-soc", "dn-prod-02/pp-linux", "dn-prod-02/linux-app-01"} <= taken_out
    document["resources"] = [r for r in document["resources"] if r["name"] in taken_out]
    import_path.write_text(json.dumps(document))

    proc = d.cli.run("import", "--file", str(import_path), "--yes", "--generate-code=false")
    assert "Traceback" not in proc.stdout + proc.stderr
    assert f"{len(taken_out)} imported" in proc.stdout, proc.stdout
    assert _urns(d) >= {f"{PREFIX}Repo::dn-prod-02/repo-soc", f"{PREFIX}ProcessingPolicy::dn-prod-02/pp-linux"}

    # The program declares the same objects: nothing to change, and the usual operations work.
    d.cli.run("preview", "--expect-no-changes")
    d.cli.run("up", "--yes", "--expect-no-changes")
    assert d.live_state() == d.desired_state()
    d.cli.run("destroy", "--yes")
    assert all(not sections for sections in d.created_state().values())
