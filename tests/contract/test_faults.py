"""The client against an emulator misbehaving on purpose: counts, order forms, failures, faults, refresh, leaks."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from typing import Any

import pytest

from cac_director.conventions import by_section
from cac_director.director import mapping
from cac_director.errors import CreateUnconfirmed, OrderFailed

from .conftest import NODE, POOL, TOKEN

REPOS = by_section("repos")
RP = by_section("routingPolicies")
LIST_REPOS = "GET /configapi/{pool}/{node}/Repos"
POST_REPOS = "POST /configapi/{pool}/{node}/Repos"
POLL = "GET /monitorapi/{pool}/{node}/orders/{order}"


def repo(name: str) -> dict[str, Any]:
    return {"name": name, "hiddenrepopath": [{"path": "/opt/immune/storage/", "retention": 30}]}


def names_on_node(emu: Any) -> Counter[str]:
    return Counter(obj["name"] for obj in emu.objects(POOL, NODE, "Repos"))


@pytest.mark.parametrize("leading_slash", [False, True])
def test_create_costs_one_post_polls_and_one_list(fresh, client, leading_slash) -> None:
    # The order is held until it was seen pending once, then released: no timing decides the counts.
    fresh.set_runtime_config(monitor_leading_slash=leading_slash)
    fresh.set_faults(stuck_orders=True)
    fresh.reset_request_log()
    created = threading.Thread(target=client.create, args=(REPOS, repo("r1")), kwargs={"name": "r1"})
    created.start()
    deadline = time.monotonic() + 60  # hang guard only
    while fresh.request_counts().get(POLL, 0) < 1:
        assert time.monotonic() < deadline, "the order was never polled"
        time.sleep(0.01)
    fresh.clear_faults()
    fresh.release_orders()
    created.join(timeout=60)
    assert not created.is_alive()
    counts = fresh.request_counts()
    assert counts[POST_REPOS] == 1
    assert counts[LIST_REPOS] == 1
    assert counts[POLL] >= 2  # pending at first, then done
    assert sum(counts.values()) == 1 + 1 + counts[POLL]
    assert names_on_node(fresh)["r1"] == 1


def test_update_and_delete_call_counts(fresh, client) -> None:
    new_id, _ = client.create(REPOS, repo("r1"), name="r1")
    fresh.reset_request_log()
    client.update(REPOS, new_id, {**repo("r1"), "hiddenrepopath": [{"path": "/data/hot", "retention": 7}]}, name="r1")
    counts = fresh.request_counts()
    assert counts["PUT /configapi/{pool}/{node}/Repos/{id}"] == 1
    assert counts["GET /configapi/{pool}/{node}/Repos/{id}"] == 1
    assert sum(counts.values()) == 2 + counts[POLL]
    fresh.reset_request_log()
    client.delete(REPOS, new_id, name="r1")
    counts = fresh.request_counts()
    assert counts["DELETE /configapi/{pool}/{node}/Repos/{id}"] == 1
    assert sum(counts.values()) == 1 + counts[POLL]


@pytest.mark.parametrize("style", ["string", "object"])
def test_failed_order_raises_with_director_text(fresh, client, style) -> None:
    fresh.set_faults(fail_orders=1.0, order_error_style=style)
    with pytest.raises(OrderFailed) as info:
        client.create(REPOS, repo("r1"), name="r1")
    err = info.value
    assert (err.resource_type, err.name, err.node) == ("Repo", "r1", "dn1")
    assert err.errors and err.director_message
    assert "creating Repo 'r1' on node dn1 failed" in str(err)


def test_semantic_refusal_is_an_order_failure_naming_the_reference(fresh, client) -> None:
    body = {"policy_name": "rp-x", "catch_all": "no-such-repo", "routing_criteria": []}
    with pytest.raises(OrderFailed, match="no-such-repo"):
        client.create(RP, body, name="rp-x")


def test_never_finishing_order_times_out(fresh, make_client) -> None:
    fresh.set_faults(stuck_orders=1.0)
    with pytest.raises(CreateUnconfirmed, match="did not finish"):
        make_client(order_deadline=0.3).create(REPOS, repo("r1"), name="r1")


def test_lagging_list_is_waited_for(fresh, client) -> None:
    fresh.set_faults(list_lag=0.3)
    new_id, obj = client.create(REPOS, repo("r1"), name="r1")
    assert obj["id"] == new_id
    assert fresh.request_counts()[LIST_REPOS] >= 2


@pytest.mark.parametrize(
    "faults",
    [
        {"error_rate": 0.35, "error_status": 503},
        {"error_rate": 0.35, "error_status": 429, "retry_after": 0},
        {"error_rate": 0.35, "error_status": 500},
        {"drop_rate": 0.3},
    ],
    ids=["503", "429", "500", "drop"],
)
def test_faults_never_duplicate_an_object(fresh, client, resolver, faults) -> None:
    fresh.set_faults(seed=7, **faults)
    created = {}
    for index in range(6):
        name = f"r{index}"
        created[name], _ = client.create(REPOS, mapping.to_wire(REPOS, repo(name), resolver), name=name)
    fresh.clear_faults()
    counts = names_on_node(fresh)
    assert all(counts[name] == 1 for name in created), counts
    live = {o["name"]: o["id"] for o in client.list(REPOS)}
    assert all(live[name] == obj_id for name, obj_id in created.items())


def test_expired_token_is_refreshed_through_refresh_token(fresh, make_client) -> None:
    client = make_client(token="an-expired-token", refresh_secret="old-secret-key")
    new_id, _ = client.create(REPOS, repo("r1"), name="r1")
    assert new_id
    counts = fresh.request_counts()
    assert counts["POST /refreshToken"] == 1
    # The emulator logs every request: the POST refused with 401 (never applied) and the retried one.
    assert counts[POST_REPOS] == 2
    assert names_on_node(fresh)["r1"] == 1


def test_token_never_appears_in_logs_or_errors(fresh, make_client, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    fresh.set_faults(seed=3, error_rate=0.3, drop_rate=0.1)
    client = make_client(max_retries=1)
    texts: list[str] = [repr(client), repr(client.settings), repr(client.session)]
    for index in range(5):
        try:
            client.create(REPOS, repo(f"t{index}"), name=f"t{index}")
        except Exception as exc:
            texts += [str(exc), repr(exc), repr(exc.args)]
    fresh.clear_faults()
    fresh.set_faults(fail_orders=1.0)
    with pytest.raises(OrderFailed) as info:
        client.create(REPOS, repo("tx"), name="tx")
    texts += [str(info.value), repr(info.value.__dict__)]
    texts += [r.getMessage() for r in caplog.records] + [str(r.__dict__) for r in caplog.records]
    assert caplog.records
    assert not [t for t in texts if TOKEN in t]
