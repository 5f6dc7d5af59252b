"""Creates the Director may have applied are recorded, never orphaned; objects of other stacks are refused.

Provider methods are called directly against the emulator over HTTP (docs/reliability.md has the fault table).
"""

from __future__ import annotations

import copy
import threading
import time
from typing import Any

import pytest
from pulumi.dynamic import Config, ConfigureRequest

from cac_director.director import runtime
from cac_director.pulumi_provider.providers import PROVIDERS
from tests.contract.test_round_trips import CASES
from tests.provider.conftest import TOKEN

STACK_A = "cac-director/bank-b-prod"
STACK_B = "cac-director/bank-b-dr"


def _provider(type_name: str, **config: str) -> Any:
    provider = PROVIDERS[type_name]()
    settings = {"cac-director:token": TOKEN, **{f"cac-director:{k}": v for k, v in config.items()}}
    provider.configure(ConfigureRequest(Config(settings, "cac-director")))
    return provider


def _new_run() -> None:
    """A new provider process: no caches carried over."""
    runtime.reset()


def _group(target: dict[str, str], owner: str | None, **extra: Any) -> dict[str, Any]:
    props: dict[str, Any] = {"name": "dg-x", "description": "Linux servers", "target": target, **extra}
    if owner:
        props["managed_by"] = owner
    return props


def _stored(fresh: Any, target: dict[str, str], resource: str, name: str) -> list[dict[str, Any]]:
    return [o for o in fresh.objects(target["pool"], target["node"], resource) if o.get("name") == name]


def test_the_marker_is_written_but_never_shown(fresh, target) -> None:
    group = _provider("DeviceGroup")
    created = group.create(group.check({}, _group(target, STACK_A)).inputs)
    [stored] = _stored(fresh, target, "DeviceGroups", "dg-x")
    assert stored["description"] == f"Linux servers [cac-director:{STACK_A}]"
    assert created.outs["description"] == "Linux servers"
    assert created.outs["managed_by"] == STACK_A
    assert group.diff(created.id, created.outs, group.check({}, _group(target, STACK_A)).inputs).changes is False
    assert group.read(created.id, created.outs).outs["description"] == "Linux servers"


def test_a_stack_takes_back_its_own_object_without_adoption(fresh, target) -> None:
    group = _provider("DeviceGroup")
    group.create(group.check({}, _group(target, STACK_A)).inputs)
    _new_run()  # the state lost the create (an interrupted apply): the next run meets the object
    again = _provider("DeviceGroup").create(_group(target, STACK_A, description="Linux servers"))
    assert [o["id"] for o in _stored(fresh, target, "DeviceGroups", "dg-x")] == [again.id]


def test_another_stacks_object_is_refused_even_with_adoption(fresh, target) -> None:
    group = _provider("DeviceGroup")
    group.create(group.check({}, _group(target, STACK_A)).inputs)
    _new_run()
    with pytest.raises(Exception, match=f"managed by stack '{STACK_A}'") as refused:
        _provider("DeviceGroup").create(_group(target, STACK_B, adopt=True))
    assert "dg-x" in str(refused.value) and "dn-01" in str(refused.value)
    [stored] = _stored(fresh, target, "DeviceGroups", "dg-x")
    assert stored["description"].endswith(f"[cac-director:{STACK_A}]")


def test_an_unmarked_object_still_needs_adoption_and_then_gets_the_marker(fresh, target) -> None:
    _provider("DeviceGroup").create(_group(target, None))
    _new_run()
    group = _provider("DeviceGroup")
    with pytest.raises(Exception, match="adoptExisting"):
        group.create(_group(target, STACK_A))
    adopted = group.create(_group(target, STACK_A, adopt=True))
    assert adopted.outs["managed_by"] == STACK_A
    [stored] = _stored(fresh, target, "DeviceGroups", "dg-x")
    assert stored["description"].endswith(f"[cac-director:{STACK_A}]")


def test_a_stack_written_by_0_2_gets_the_marker_by_an_update_not_a_replace(fresh, target) -> None:
    group = _provider("DeviceGroup")
    old = group.create(group.check({}, _group(target, None)).inputs)  # 0.2 state: no marker, no managed_by
    news = group.check(old.outs, _group(target, STACK_A)).inputs
    diff = group.diff(old.id, old.outs, news)
    assert diff.changes is True and diff.replaces == []
    updated = group.update(old.id, old.outs, news)
    assert updated.outs["managed_by"] == STACK_A and updated.outs["description"] == "Linux servers"
    assert group.diff(old.id, updated.outs, news).changes is False


@pytest.mark.slow
def test_an_order_slower_than_the_timeout_is_reported_honestly_and_recorded_next_run(fresh, target) -> None:
    fresh.set_runtime_config(order_delay=3.0)
    group = _provider("DeviceGroup", orderTimeout="0.5")
    with pytest.raises(Exception, match="may still appear") as unconfirmed:
        group.create(group.check({}, _group(target, STACK_A)).inputs)
    message = str(unconfirmed.value)
    assert "nothing was left behind" not in message and "next `pulumi up` records it" in message
    fresh.set_runtime_config(order_delay=0.0)
    _new_run()
    # The late order completes; the next plain run (no adoptExisting) records the object.
    again = _provider("DeviceGroup").create(_group(target, STACK_A))
    assert [o["id"] for o in _stored(fresh, target, "DeviceGroups", "dg-x")] == [again.id]


@pytest.mark.slow
def test_a_list_lagging_20s_behind_the_create_is_waited_for(fresh, target) -> None:
    fresh.set_faults(list_lag=20.0)
    _, model, _ = CASES["repos"]
    repo = _provider("Repo")
    created = repo.create(repo.check({}, {**copy.deepcopy(model), "target": target}).inputs)
    assert [o["id"] for o in _stored(fresh, target, "Repos", model["name"])] == [created.id]


def test_token_expiry_while_the_order_is_polled_is_not_reported_as_a_refusal(fresh, target) -> None:
    """Without a refresh secret the token cannot be renewed: the create is unconfirmed, not refused."""
    fresh.set_runtime_config(order_delay=1.0)
    _, model, _ = CASES["repos"]
    repo = _provider("Repo")
    props = repo.check({}, {**copy.deepcopy(model), "target": target}).inputs

    def expire_after_the_post() -> None:
        deadline = time.monotonic() + 60  # hang guard only
        while "POST /configapi/{pool}/{node}/Repos" not in fresh.request_counts() and time.monotonic() < deadline:
            time.sleep(0.01)
        fresh.expire_tokens()

    thread = threading.Thread(target=expire_after_the_post)
    thread.start()
    try:
        with pytest.raises(Exception, match="may still appear") as unconfirmed:
            repo.create(props)
    finally:
        thread.join()
        fresh.set_runtime_config(order_delay=0.0)
    assert "refused outright" not in str(unconfirmed.value)
    assert "HTTP 401" in str(unconfirmed.value)
