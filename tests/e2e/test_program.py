"""The cac-director program end to end: the real pulumi CLI, a local file backend, the emulator over HTTP.

Each test copies the project (Pulumi.yaml, __main__.py, fleets/) into a temporary directory, starts an
emulator with Bank A's fleet, and drives `pulumi` on the `bank-a-prod` instance (two data nodes and a
search head, so ids differ per node).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from cac_director.config import ResolvedInstance, load_instance
from cac_director.conventions import REGISTRY, ResourceConventions, by_section
from cac_director.director import ClientSettings, DirectorClient, NodeResolver, mapping, node_client, runtime
from cac_director.emulator import Emulator, EmulatorConfig
from tests.conftest import PulumiCLI
from tests.e2e.conftest import copy_project
from tests.tls import ServerCertificate

pytestmark = pytest.mark.e2e

TOKEN = "e2e-director-token-7f3a9c51d2"
INSTANCE = "fleets/bank-a/prod/instance.yaml"


def _sent_follow_ups(conv: ResourceConventions, stored: dict[str, Any]) -> dict[str, Any]:
    """The model of the notifications the emulator keeps for a rule (the channels last turned on)."""
    if "notifications" not in conv.follow_up_fields or not stored.get("notifications"):
        return {}
    channels = {}
    for channel, body in stored["notifications"].items():
        if body.get(f"notify_{channel}") == "on":
            channels[channel] = {
                k: (v == "true" if v in ("true", "false") else v) for k, v in body.items() if k != f"notify_{channel}"
            }
    return {"notifications": channels} if channels else {}


@dataclass
class Deployment:
    project: Path
    cli: PulumiCLI
    emu: Any
    certificate: ServerCertificate | None = None
    """The emulator's certificate when it serves HTTPS (the stack's ``caBundle`` is its CA)."""

    @property
    def instance_path(self) -> Path:
        return self.project / INSTANCE

    def resolved(self) -> ResolvedInstance:
        return load_instance(self.instance_path)

    def client(self, node_id: str, node_name: str) -> DirectorClient:
        pool = self.resolved().fleet.pool_uuid
        ca_bundle = str(self.certificate.ca_file) if self.certificate else None
        settings = ClientSettings(url=self.emu.url, token=TOKEN, pool_uuid=pool, ca_bundle=ca_bundle)
        return node_client(settings, node_id, node_name)

    def live_state(self) -> dict[str, dict[str, dict[str, Any]]]:
        """node -> section -> name -> normalized model, read over HTTP through the client (built-ins left out)."""
        runtime.reset()
        result: dict[str, dict[str, dict[str, Any]]] = {}
        desired = self.desired_state()
        for node in self.resolved().nodes.values():
            client = self.client(node.logpoint_id, node.name)
            resolver = NodeResolver(client)
            per_node: dict[str, dict[str, Any]] = {}
            for conv in REGISTRY:
                objs = {}
                stored = self._stored(conv, node.logpoint_id)
                for obj in client.list(conv):
                    # Fields the Director's reads do not return (compiled_normalizer, docs/director-api.md §7.3)
                    # are checked where they were stored.
                    held = {k: v for k, v in stored.get(obj["id"], {}).items() if k in conv.write_only_fields}
                    # Alert-rule notifications are never read back either (§7.18): what the emulator received.
                    held.update(_sent_follow_ups(conv, stored.get(obj["id"], {})))
                    model = mapping.normalize(conv, mapping.from_wire(conv, {**held, **obj}, resolver))
                    name = model.get(conv.name_key)
                    if conv.singleton:
                        # Managed fields only: the node's settings are compared where the configuration sets them.
                        managed = desired[node.name].get(conv.yaml_section, {}).get(name, {})
                        model = {k: v for k, v in model.items() if k in managed}
                    if name not in conv.builtins and (model or not conv.singleton):
                        objs[name] = model
                if objs:
                    per_node[conv.yaml_section] = objs
            result[node.name] = per_node
        return result

    def created_state(self) -> dict[str, dict[str, dict[str, Any]]]:
        """``live_state`` without the nodes' settings, which are never created or deleted (always there)."""
        singletons = {conv.yaml_section for conv in REGISTRY if conv.singleton}
        return {
            node: {section: objs for section, objs in sections.items() if section not in singletons}
            for node, sections in self.live_state().items()
        }

    def _stored(self, conv: ResourceConventions, node_id: str) -> dict[str, dict[str, Any]]:
        """The emulator's stored objects of ``conv`` by id, only for types with write-only fields."""
        if not (conv.write_only_fields or conv.follow_up_fields):
            return {}
        pool = self.resolved().fleet.pool_uuid
        return {o["id"]: o for o in self.emu.objects(pool, node_id, conv.api_resource)}

    def desired_state(self) -> dict[str, dict[str, dict[str, Any]]]:
        result: dict[str, dict[str, dict[str, Any]]] = {}
        for node in self.resolved().nodes.values():
            result[node.name] = {
                section: {
                    obj[by_section(section).name_key]: mapping.normalize(by_section(section), obj) for obj in objs
                }
                for section, objs in node.sections.items()
                if objs
            }
        return result

    def edit(self, relative: str, transform: Any) -> None:
        path = self.project / relative
        path.write_text(transform(path.read_text()))

    def preview_steps(self) -> dict[str, set[str]]:
        """op -> logical names (``node/name``) of a `pulumi preview --json` (its refresh reads left out)."""
        out = json.loads(self.cli.run("preview", "--json").stdout)
        steps: dict[str, set[str]] = {}
        for step in out.get("steps", []):
            if step["op"] == "refresh":
                continue
            if step["urn"].endswith("::" + step["urn"].split("::")[-1]) and "cacdirector" in step["urn"]:
                steps.setdefault(step["op"], set()).add(step["urn"].split("::")[-1])
        return steps


@contextmanager
def deployed_project(
    tmp_path: Path, pulumi_cli_factory: Any, certificate: ServerCertificate | None = None
) -> Iterator[Deployment]:
    """The stack of ``deployment``; with ``certificate``, the emulator serves HTTPS and ``caBundle`` trusts it."""
    project = copy_project(tmp_path)
    cfg = EmulatorConfig.from_fleet_files([project / "fleets" / "bank-a" / "fleet.yaml"], token=TOKEN)
    tls = certificate.tls if certificate else None
    with Emulator.start(cfg, host="127.0.0.1", port=0, tls=tls) as emu:
        cli: PulumiCLI = pulumi_cli_factory(project)
        cli.env.pop("DIRECTOR_TOKEN", None)
        cli.run("stack", "init", "e2e", "--secrets-provider", "passphrase")
        cli.run("config", "set", "cac-director:instance", INSTANCE)
        cli.run("config", "set", "cac-director:directorUrl", emu.url)
        cli.run("config", "set", "--secret", "cac-director:token", TOKEN)
        if certificate:
            cli.run("config", "set", "cac-director:caBundle", str(certificate.ca_file))
        yield Deployment(project=project, cli=cli, emu=emu, certificate=certificate)
    runtime.reset()


@pytest.fixture
def deployment(tmp_path: Path, pulumi_cli_factory) -> Iterator[Deployment]:
    with deployed_project(tmp_path, pulumi_cli_factory) as d:
        yield d


USER_PASSWORD = "e2e-user-pass-5be17d"
USER_LINE = (
    "  users:\n    - {username: soc-lead, password_from: soc-lead, firstname: SOC, lastname: Lead, "
    "email: lead@bank-a.example, usergroup: [ug-banka-soc]}\n"
)


def test_up_converges_refresh_repairs_and_destroy_cleans_up(deployment: Deployment) -> None:
    d = deployment
    # A user, its password a secret of the stack config (docs/secrets.md): checked in the state file below.
    d.edit(INSTANCE, lambda text: text + USER_LINE)
    d.cli.run("config", "set", "--secret", "--path", "cac-director:userPasswords.soc-lead", USER_PASSWORD)
    d.cli.run("up", "--yes")
    # 1. Every resolved resource exists on every targeted node, equal to the rendered configuration.
    assert d.live_state() == d.desired_state()
    # References point at the ids of the right node's objects: same policy, different ids per node.
    pool = d.resolved().fleet.pool_uuid
    pp_routing = {}
    for node in d.resolved().nodes.values():
        if node.role == "searchHead":
            continue
        rps = {o["policy_name"]: o["id"] for o in d.emu.objects(pool, node.logpoint_id, "RoutingPolicies")}
        pp = next(
            o for o in d.emu.objects(pool, node.logpoint_id, "ProcessingPolicy") if o["policy_name"] == "pp-windows"
        )
        assert pp["routing_policy"] == rps["rp-windows"]
        pp_routing[node.name] = pp["routing_policy"]
    assert len(set(pp_routing.values())) == len(pp_routing) == 2

    # 2. Nothing to do on a second plan.
    d.cli.run("preview", "--expect-no-changes")

    # A refresh lists each collection once per type and node and never reads objects one by one.
    d.emu.reset_request_log()
    d.cli.run("refresh", "--yes", "--skip-preview", "--expect-no-changes")
    counts = d.emu.request_counts()
    nodes = len(d.resolved().nodes)
    assert not [call for call in counts if call.startswith("GET /configapi") and call.endswith("/{id}")]
    for call, count in counts.items():
        if call.startswith("GET /configapi"):
            # Static and dynamic lists are two types over one Lists collection, devices and their collectors
            # share Devices, policies and theirs LogCollectionPolicies: one listing each.
            shared = ("/Devices", "/Lists", "/LogCollectionPolicies")
            assert count <= nodes * (2 if call.endswith(shared) else 1), (call, count)

    # The token reached the providers (the apply worked) but not the state in clear: Pulumi keeps stack
    # config secrets encrypted, and no Director resource carries it in any form.
    assert TOKEN not in d.cli.run("stack", "export").stdout
    revealed = json.loads(d.cli.run("stack", "export", "--show-secrets").stdout)
    holders = {r["urn"].split("::")[-2] for r in revealed["deployment"]["resources"] if TOKEN in json.dumps(r)}
    assert holders <= {"pulumi:providers:pulumi-python"}
    # The user's password: in the state only encrypted, as an input and as an output, of the user alone.
    state = d.cli.run("stack", "export").stdout
    assert USER_PASSWORD not in state
    users = [r for r in json.loads(state)["deployment"]["resources"] if r["type"].endswith(":User")]
    assert len(users) == 2  # one per data node
    for user in users:
        assert "ciphertext" in user["inputs"]["password"] and "ciphertext" in user["outputs"]["password"]
    revealed_users = {r["urn"] for r in revealed["deployment"]["resources"] if USER_PASSWORD in json.dumps(r)}
    assert revealed_users == {r["urn"] for r in users}

    # 4. Drift: an out-of-band edit is found by refresh and repaired by up; an out-of-band delete is recreated.
    node = next(n for n in d.resolved().nodes.values() if n.name == "dn-prod-01")
    repo = next(o for o in d.emu.objects(pool, node.logpoint_id, "Repos") if o["name"] == "repo-linux")
    d.emu.oob_update(
        pool, node.logpoint_id, "Repos", repo["id"], {"hiddenrepopath": [{"path": "/data/cold/", "retention": 3}]}
    )
    device = next(o for o in d.emu.objects(pool, node.logpoint_id, "DeviceGroups") if o["name"] == "dg-linux")
    d.emu.oob_delete(pool, node.logpoint_id, "DeviceGroups", device["id"])
    refreshed = d.cli.run("refresh", "--yes")
    assert "dn-prod-01/repo-linux" in refreshed.stdout
    assert d.live_state() != d.desired_state()
    d.cli.run("up", "--yes")
    assert d.live_state() == d.desired_state()
    d.cli.run("preview", "--expect-no-changes")

    # 7. Destroy removes everything created and leaves the built-ins, and the nodes' settings as they are.
    applied = {node: sections["systemSettings"] for node, sections in d.desired_state().items()}
    assert applied["sh-prod-01"]["general"]["timestamp_on"] == "log_ts"
    d.cli.run("destroy", "--yes")
    left = d.live_state()
    assert {node: sections.pop("systemSettings") for node, sections in left.items()} == applied
    assert all(not sections for sections in left.values())
    for node in d.resolved().nodes.values():
        if node.role != "searchHead":
            names = {o["name"] for o in d.emu.objects(pool, node.logpoint_id, "Repos")}
            assert {"default", "_logpoint", "_LogPointAlerts"} <= names


def test_template_change_deletion_and_reordering_touch_exactly_what_they_should(deployment: Deployment) -> None:
    d = deployment
    d.cli.run("up", "--yes")
    before = d.desired_state()

    # 3a. One value in the vendor baseline: every node that inherits it, and nothing else, is updated.
    d.edit(
        "fleets/templates/logpoint/golden-base/routing-policies.yaml",
        lambda text: text.replace("value: Security,", "value: Security-Log,"),
    )
    after = d.desired_state()
    expected = {
        f"{node}/{name}"
        for node, sections in after.items()
        for section, objs in sections.items()
        for name, obj in objs.items()
        if before[node][section].get(name) != obj
    }
    assert expected == {"dn-prod-01/rp-windows", "dn-prod-02/rp-windows"}
    assert d.preview_steps() == {"update": expected}

    # 3b. A resource removed in the instance is deleted; 3c. reordering criteria updates the order.
    def instance_edits(text: str) -> str:
        doc = yaml.safe_load(text)
        doc["spec"]["alertRules"].append({"searchname": "bank-swift-after-hours-login", "_action": "delete"})
        doc["spec"]["routingPolicies"][0]["routing_criteria"].append({"_id": "crit-security", "_first": True})
        return yaml.safe_dump(doc, sort_keys=False)

    d.edit(INSTANCE, instance_edits)
    steps = d.preview_steps()
    assert steps.get("delete") == {"sh-prod-01/bank-swift-after-hours-login"}
    assert steps.get("update") == {"dn-prod-01/rp-windows", "dn-prod-02/rp-windows"}
    d.cli.run("up", "--yes")
    assert d.live_state() == d.desired_state()
    pool = d.resolved().fleet.pool_uuid
    for node in ("dn-prod-01", "dn-prod-02"):
        node_id = d.resolved().nodes[node].logpoint_id
        rp = next(o for o in d.emu.objects(pool, node_id, "RoutingPolicies") if o["policy_name"] == "rp-windows")
        wanted = next(
            o for o in d.resolved().nodes[node].sections["routingPolicies"] if o["policy_name"] == "rp-windows"
        )
        assert [c["key"] for c in rp["routing_criteria"]] == [c["key"] for c in wanted["routing_criteria"]]
        assert rp["routing_criteria"][0]["key"] == "channel"
    d.cli.run("preview", "--expect-no-changes")


def test_adoption_needs_the_flag(deployment: Deployment) -> None:
    d = deployment
    pool = d.resolved().fleet.pool_uuid
    node = d.resolved().nodes["dn-prod-01"]
    # Someone created a repo of the same name in the Director console before the stack existed.
    client = d.client(node.logpoint_id, node.name)
    console_repo = {"name": "repo-linux", "hiddenrepopath": [{"path": "/data/warm/", "retention": 5}]}
    client.create(by_section("repos"), console_repo, name="repo-linux")

    refused = d.cli.run("up", "--yes", check=False)
    assert refused.returncode != 0
    assert re.search(r"Repo 'repo-linux' already exists on node dn-prod-01", refused.stdout + refused.stderr)
    assert "cac-director:adoptExisting true" in refused.stdout + refused.stderr

    d.cli.run("config", "set", "cac-director:adoptExisting", "true")
    d.cli.run("up", "--yes")
    assert d.live_state() == d.desired_state()
    repos = [o for o in d.emu.objects(pool, node.logpoint_id, "Repos") if o["name"] == "repo-linux"]
    assert len(repos) == 1
    d.cli.run("preview", "--expect-no-changes")


@pytest.mark.parametrize(
    "faults",
    [
        {"fail_orders": 0.3},
        # One request in four: enough that most creates meet an ambiguous 503 (each costs the client a
        # `write_check_window` look before it resends), few enough that the run does not take minutes.
        {"error_rate": 0.25, "error_status": 503},
        {"drop_rate": 0.3},
    ],
    ids=["failed-orders", "5xx-burst", "dropped-connections"],
)
def test_fault_mid_apply_fails_clearly_and_a_rerun_converges(deployment: Deployment, faults: dict[str, Any]) -> None:
    d = deployment
    d.emu.set_faults(seed=7, **faults)
    first = d.cli.run("up", "--yes", check=False)
    d.emu.clear_faults()
    if first.returncode != 0:
        # The failure names what was being done and where, not a Python traceback of ours.
        output = first.stdout + first.stderr
        assert re.search(r"(creating|updating|deleting) \w+ '[^']+' on node \S+", output), output[-3000:]
    # State matches reality: a refresh finds nothing the state does not know, and the rerun converges
    # without duplicating anything.
    d.cli.run("refresh", "--yes")
    d.cli.run("up", "--yes")
    live = d.live_state()
    assert live == d.desired_state()
    pool = d.resolved().fleet.pool_uuid
    for node in d.resolved().nodes.values():
        for conv in REGISTRY:
            if conv.listing != "list":
                continue
            names = [o.get(conv.name_key) for o in d.emu.objects(pool, node.logpoint_id, conv.api_resource)]
            assert len(names) == len(set(names)), f"duplicate {conv.api_resource} on {node.name}: {names}"
    d.cli.run("preview", "--expect-no-changes")


def test_invalid_configuration_stops_the_preview_with_every_error(deployment: Deployment) -> None:
    d = deployment
    d.edit(
        INSTANCE,
        lambda text: text.replace("repo: repo-secu", "repo: repo-missing").replace(
            "hotDays: 45", "hotDays: ${vars.nope}"
        ),
    )
    failed = d.cli.run("preview", check=False)
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0
    assert "repo-missing" in output
    assert "nope" in output
    assert "instance.yaml" in output
    assert "Traceback" not in output
    # Nothing was registered: the plan creates no Director object.
    assert "cacdirector" not in output
    state = json.loads(d.cli.run("stack", "export").stdout)
    assert not [r for r in state["deployment"].get("resources") or [] if "cacdirector" in r["type"]]


def _as_written_by_0_1(deployment_doc: dict[str, Any], url: str, pool: str) -> int:
    """Rewrite an exported stack into the shape 0.1 wrote: the Director URL and pool in every resource's target,
    ``adopt``/``ref_ids`` always present, the program's stack frames recorded, providers without the location."""
    count = 0
    for res in deployment_doc["deployment"]["resources"]:
        if res["type"].startswith("pulumi:providers:"):
            for key in ("cac-director:directorUrl", "cac-director:poolUuid"):
                res.get("inputs", {}).pop(key, None)
                res.get("outputs", {}).pop(key, None)
            continue
        if "cacdirector" not in res["type"]:
            continue
        count += 1
        for side in ("inputs", "outputs"):
            props = res[side]
            props["target"] = {**props["target"], "url": url, "pool": pool}
            props.setdefault("adopt", False)
            props.setdefault("ref_ids", {})
        frame = "project:///cac_director/pulumi_provider/resources.py#24"
        res["sourcePosition"] = frame
        res["stackTrace"] = [{"sourcePosition": frame}, {"sourcePosition": "project:///__main__.py#8"}]
        res["propertyDependencies"] = {**res.get("propertyDependencies", {}), "adopt": [], "ref_ids": []}
    return count


def test_a_stack_written_by_0_1_upgrades_without_touching_the_director(deployment: Deployment) -> None:
    """0.2 moved the URL and pool from each resource to its provider and stopped recording stack traces."""
    d = deployment
    d.cli.run("up", "--yes", "--skip-preview")
    exported = json.loads(d.cli.run("stack", "export").stdout)
    trimmed = exported["deployment"]["resources"]
    dynamic = [r for r in trimmed if "cacdirector" in r["type"]]
    # What 0.2 records: the node only, no default-valued meta keys, no stack trace.
    assert all(set(r["inputs"]["target"]) == {"node", "node_name"} for r in dynamic)
    assert not [r for r in dynamic if "stackTrace" in r or "sourcePosition" in r or "adopt" in r["inputs"]]

    old = d.project / "old-state.json"
    assert _as_written_by_0_1(exported, d.emu.url, d.resolved().fleet.pool_uuid) == len(dynamic)
    old.write_text(json.dumps(exported))
    d.cli.run("stack", "import", "--file", str(old))

    d.emu.reset_request_log()
    # The providers gain the location (an update of the provider resources only); no Director object changes.
    assert d.preview_steps().keys() <= {"same"}
    d.cli.run("up", "--yes", "--skip-preview")
    # Reads only: the refresh before the `up` lists alert rules through their fetch order (a POST that writes nothing).
    writes = [c for c in d.emu.request_counts() if not c.startswith("GET") and not c.endswith("/fetch")]
    assert not writes
    d.cli.run("preview", "--expect-no-changes")
    # Resources whose outputs still carry the 0.1 target are read and deleted through the provider's settings.
    d.cli.run("refresh", "--yes", "--skip-preview", "--expect-no-changes")
    d.cli.run("destroy", "--yes", "--skip-preview")
    assert all(not sections for sections in d.created_state().values())
