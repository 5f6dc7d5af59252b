"""``export_fleet`` against the emulator over HTTP: every type, names for ids, the template split, determinism,
and what the model cannot express."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from cac_director.config import load_instance
from cac_director.conventions import REGISTRY, by_section
from cac_director.director import NodeResolver, mapping, node_client, runtime
from cac_director.export import check_written, export_fleet, stream, write_files
from tests.export.conftest import FLEET, PROD, STAGING, populate, settings_for

POOL = "a9fa7661c4f84b278b136e94a86b4ea2"


def _canon(sections: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return {
        section: {str(r[by_section(section).name_key]): mapping.normalize(by_section(section), r) for r in resources}
        for section, resources in sections.items()
        if resources
    }


def _configured_part(exported: dict[str, dict[str, Any]], configured: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """``exported`` with singletons cut to the fields the configuration sets (export writes all the node holds)."""
    result = dict(exported)
    for conv in REGISTRY:
        if conv.singleton and conv.yaml_section in result:
            wanted = configured.get(conv.yaml_section, {})
            result[conv.yaml_section] = {
                name: {k: v for k, v in obj.items() if k in wanted.get(name, {})}
                for name, obj in result[conv.yaml_section].items()
            }
    return result


def _live(emu: Any, node_id: str, node_name: str) -> dict[str, dict[str, Any]]:
    """What the node holds (built-ins left out), normalized, read through the client."""
    runtime.reset()
    client = node_client(settings_for(emu, POOL), node_id, node_name, POOL)
    resolver = NodeResolver(client)
    result: dict[str, dict[str, Any]] = {}
    for conv in REGISTRY:
        objs = {}
        for obj in client.list(conv):
            model = mapping.normalize(conv, mapping.from_wire(conv, obj, resolver))
            if model[conv.name_key] not in conv.builtins:
                objs[str(model[conv.name_key])] = model
        if objs:
            result[conv.yaml_section] = objs
    return result


def test_every_type_is_exported_with_names_and_without_server_fields(emu: Any, tmp_path: Path) -> None:
    desired = populate(emu, STAGING)
    result = export_fleet(FLEET, ["dn-stg-01", "sh-stg-01"], settings_for(emu, POOL))
    by_node = {e.node.name: e for e in result.exports}
    for name, node in desired.nodes.items():
        # Exported == what was configured, for every section the node carries.
        assert _configured_part(_canon(by_node[name].sections), _canon(node.sections)) == _canon(node.sections)
    exported = {s for e in result.exports for s, r in e.sections.items() if r}
    # Staging is the 0.2 baseline (tests/e2e/test_existing_stacks.py): newer types are checked on prod below.
    assert exported == {conv.yaml_section for conv in REGISTRY} - {"logCollectionPolicies", "policySyslogCollectors"}

    dn = {s: {r[by_section(s).name_key]: r for r in rs} for s, rs in by_node["dn-stg-01"].sections.items()}
    # Ids on the wire came back as names.
    assert dn["processingPolicies"]["pp-staging-test"]["routing_policy"] == "rp-staging-test"
    assert dn["devices"]["stg-dc-01"]["devicegroup"] == ["dg-windows"]
    assert dn["syslogCollectors"]["stg-dc-01"]["processpolicy"] == "pp-windows"
    assert all(
        pkg.startswith("LP_") for np in dn["normalizationPolicies"].values() for pkg in np.get("norm_packages", [])
    )
    assert any(np.get("norm_packages") for np in dn["normalizationPolicies"].values())
    rules = by_node["sh-stg-01"].sections["alertRules"]
    assert {r["owner"] for r in rules} == {"admin"}
    assert ["repo-pci", "repo-windows"] in [r["repos"] for r in rules]
    # Read-side names became write-side ones; server-only fields are gone; built-ins are left out.
    text = stream(result.files)
    docs = list(yaml.safe_load_all(text))
    for forbidden in (" repopath:", "repo_number", "used_size", "tid:", "risk_values", "device_groups:", " id:"):
        assert forbidden not in text
    assert "hiddenrepopath" in text
    names = {r.get("name") for d in docs for r in d["spec"].get("repos", [])}
    assert not names & {"default", "_logpoint", "_LogPointAlerts"}
    assert result.exports[0].counts["repos"].builtins_skipped == 3
    # The files validate and render to exactly what is on the nodes.
    write_files(result, tmp_path)
    assert check_written(result, tmp_path) == []
    rendered = load_instance(tmp_path / "bank-a" / "dn-stg-01+sh-stg-01" / "instance.yaml")
    for node in rendered.nodes.values():
        assert _canon(node.sections) == _live(emu, node.logpoint_id, node.name)


def test_log_collection_policies_and_device_policies_are_exported_by_name(emu: Any) -> None:
    desired = populate(emu, PROD)
    result = export_fleet(FLEET, ["dn-prod-01"], settings_for(emu, POOL))
    sections = result.exports[0].sections
    configured = desired.nodes["dn-prod-01"].sections
    assert _canon({"logCollectionPolicies": sections["logCollectionPolicies"]}) == _canon(
        {"logCollectionPolicies": configured["logCollectionPolicies"]}
    )
    devices = {d["name"]: d for d in sections["devices"]}
    assert devices["dc-01"]["logpolicy"] == ["lcp-domain-controllers"]
    assert "logpolicy" not in devices["fw-edge-01"]
    # Distributed collectors (ids on the wire, §7.17) come back as the names the YAML wrote.
    assert devices["fw-edge-01"]["distributed_collector"] == ["dc-hq-01"]
    assert "distributed_collector" not in devices["dc-01"]
    # The policy's own collector is exported keyed by the policy, not mixed with the devices' collectors.
    assert _canon({"policySyslogCollectors": sections["policySyslogCollectors"]}) == _canon(
        {"policySyslogCollectors": configured["policySyslogCollectors"]}
    )
    assert {c["device"] for c in sections["syslogCollectors"]} == {"dc-01", "dc-02", "fw-edge-01", "linux-app-01"}
    assert "col_apps" not in stream(result.files)


def test_builtins_are_exported_when_asked(emu: Any) -> None:
    result = export_fleet(
        FLEET, ["dn-stg-01"], settings_for(emu, POOL), include_builtins=True, only=frozenset({"repos"})
    )
    assert {r["name"] for r in result.exports[0].sections["repos"]} == {"default", "_logpoint", "_LogPointAlerts"}
    assert list(result.exports[0].sections) == ["repos"]


def test_a_cluster_exports_as_one_template_and_an_empty_instance(emu: Any, tmp_path: Path) -> None:
    populate(emu, PROD)
    nodes = ["dn-prod-01", "dn-prod-02", "sh-prod-01"]
    result = export_fleet(FLEET, nodes, settings_for(emu, POOL))
    assert len(result.parts.groups) == 1
    assert result.parts.groups[0].sections == {}
    instances = [f for f in result.files if f.document["kind"] == "TopologyInstance"]
    assert len(instances) == 1
    spec = instances[0].document["spec"]
    assert spec == {
        "targets": {"dataNodes": {"node": ["dn-prod-01", "dn-prod-02"]}, "searchHeads": {"node": "sh-prod-01"}}
    }
    write_files(result, tmp_path)
    assert check_written(result, tmp_path) == []


def test_node_differences_go_to_per_node_instances(emu: Any, tmp_path: Path) -> None:
    populate(emu, PROD)
    dn1, dn2 = "01925abf82fe0db0a75c190c4316b8a6", "01925abf82fe0db0a75c190c4316b8a7"
    repo = next(o for o in emu.objects(POOL, dn2, "Repos") if o["name"] == "repo-linux")
    emu.oob_update(POOL, dn2, "Repos", repo["id"], {"hiddenrepopath": [{"path": "/data/cold/", "retention": 3}]})
    client = node_client(settings_for(emu, POOL), dn1, "dn-prod-01", POOL)
    body = {"name": "repo-only-dn1", "hiddenrepopath": [{"path": "/data/hot/", "retention": 5}]}
    client.create(by_section("repos"), body, name="repo-only-dn1")
    runtime.reset()

    result = export_fleet(FLEET, ["dn-prod-01", "dn-prod-02"], settings_for(emu, POOL))
    shared = {r["name"] for r in result.parts.shared["repos"]}
    assert "repo-linux" not in shared
    assert "repo-only-dn1" not in shared
    assert "repo-windows" in shared
    groups = {tuple(e.node.name for e in g.nodes): g.sections for g in result.parts.groups}
    assert {r["name"] for r in groups[("dn-prod-01",)]["repos"]} == {"repo-linux", "repo-only-dn1"}
    assert [r["name"] for r in groups[("dn-prod-02",)]["repos"]] == ["repo-linux"]
    assert groups[("dn-prod-02",)]["repos"][0]["hiddenrepopath"] == [{"path": "/data/cold/", "retention": 3}]
    write_files(result, tmp_path)
    assert [i for i in check_written(result, tmp_path) if i.severity == "error"] == []
    for name, node_id in (("dn-prod-01", dn1), ("dn-prod-02", dn2)):
        rendered = load_instance(tmp_path / "bank-a" / name / "instance.yaml")
        assert list(rendered.nodes) == [name]
        assert _canon(rendered.nodes[name].sections) == _live(emu, node_id, name)


def test_output_is_deterministic_whatever_the_list_order(emu: Any, tmp_path: Path) -> None:
    populate(emu, PROD)
    first = stream(export_fleet(FLEET, ["dn-prod-01", "dn-prod-02", "sh-prod-01"], settings_for(emu, POOL)).files)
    runtime.reset()
    again = stream(export_fleet(FLEET, ["sh-prod-01", "dn-prod-02", "dn-prod-01"], settings_for(emu, POOL)).files)
    assert first == again

    # The same objects created in reverse order (another Director's list order) export identically.
    desired = load_instance(PROD)
    node = desired.nodes["dn-prod-01"]
    emu.reset()
    runtime.reset()
    client = node_client(settings_for(emu, POOL), node.logpoint_id, node.name, POOL)
    resolver = NodeResolver(client)
    for conv in REGISTRY:
        for obj in reversed(node.sections.get(conv.yaml_section, [])):
            devices = {**obj, "ip": list(reversed(obj["ip"]))} if conv.yaml_section == "devices" else obj
            obj_id, _ = client.create(conv, mapping.to_wire(conv, devices, resolver), name=str(obj[conv.name_key]))
            resolver.seed(conv.yaml_section, str(obj[conv.name_key]), obj_id)
    runtime.reset()
    reversed_text = stream(export_fleet(FLEET, ["dn-prod-01"], settings_for(emu, POOL)).files)
    emu.reset()
    populate(emu, PROD)
    forward_text = stream(export_fleet(FLEET, ["dn-prod-01"], settings_for(emu, POOL)).files)
    assert reversed_text == forward_text

    # Written twice into the same directory: byte-identical files.
    result = export_fleet(FLEET, ["dn-prod-01"], settings_for(emu, POOL))
    write_files(result, tmp_path)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*.yaml")}
    write_files(export_fleet(FLEET, ["dn-prod-01"], settings_for(emu, POOL)), tmp_path)
    assert {p: p.read_bytes() for p in tmp_path.rglob("*.yaml")} == before


def test_what_the_model_cannot_express_is_reported(emu: Any) -> None:
    populate(emu, STAGING)
    node = "5c1e0a7d3b2f4e6a9d8c7b6a5f4e3d21"
    # Straight into the emulator's store: fields a newer Director returns, a dangling id, a foreign collector.
    with emu.store.lock:
        objects = emu.store.node(POOL, node).objects
        repo = next(o for o in objects("Repos").values() if o["name"] == "repo-audit")
        repo["compression_level"] = "high"
        pp = next(o for o in objects("ProcessingPolicy").values() if o["policy_name"] == "pp-staging-test")
        pp["routing_policy"] = "0" * 24
        device = next(o for o in objects("Devices").values() if o["name"] == "stg-fw-01")
        device["col_apps"] = [*device["col_apps"], {"app": "SNMPFetcher", "uuid": "f" * 32}]

    result = export_fleet(FLEET, ["dn-stg-01"], settings_for(emu, POOL))
    found = {(u.section, u.name): u.what for u in result.exports[0].unexpressible}
    assert "compression_level" in found[("repos", "repo-audit")]
    assert "0" * 24 in found[("processingPolicies", "pp-staging-test")]
    assert "SNMPFetcher" in found[("devices", "stg-fw-01")]
    assert json.dumps(result.exports[0].sections).count("compression_level") == 0


def test_a_field_the_director_does_not_return_is_named_in_the_summary(emu: Any) -> None:
    # The documented NormalizationPolicy reads carry no compiled_normalizer (docs/director-api.md §7.3).
    emu.set_runtime_config(returns_compiled_normalizer=False)
    populate(emu, STAGING)
    result = export_fleet(FLEET, ["dn-stg-01"], settings_for(emu, POOL))
    export = result.exports[0]
    assert all("compiled_normalizer" not in np for np in export.sections["normalizationPolicies"])
    missing = {u.name for u in export.unexpressible if "'compiled_normalizer' is not returned" in u.what}
    assert missing == {np["name"] for np in export.sections["normalizationPolicies"]}
    assert "np-staging-json" in missing
