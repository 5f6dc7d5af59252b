"""`cac-director fleet` end to end: the real CLI through the Automation API, a file backend, one emulator.

Three stacks of the demo tree (bank-a staging, bank-b prod, and bank-a prod with a token the emulator
refuses) run at once: the refused one fails alone with one clear line, the others converge; then a
`--changed-since` preview selects only the stack an edit reaches, and a refresh counts drift.

The programs run inline (the default), several in the fleet process at once: bank-b is managed by a second
Director (another emulator, URL and token), so a stack that got another stack's config, cached session or
outputs would write to the wrong Director, be refused, or record the wrong exports.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import pytest
import yaml

from cac_director.config import load_instance
from cac_director.director import runtime
from cac_director.emulator import Emulator, EmulatorConfig
from tests.conftest import REPO_ROOT, git
from tests.e2e.conftest import copy_project

pytestmark = pytest.mark.e2e

TOKEN = "e2e-fleet-director-token-51c2"
TOKEN_B = "e2e-fleet-second-director-7d0e"


@dataclass
class Fleet:
    project: Path
    env: dict[str, str]
    emu: Any
    """The Director of bank-a."""
    emu_b: Any
    """The Director of bank-b."""

    def director_of(self, instance: str) -> Any:
        return self.emu_b if "bank-b" in instance else self.emu

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self._command([str(REPO_ROOT / ".venv" / "bin" / "cac-director"), *args], timeout=900)

    def pulumi(self, *args: str) -> subprocess.CompletedProcess[str]:
        """The real `pulumi` CLI on this fleet's project and backend."""
        return self._command(["pulumi", *args, "--non-interactive"], timeout=300)

    def _command(self, argv: list[str], *, timeout: float) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            argv, cwd=self.project, env=self.env, capture_output=True, text=True, timeout=timeout, check=False
        )

    def json(self, *args: str) -> tuple[int, dict[str, Any]]:
        proc = self.run(*args, "--json")
        try:
            return proc.returncode, json.loads(proc.stdout)
        except json.JSONDecodeError:
            raise AssertionError(f"no JSON (exit {proc.returncode})\n{proc.stdout}\n{proc.stderr}") from None

    def git(self, *args: str) -> None:
        git(self.project, *args)


@pytest.fixture
def fleet(tmp_path: Path, pulumi_env: dict[str, str]) -> Iterator[Fleet]:
    project = copy_project(tmp_path)
    cfg_a = EmulatorConfig.from_fleet_files([project / "fleets" / "bank-a" / "fleet.yaml"], token=TOKEN)
    cfg_b = EmulatorConfig.from_fleet_files([project / "fleets" / "bank-b" / "fleet.yaml"], token=TOKEN_B)
    with (
        Emulator.start(cfg_a, host="127.0.0.1", port=0) as emu,
        Emulator.start(cfg_b, host="127.0.0.1", port=0) as emu_b,
    ):
        # Each stack carries its Director and token (DIRECTOR_TOKEN, which would win over it, stays unset);
        # the emulator refuses the one of bank-a-prod.
        for instance in (project / "fleets").glob("*/*/instance.yaml"):
            url, token = (emu_b.url, TOKEN_B) if "bank-b" in str(instance) else (emu.url, TOKEN)
            if instance.parent.name == "prod" and "bank-a" in str(instance):
                token = "not-the-director-token"
            # The demo users' passwords in plain text, like the token: a test stack file (docs/secrets.md).
            (instance.parent / "stack.yaml").write_text(
                f"config:\n  cac-director:directorUrl: {url}\n  cac-director:token: {token}\n"
                "  cac-director:userPasswords: {banka-tester: fleet-pass-1, bankb-analyst: fleet-pass-2}\n"
            )
        env = {k: v for k, v in pulumi_env.items() if k != "DIRECTOR_TOKEN"}
        yield Fleet(project, env, emu, emu_b)
    runtime.reset()


def _live_names(fleet: Fleet, instance: str) -> set[str]:
    resolved = load_instance(fleet.project / instance)
    names = set()
    for node in resolved.nodes.values():
        for collection in ("Repos", "DeviceGroups", "RoutingPolicies"):
            names |= {
                f"{node.name}/{o['name'] if 'name' in o else o['policy_name']}"
                for o in fleet.director_of(instance).objects(resolved.fleet.pool_uuid, node.logpoint_id, collection)
            }
    return names


def _state(fleet: Fleet, stack: str) -> dict[str, Any]:
    proc = fleet.pulumi("stack", "export", "--stack", stack)
    assert proc.returncode == 0, proc.stderr
    deployment: dict[str, Any] = json.loads(proc.stdout)["deployment"]
    return deployment


def _forked_providers(log_dir: Path) -> list[int]:
    """The pids of a run's providers, asserting that every one of them came from the fork server."""
    lines = (log_dir / "forkserver.log").read_text().splitlines()
    assert lines and all(line.startswith("forked ") for line in lines), lines
    return [int(line.split()[1]) for line in lines]


def _running(pids: list[int]) -> list[int]:
    """Those of ``pids`` still running (a zombie has ended)."""
    running = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                running.append(pid)
        except psutil.NoSuchProcess:
            continue
    return running


def _assert_providers_were_forked(log_dir: Path) -> None:
    """Every provider process of the run came from the fork server, and none outlived the run."""
    # The command has returned: every forked provider has ended.
    alive = _running(_forked_providers(log_dir))
    assert not alive, alive


def test_fleet_up_isolates_a_failing_stack_then_preview_selects_by_git_change_and_refresh_counts_drift(
    fleet: Fleet,
) -> None:
    code, report = fleet.json("fleet", "up", "--parallel", "3")
    stacks = {s["stack"]: s for s in report["stacks"]}
    assert code == 2, report
    assert set(stacks) == {"bank-a-prod", "bank-a-staging", "bank-b-prod"}
    failed = stacks["bank-a-prod"]
    assert failed["result"] == "failed"
    assert "\n" not in failed["error"] and ("401" in failed["error"] or "auth" in failed["error"].lower())
    for name in ("bank-a-staging", "bank-b-prod"):
        assert stacks[name]["result"] == "ok" and stacks[name]["create"] > 20, stacks[name]
        assert {c["op"] for c in stacks[name]["changed"]} == {"create"}
    _assert_providers_were_forked(Path(report["log_dir"]))
    assert "dn-stg-01/repo-audit" in _live_names(fleet, "fleets/bank-a/staging/instance.yaml")
    assert "aio-01/repo-windows" in _live_names(fleet, "fleets/bank-b/prod/instance.yaml")
    # Run inline at once, each stack recorded its own resources, exports and (encrypted) token.
    for name, url, token in (("bank-a-staging", fleet.emu.url, TOKEN), ("bank-b-prod", fleet.emu_b.url, TOKEN_B)):
        state = _state(fleet, name)
        urns = [r["urn"] for r in state["resources"]]
        assert len(urns) > 20 and all(f"urn:pulumi:{name}::cac-director::" in urn for urn in urns), urns
        outputs = next(r for r in state["resources"] if r["type"] == "pulumi:pulumi:Stack")["outputs"]
        assert (outputs["instance"], outputs["director"]) == (name, url)
        assert token not in json.dumps(state)
    # Every stack's full log is kept; nothing was written to the project root; each stack's config file beside
    # its instance got the instance and the passphrase salt.
    for item in stacks.values():
        assert Path(item["log"]).stat().st_size > 0
    assert sorted(p.name for p in fleet.project.glob("Pulumi.*")) == ["Pulumi.yaml"]
    written = yaml.safe_load((fleet.project / "fleets/bank-b/prod/stack.yaml").read_text())
    assert written["config"]["cac-director:instance"] == "fleets/bank-b/prod/instance.yaml"
    assert written["encryptionsalt"].startswith("v1:")

    # An edit of bank-b only: --changed-since previews that stack alone and shows the one object.
    fleet.git("init", "-q", "-b", "main")
    fleet.git("add", "-A")
    fleet.git("commit", "-q", "-m", "deployed")
    instance = fleet.project / "fleets/bank-b/prod/instance.yaml"
    instance.write_text(
        instance.read_text().replace(
            "ip: [192.168.0.1], availability: Major", "ip: [192.168.0.1], availability: Minimal"
        )
    )
    code, report = fleet.json("fleet", "preview", "--changed-since", "HEAD")
    assert code == 1, report
    assert [s["stack"] for s in report["stacks"]] == ["bank-b-prod"]
    only = report["stacks"][0]
    assert (only["create"], only["update"], only["delete"]) == (0, 1, 0)
    assert only["changed"] == [{"name": "aio-01/bb-fw-01", "type": "Device", "op": "update"}]

    # bank-b's token becomes a secret of its stack config; both stacks previewed at once, inline, each with its
    # own Director, token and plan (bank-b the one edit, staging none); the table for people.
    stack_b = fleet.project / "fleets/bank-b/prod/stack.yaml"
    secret = fleet.pulumi(
        *("config", "set", "--secret", "cac-director:token", TOKEN_B),
        *("--stack", "bank-b-prod", "--config-file", str(stack_b)),
    )
    assert secret.returncode == 0 and TOKEN_B not in stack_b.read_text(), secret.stderr
    table = fleet.run("fleet", "preview", "--stack", "bank-a-staging", "--stack", "bank-b-prod")
    assert table.returncode == 1, table.stdout + table.stderr
    assert "same" in table.stdout.splitlines()[0]
    rows = {
        cells[0]: cells[1:5] for cells in ([c.strip() for c in line.split("│")] for line in table.stdout.splitlines())
    }
    assert rows["bank-a-staging"][:3] == ["0", "0", "0"] and int(rows["bank-a-staging"][3]) > 20, table.stdout
    assert rows["bank-b-prod"][:3] == ["0", "1", "0"], table.stdout
    assert "preview started" in table.stderr  # progress per stack while it runs

    # Drift: an out-of-band edit on bank-b is counted by refresh and named.
    resolved = load_instance(fleet.project / "fleets/bank-b/prod/instance.yaml")
    node = next(iter(resolved.nodes.values()))
    repo = next(
        o for o in fleet.emu_b.objects(resolved.fleet.pool_uuid, node.logpoint_id, "Repos") if o["name"] == "repo-soc"
    )
    fleet.emu_b.oob_update(
        resolved.fleet.pool_uuid,
        node.logpoint_id,
        "Repos",
        repo["id"],
        {"hiddenrepopath": [{"path": "/opt/immune/storage/", "retention": 3}]},
    )
    # Providers started the ordinary way (--no-forkserver) count the same drift.
    code, report = fleet.json("fleet", "refresh", "--customer", "bank-b", "--no-forkserver")
    assert code == 1, report
    assert not (Path(report["log_dir"]) / "forkserver.log").exists()
    drifted = report["stacks"][0]
    assert drifted["drift"] == 1 and drifted["result"] == "ok"
    assert [c["name"] for c in drifted["changed"]] == ["aio-01/repo-soc"]

    # A fork server that cannot be set up (here: no cache directory can be made) slows the fleet, nothing more:
    # one line says so, and the stacks run with ordinary providers.
    blocker = fleet.project / "not-a-directory"
    blocker.write_text("")
    unready = dataclasses.replace(fleet, env={**fleet.env, "CAC_DIRECTOR_CACHE": str(blocker)})
    proc = unready.run("fleet", "refresh", "--customer", "bank-b", "--json")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert json.loads(proc.stdout)["stacks"][0]["drift"] == 1
    notes = [line for line in proc.stderr.splitlines() if "providers start the ordinary way" in line]
    assert len(notes) == 1 and "Traceback" not in proc.stderr, proc.stderr
