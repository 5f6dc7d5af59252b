"""``cac-director export`` through the command line, and the acceptance: export a populated node, point a new
stack at the files with ``adoptExisting: true``; ``cac-director plan`` says every object is adopted with no field
change, the real ``pulumi up`` adopts with no write to the Director but the marker, and a following preview shows
no changes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from cac_director.cli import _register_all, app
from cac_director.conventions import by_api_resource
from cac_director.director import ownership
from tests.conftest import REPO_ROOT, PulumiCLI
from tests.export.conftest import FLEET, STAGING, TOKEN, populate

_register_all()


def _run(emu: Any, *args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(
        app,
        ["export", "--fleet", str(FLEET), "--director-url", emu.url, *args],
        env={"DIRECTOR_TOKEN": TOKEN, **(env or {})},
    )


def test_cli_writes_files_and_summary_without_the_token(emu: Any, tmp_path: Path) -> None:
    populate(emu, STAGING)
    result = _run(emu, "--node", "dn-stg-01", "--node", "sh-stg-01", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert TOKEN not in result.output
    assert "dn-stg-01" in result.output and "syslogCollectors" in result.output
    assert (tmp_path / "templates" / "bank-a-shared" / "alertRules.yaml").is_file()
    assert (tmp_path / "bank-a" / "dn-stg-01+sh-stg-01" / "instance.yaml").is_file()
    fleet = yaml.safe_load((tmp_path / "bank-a" / "fleet.yaml").read_text())
    assert fleet["spec"]["nodes"]["dataNodes"][0]["tags"]["node"] == "dn-prod-01"


def test_cli_stream_only_and_token_env(emu: Any) -> None:
    populate(emu, STAGING)
    result = _run(
        emu,
        "--node",
        "dn-stg-01",
        "--only",
        "repos,deviceGroups",
        "--token-env",
        "MY_TOKEN",
        env={"MY_TOKEN": TOKEN, "DIRECTOR_TOKEN": ""},
    )
    assert result.exit_code == 0, result.output
    docs = [d for d in yaml.safe_load_all(result.stdout) if d]
    sections = {s for d in docs if d["kind"] == "ConfigTemplate" for s in d["spec"]}
    assert sections == {"repos", "deviceGroups"}


@pytest.mark.parametrize(
    ("args", "env", "code", "text"),
    [
        (["--node", "dn-nope"], {}, 2, "no node named dn-nope"),
        (["--node", "dn-stg-01", "--only", "repoz"], {}, 2, "unknown section(s) repoz"),
        (["--node", "dn-stg-01"], {"DIRECTOR_TOKEN": ""}, 2, "no Director token"),
        (["--node", "dn-stg-01"], {"DIRECTOR_TOKEN": "wrong-token"}, 3, "reading the Director failed"),
    ],
)
def test_cli_mistakes_are_clear_errors(emu: Any, args: list[str], env: dict[str, str], code: int, text: str) -> None:
    result = _run(emu, *args, env=env)
    assert result.exit_code == code, result.output
    assert text in result.output
    assert "Traceback" not in result.output
    assert TOKEN not in result.output


def test_cli_reports_unexpressible_with_exit_1(emu: Any) -> None:
    populate(emu, STAGING)
    node = "5c1e0a7d3b2f4e6a9d8c7b6a5f4e3d21"
    with emu.store.lock:
        repo = next(o for o in emu.store.node(FLEET_POOL, node).objects("Repos").values() if o["name"] == "repo-audit")
        repo["compression_level"] = "high"
    result = _run(emu, "--node", "dn-stg-01")
    assert result.exit_code == 1, result.output
    assert "not expressible" in result.output and "compression_level" in result.output


FLEET_POOL = "a9fa7661c4f84b278b136e94a86b4ea2"


@pytest.mark.e2e
def test_adopt_round_trip_through_the_real_cli(emu: Any, tmp_path: Path, pulumi_cli_factory: Any) -> None:
    populate(emu, STAGING)
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(REPO_ROOT / "__main__.py", project)
    settings = (
        (REPO_ROOT / "Pulumi.yaml").read_text().replace("virtualenv: .venv", f"virtualenv: {REPO_ROOT / '.venv'}")
    )
    (project / "Pulumi.yaml").write_text(settings)
    exported = project / "exported"
    proc = subprocess.run(
        [
            str(Path(sys.executable).parent / "cac-director"), "export",
            "--fleet", str(FLEET), "--director-url", emu.url,
            "--node", "dn-stg-01", "--node", "sh-stg-01", "--out", str(exported),
        ],
        env={**os.environ, "DIRECTOR_TOKEN": TOKEN},
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert TOKEN not in proc.stdout + proc.stderr
    instance = exported / "bank-a" / "dn-stg-01+sh-stg-01" / "instance.yaml"

    cli: PulumiCLI = pulumi_cli_factory(project)
    cli.env.pop("DIRECTOR_TOKEN", None)
    cli.run("stack", "init", "adopt", "--secrets-provider", "passphrase")
    cli.run("config", "set", "cac-director:instance", str(instance.relative_to(project)))
    cli.run("config", "set", "cac-director:directorUrl", emu.url)
    cli.run("config", "set", "--secret", "cac-director:token", TOKEN)
    cli.run("config", "set", "cac-director:adoptExisting", "true")
    # What the export's note asks for (tests/export/test_cli_json.py); adoption leaves the password as it is.
    cli.run("config", "set", "--secret", "--path", "cac-director:userPasswords.banka-tester", "adopt-pass-1")
    plan = subprocess.run(
        [str(Path(sys.executable).parent / "cac-director"), "plan", "--json", "--cwd", str(project)],
        env=cli.env, capture_output=True, text=True, check=False, timeout=900,
    )  # fmt: skip
    assert plan.returncode == 1, plan.stderr
    # The files are what the nodes hold: every object is taken over, none has a field to change.
    adopted = json.loads(plan.stdout)["changes"]
    assert adopted and [(c["action"], c["changes"]) for c in adopted] == [("adopt", [])] * len(adopted), adopted
    before = {node: {r: emu.objects(FLEET_POOL, node, r) for r in _RESOURCES} for node in _NODES}
    emu.reset_request_log()
    up = cli.run("up", "--yes")
    assert "created" in up.stdout
    writes = {
        key: count
        for key, count in emu.request_counts().items()
        if key.split(" ")[0] in ("POST", "PUT", "DELETE") and not key.endswith("/fetch")
    }
    # Adoption changes nothing but the ownership marker (docs/reliability.md "Ownership"): one PUT per object
    # of the types that carry it, which appends it to the description.
    assert writes and {key.split("/")[-2] for key in writes} <= set(_MARKED)
    after = {node: {r: emu.objects(FLEET_POOL, node, r) for r in _RESOURCES} for node in _NODES}
    assert _unmarked(after) == _unmarked(before)
    marked = [
        obj
        for node in _NODES
        for resource in _MARKED
        for obj in after[node][resource]
        if obj.get("name") not in by_api_resource(resource).builtins
    ]
    assert marked and all(obj["description"].endswith("[cac-director:cac-director/adopt]") for obj in marked)
    cli.run("preview", "--expect-no-changes")


_MARKED = ("AlertRules", "DeviceGroups", "EnrichmentPolicy", "LogCollectionPolicies", "PermissionGroups", "UserGroups")


def _unmarked(state: dict[str, dict[str, list[dict[str, Any]]]]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    def strip(obj: dict[str, Any]) -> dict[str, Any]:
        rest = {k: v for k, v in obj.items() if k != "description"}
        if "permissions" in rest:  # PermissionGroups: a set of entity levels, sent back in canonical order
            rest["permissions"] = sorted(rest["permissions"], key=lambda p: (p["entity"], p["permission"]))
        text = ownership.strip(str(obj.get("description") or ""))
        return {**rest, "description": text} if text else rest

    return {node: {r: [strip(o) for o in objs] for r, objs in per.items()} for node, per in state.items()}


_NODES = ("5c1e0a7d3b2f4e6a9d8c7b6a5f4e3d21", "5c1e0a7d3b2f4e6a9d8c7b6a5f4e3d22")
_RESOURCES = (
    "Repos",
    "RoutingPolicies",
    "NormalizationPolicy",
    "EnrichmentPolicy",
    "ProcessingPolicy",
    "DeviceGroups",
    "LogCollectionPolicies",
    "Devices",
    "AlertRules",
    "PermissionGroups",
    "UserGroups",
)
