"""Every managed resource type: create/get/list/find/update/delete over HTTP, read back equal after normalisation."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from cac_director.conventions import REGISTRY, ResourceConventions, by_section
from cac_director.director import DirectorClient, NodeResolver, mapping

# section -> (prerequisites as (section, model), model to create, model after an update): each type file's example,
# copied so that a test editing its case cannot change what the conventions declare.
CASES: dict[str, tuple[tuple[tuple[str, dict[str, Any]], ...], dict[str, Any], dict[str, Any]]] = {
    conv.yaml_section: copy.deepcopy((conv.example.prerequisites, conv.example.model, conv.example.updated))
    for conv in REGISTRY
    if conv.example is not None
}
# What the program adds from the stack's secret map: a password per model, changed by the update (Users).
for _conv in REGISTRY:
    for _secret in _conv.secret_inputs:
        CASES[_conv.yaml_section][1][_secret.field] = "s3cret-one"
        CASES[_conv.yaml_section][2][_secret.field] = "s3cret-two"


def _name(conv: ResourceConventions, model: dict[str, Any]) -> str:
    return str(model[conv.name_key])


def _create(client: DirectorClient, resolver: NodeResolver, section: str, model: dict[str, Any]) -> str:
    conv = by_section(section)
    new_id, _ = client.create(conv, mapping.to_wire(conv, model, resolver), name=_name(conv, model))
    return new_id


def _model(conv: ResourceConventions, read: dict[str, Any], resolver: NodeResolver) -> dict[str, Any]:
    return mapping.normalize(conv, mapping.from_wire(conv, read, resolver))


def _expected(conv: ResourceConventions, model: dict[str, Any], read: dict[str, Any]) -> dict[str, Any]:
    """The normalised model, without the write-only fields this read does not return (§7.3)."""
    expected = mapping.normalize(conv, model)
    return {k: v for k, v in expected.items() if k in read or k not in conv.write_only_fields}


# The Director's unknowns (docs/emulator.md "Choices"): the client must work against either answer.
MODES = {
    "documented": {"put_semantics": "merge", "returns_compiled_normalizer": False},
    "replace-and-echo": {"put_semantics": "replace", "returns_compiled_normalizer": True},
}


def test_every_registered_type_has_a_case() -> None:
    assert {conv.yaml_section for conv in REGISTRY} == set(CASES)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("conv", [c for c in REGISTRY if not c.singleton], ids=lambda c: c.yaml_section)
def test_round_trip(conv: ResourceConventions, mode: str, fresh: Any, client: DirectorClient,
                    resolver: NodeResolver) -> None:  # fmt: skip
    fresh.set_runtime_config(**MODES[mode])
    prerequisites, model, changed = CASES[conv.yaml_section]
    for section, prereq in prerequisites:
        _create(client, resolver, section, prereq)
    name = _name(conv, model)

    new_id, read = client.create(conv, mapping.to_wire(conv, model, resolver), name=name)
    assert new_id
    assert _model(conv, read, resolver) == _expected(conv, model, read)
    got = client.get(conv, new_id)
    assert _model(conv, got, resolver) == _expected(conv, model, got)
    assert [o["id"] for o in client.list(conv) if o["id"] == new_id] == [new_id]
    found = client.find(conv, name)
    assert found is not None and found["id"] == new_id

    updated = client.update(conv, new_id, mapping.to_wire(conv, changed, resolver), name=name)
    assert _model(conv, updated, resolver) == _expected(conv, changed, updated)
    got = client.get(conv, new_id)
    assert _model(conv, got, resolver) == _expected(conv, changed, got)
    if mode == "replace-and-echo":
        # Secrets are never echoed, whatever the Director does with other write-only fields (§7.14).
        echoed = [f for f in conv.write_only_fields if f in changed and f not in {s.field for s in conv.secret_inputs}]
        assert all(field in got for field in echoed)
    assert mapping.normalize(conv, changed) != mapping.normalize(conv, model)

    client.delete(conv, new_id, name=name)
    assert client.find(conv, name) is None
    client.delete(conv, new_id, name=name)  # already gone: still success


def test_lookups_resolve_seeded_vendor_objects(client: DirectorClient) -> None:
    assert client.lookup("users", "admin")
    assert client.lookup("incidentUserGroups", "SOC Analysts")
    assert client.lookup("normalizationPackages", "LP_Windows")
    assert client.lookup("compiledNormalizers", "JSONCompiledNormalizer") == "JSONCompiledNormalizer"
    assert client.lookup("enrichmentSources", "geoip")
    assert "/opt/immune/storage/" in client.repo_paths()
    assert any(r.endswith("/default") for r in client.remote_repos())
