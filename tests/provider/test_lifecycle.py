"""Every provider type through create -> read -> diff -> update -> drift -> delete against the emulator."""

from __future__ import annotations

import copy
import threading
import time
from typing import Any

import pytest
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.output import Unknown

from cac_director.conventions import REGISTRY, ResourceConventions, by_section
from cac_director.director import runtime
from cac_director.pulumi_provider.providers import PROVIDERS
from tests.contract.test_round_trips import CASES, MODES
from tests.provider.conftest import NODE, POOL, TOKEN


def _props(model: dict[str, Any], target: dict[str, str], ref_ids: dict[str, Any] | None = None) -> dict[str, Any]:
    # As the program registers them: meta keys at their defaults are left out.
    props = {**copy.deepcopy(model), "target": target}
    if ref_ids:
        props["ref_ids"] = ref_ids
    return props


def _create(make_provider, section: str, model: dict[str, Any], target: dict[str, str]):
    provider = make_provider(PROVIDERS[by_section(section).type_name])
    checked = provider.check({}, _props(model, target))
    assert checked.failures == []
    return provider, checked.inputs, provider.create(checked.inputs)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("conv", REGISTRY, ids=lambda c: c.type_name)
def test_lifecycle(conv: ResourceConventions, mode: str, fresh, target, make_provider) -> None:
    fresh.set_runtime_config(**MODES[mode])
    prereqs, model, updated = CASES[conv.yaml_section]
    for section, prereq in prereqs:
        _create(make_provider, section, prereq, target)
    provider, inputs, created = _create(make_provider, conv.yaml_section, model, target)

    # What the Director reports right after create equals what was asked for: an empty plan next time.
    assert provider.diff(created.id, created.outs, inputs).changes is False
    # Refresh reads the same thing back (no drift right after create).
    read = provider.read(created.id, created.outs)
    assert read.id == created.id
    assert provider.diff(created.id, read.outs, inputs).changes is False

    new_inputs = provider.check(created.outs, _props(updated, target)).inputs
    diff = provider.diff(created.id, created.outs, new_inputs)
    assert diff.changes is True
    assert diff.replaces == []
    after = provider.update(created.id, created.outs, new_inputs)
    assert provider.diff(created.id, after.outs, new_inputs).changes is False

    provider.delete(created.id, after.outs)
    # Deleting what is already gone succeeds (destroy after an out-of-band delete).
    provider.delete(created.id, after.outs)
    runtime.reset()  # a refresh is a new provider process
    # A singleton is never deleted (tests/provider/test_system_settings.py): the node keeps it.
    assert provider.read(created.id, after.outs).id == (created.id if conv.singleton else None)


def test_out_of_band_change_is_seen_by_read_and_repaired_by_update(fresh, target, make_provider) -> None:
    _, model, _ = CASES["repos"]
    provider, inputs, created = _create(make_provider, "repos", model, target)
    fresh.oob_update(
        target["pool"],
        target["node"],
        "Repos",
        created.id,
        {"hiddenrepopath": [{"path": "/data/cold/", "retention": 7}]},
    )
    read = provider.read(created.id, created.outs)
    assert read.outs["hiddenrepopath"] == [{"path": "/data/cold/", "retention": 7}]
    drift = provider.diff(created.id, read.outs, inputs)
    assert drift.changes is True
    repaired = provider.update(created.id, read.outs, inputs)
    assert provider.diff(created.id, repaired.outs, inputs).changes is False
    stored = next(o for o in fresh.objects(target["pool"], target["node"], "Repos") if o["name"] == "repo-secu")
    assert [p["retention"] for p in stored["repopath"]] == [30, 90]


def test_processing_policy_uses_the_ids_it_is_given(fresh, target, make_provider) -> None:
    _, rp_model, _ = CASES["routingPolicies"]
    _, _, rp = _create(make_provider, "routingPolicies", rp_model, target)
    pp = make_provider(PROVIDERS["ProcessingPolicy"])
    props = _props(
        {"policy_name": "pp-win", "norm_policy": "_logpoint", "routing_policy": "rp-secu"},
        target,
        {"routing_policy": {"rp-secu": rp.id}},
    )
    fresh.reset_request_log()
    created = pp.create(pp.check({}, props).inputs)
    stored = next(o for o in fresh.objects(target["pool"], target["node"], "ProcessingPolicy") if o["id"] == created.id)
    assert stored["routing_policy"] == rp.id
    assert stored["enrich_policy"] == "None"
    assert created.outs["ref_ids"] == {"routing_policy": {"rp-secu": rp.id}}
    # The id came from the engine: no RoutingPolicies listing was needed to resolve it.
    assert "GET /configapi/{pool}/{node}/RoutingPolicies" not in fresh.request_counts()


def test_replaced_upstream_changes_the_reference(fresh, target, make_provider) -> None:
    _, rp_model, _ = CASES["routingPolicies"]
    _, _, rp = _create(make_provider, "routingPolicies", rp_model, target)
    pp = make_provider(PROVIDERS["ProcessingPolicy"])
    model = {"policy_name": "pp-win", "norm_policy": "_logpoint", "routing_policy": "rp-secu"}
    created = pp.create(pp.check({}, _props(model, target, {"routing_policy": {"rp-secu": rp.id}})).inputs)
    new_inputs = pp.check({}, _props(model, target, {"routing_policy": {"rp-secu": "0" * 24}})).inputs
    assert pp.diff(created.id, created.outs, new_inputs).changes is True


def test_check_reports_missing_fields_and_builtins(target, make_provider) -> None:
    repo = make_provider(PROVIDERS["Repo"])
    failures = repo.check({}, {"name": "", "target": target}).failures
    assert {f.property for f in failures} == {"name", "hiddenrepopath"}
    builtin = repo.check({}, _props({"name": "_logpoint", "hiddenrepopath": [{"path": "/x/", "retention": 1}]}, target))
    assert [f.property for f in builtin.failures] == ["name"]
    assert "built-in" in builtin.failures[0].reason
    no_target = repo.check({}, {"name": "r", "hiddenrepopath": [{"path": "/x/", "retention": 1}], "target": {}})
    assert [f.property for f in no_target.failures] == ["target"]


def test_check_and_diff_tolerate_unknowns_in_preview(target, make_provider) -> None:
    pp = make_provider(PROVIDERS["ProcessingPolicy"])
    news = _props(
        {"policy_name": "pp", "norm_policy": Unknown(), "routing_policy": "rp"},
        target,
        {"routing_policy": {"rp": Unknown()}},
    )
    assert pp.check({}, news).failures == []
    olds = _props(
        {"policy_name": "pp", "norm_policy": "np", "routing_policy": "rp"}, target, {"routing_policy": {"rp": "a" * 24}}
    )
    diff = pp.diff("x" * 24, olds, news)
    assert diff.changes is True
    assert diff.replaces == []


def test_name_or_node_change_replaces_delete_first(target, make_provider) -> None:
    repo = make_provider(PROVIDERS["Repo"])
    olds = _props({"name": "a", "hiddenrepopath": [{"path": "/x/", "retention": 1}]}, target)
    renamed = _props({"name": "b", "hiddenrepopath": [{"path": "/x/", "retention": 1}]}, target)
    diff = repo.diff("i" * 24, olds, renamed)
    assert diff.replaces == ["name"] and diff.delete_before_replace is True
    moved = _props({"name": "a", "hiddenrepopath": [{"path": "/x/", "retention": 1.0}]}, {**target, "node": "f" * 32})
    assert repo.diff("i" * 24, olds, moved).replaces == ["target"]
    # A new Director address or pool for the same node is a connection setting, not a change to the object;
    # nor is the same node without them (the program now hands both to the provider).
    model = {"name": "a", "hiddenrepopath": [{"path": "/x", "retention": 1.0}]}
    for other in ({**target, "url": "x"}, {**target, "pool": "e" * 32}, {"node": target["node"], "node_name": "dn-01"}):
        assert repo.diff("i" * 24, olds, _props(model, other)).changes is False


def test_the_director_and_pool_come_from_the_provider_configuration(fresh, target, make_provider) -> None:
    """Explicit providers carry the fleet's URL and pool; resources then carry only their node."""
    repo = PROVIDERS["Repo"]()
    repo.configure(
        ConfigureRequest(
            Config(
                {"cac-director:token": TOKEN, "cac-director:directorUrl": fresh.url, "cac-director:poolUuid": POOL},
                "cac-director",
            )
        )
    )
    node_only = {"node": NODE, "node_name": "dn-01"}
    model = {"name": "repo-loc", "hiddenrepopath": [{"path": "/data/hot/", "retention": 7}]}
    checked = repo.check({}, _props(model, node_only))
    assert checked.failures == []
    created = repo.create(checked.inputs)
    assert created.outs["target"] == node_only
    assert [o["id"] for o in fresh.objects(POOL, NODE, "Repos") if o["name"] == "repo-loc"] == [created.id]
    assert repo.read(created.id, created.outs).id == created.id
    repo.delete(created.id, created.outs)
    assert not [o for o in fresh.objects(POOL, NODE, "Repos") if o["name"] == "repo-loc"]
    # A provider without them (the default provider) needs them in the target.
    bare = make_provider(PROVIDERS["Repo"])
    failures = bare.check({}, _props(model, node_only)).failures
    assert [f.property for f in failures] == ["target"]
    assert "url, pool" in failures[0].reason


def test_existing_object_needs_adoption(fresh, target, make_provider) -> None:
    _, model, _ = CASES["repos"]
    _create(make_provider, "repos", model, target)
    runtime.reset()
    repo = make_provider(PROVIDERS["Repo"])
    wanted = {**model, "hiddenrepopath": [{"path": "/data/hot", "retention": 45}]}
    with pytest.raises(Exception, match="adoptExisting") as refused:
        repo.create(repo.check({}, _props(wanted, target)).inputs)
    assert "already exists on node dn-01" in str(refused.value)
    adopted = repo.create(repo.check({}, {**_props(wanted, target), "adopt": True}).inputs)
    stored = fresh.objects(target["pool"], target["node"], "Repos")
    assert [o["name"] for o in stored].count("repo-secu") == 1
    assert adopted.outs["hiddenrepopath"] == [{"path": "/data/hot/", "retention": 45}]


def test_builtins_are_never_deleted(fresh, target, make_provider) -> None:
    repo = make_provider(PROVIDERS["Repo"])
    default = next(o for o in fresh.objects(target["pool"], target["node"], "Repos") if o["name"] == "default")
    repo.delete(default["id"], _props({"name": "default"}, target))
    assert any(o["name"] == "default" for o in fresh.objects(target["pool"], target["node"], "Repos"))
    assert not any(k.startswith("DELETE") for k in fresh.request_counts())


def test_removing_an_optional_field_clears_it_on_the_node(fresh, target, make_provider) -> None:
    group = make_provider(PROVIDERS["DeviceGroup"])
    created = group.create(group.check({}, _props({"name": "dg-x", "description": "temporary"}, target)).inputs)
    news = group.check(created.outs, _props({"name": "dg-x"}, target)).inputs
    assert group.diff(created.id, created.outs, news).changes is True
    after = group.update(created.id, created.outs, news)
    stored = next(o for o in fresh.objects(target["pool"], target["node"], "DeviceGroups") if o["name"] == "dg-x")
    assert stored["description"] == ""
    assert group.diff(created.id, after.outs, news).changes is False


def test_errors_say_what_was_being_done_where(fresh, target, make_provider) -> None:
    fresh.set_faults(error_rate=1.0, error_status=503, retry_after=0)
    repo = make_provider(PROVIDERS["Repo"])
    props = repo.check({}, _props(CASES["repos"][1], target)).inputs
    with pytest.raises(Exception, match=r"^creating Repo 'repo-secu' on node dn-01: .*503") as failed:
        repo.create(props)
    assert type(failed.value).__name__ == "DirectorError"
    assert "provider-test-token" not in str(failed.value)


def test_adopting_an_object_that_already_matches_writes_nothing(fresh, target, make_provider) -> None:
    _, model, _ = CASES["repos"]
    _create(make_provider, "repos", model, target)
    runtime.reset()
    fresh.reset_request_log()
    repo = make_provider(PROVIDERS["Repo"])
    adopted = repo.create(repo.check({}, {**_props(model, target), "adopt": True}).inputs)
    assert adopted.id
    assert not [call for call in fresh.request_counts() if call.split()[0] in {"POST", "PUT", "DELETE"}]


@pytest.mark.slow
def test_create_applied_before_the_director_stopped_answering_is_recorded(fresh, target, make_provider) -> None:
    """The POST is accepted, then the Director answers 503 for 40 s (a restart): the provider rides through
    and records the object, or it would be orphaned (a failed create is not recorded in state)."""
    fresh.set_runtime_config(order_delay=0.5)
    repo = make_provider(PROVIDERS["Repo"])
    props = repo.check({}, _props(CASES["repos"][1], target)).inputs

    def outage() -> None:
        deadline = time.monotonic() + 10
        while "POST /configapi/{pool}/{node}/Repos" not in fresh.request_counts() and time.monotonic() < deadline:
            time.sleep(0.01)
        fresh.set_faults(error_rate=1.0, error_status=503)
        time.sleep(40)  # the fault's length, not a wait for the code under test
        fresh.clear_faults()

    thread = threading.Thread(target=outage)
    thread.start()
    try:
        created = repo.create(props)
    finally:
        thread.join()
        fresh.set_runtime_config(order_delay=0.0)
    stored = [o for o in fresh.objects(target["pool"], target["node"], "Repos") if o["name"] == "repo-secu"]
    assert [o["id"] for o in stored] == [created.id]
    assert repo.diff(created.id, created.outs, props).changes is False


@pytest.mark.parametrize("returned", [False, True])
def test_compiled_normalizer_needs_no_read_back(returned: bool, fresh, target, make_provider) -> None:
    # The documented NormalizationPolicy reads lack compiled_normalizer (docs/director-api.md §7.3).
    fresh.set_runtime_config(returns_compiled_normalizer=returned)
    _, model, _ = CASES["normalizationPolicies"]
    provider, inputs, created = _create(make_provider, "normalizationPolicies", model, target)
    assert created.outs["compiled_normalizer"] == model["compiled_normalizer"]
    read = provider.read(created.id, created.outs)
    assert read.outs["compiled_normalizer"] == model["compiled_normalizer"]
    assert provider.diff(created.id, read.outs, inputs).changes is False
    stored = next(o for o in fresh.objects(POOL, NODE, "NormalizationPolicy") if o["id"] == created.id)
    assert stored["compiled_normalizer"] == ",".join(model["compiled_normalizer"])


def test_state_that_recorded_an_alert_rule_timestamp_on_still_plans_empty(fresh, make_provider) -> None:
    # Stacks written before 0.3.0 carry timestamp_on in an alert rule's inputs and outputs (CHANGELOG 0.3.0).
    sh_target = {"url": fresh.url, "pool": POOL, "node": NODE, "node_name": "dn-01"}
    _, model, _ = CASES["alertRules"]
    provider, inputs, created = _create(make_provider, "alertRules", model, sh_target)
    old_outs = {**created.outs, "timestamp_on": "log_ts"}
    assert provider.diff(created.id, old_outs, inputs).changes is False
    read = provider.read(created.id, old_outs)
    assert "timestamp_on" not in read.outs
    assert provider.diff(created.id, read.outs, inputs).changes is False
