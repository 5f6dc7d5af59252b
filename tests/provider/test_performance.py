"""Performance behaviour that must not regress: request counts of refresh and order polling, provider layout."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from cac_director.director import ClientSettings, node_client, runtime
from cac_director.director.orders import OrderPace
from cac_director.pulumi_provider.providers import PROVIDERS
from tests.provider.conftest import MOCKED_PULUMI, NODE, POOL, TOKEN


def _repo(name: str, target: dict[str, str]) -> dict[str, Any]:
    return {
        "name": name,
        "hiddenrepopath": [{"path": "/data/hot/", "retention": 30}],
        "target": target,
    }


def _twelve_repos_then_a_new_process(fresh: Any, target: dict[str, str], make_provider: Any) -> list[Any]:
    provider = make_provider(PROVIDERS["Repo"])
    created = [provider.create(provider.check({}, _repo(f"repo-{i:02d}", target)).inputs) for i in range(12)]
    # A refresh is a new provider process: no caches from the apply.
    runtime.reset()
    fresh.reset_request_log()
    return created


def test_refresh_lists_each_type_once_per_node_instead_of_one_get_per_resource(fresh, target, make_provider) -> None:
    created = _twelve_repos_then_a_new_process(fresh, target, make_provider)
    refresher = make_provider(PROVIDERS["Repo"])
    for result in created:
        assert refresher.read(result.id, result.outs).id == result.id

    counts = fresh.request_counts()
    assert counts.get("GET /configapi/{pool}/{node}/Repos") == 1
    assert counts.get("GET /configapi/{pool}/{node}/Repos/{id}", 0) == 0


def test_concurrent_refresh_reads_still_list_once(fresh, target, make_provider) -> None:
    """The provider process serves 4 reads at once; they must share one listing, not race to make four."""
    created = _twelve_repos_then_a_new_process(fresh, target, make_provider)
    fresh.set_faults(latency=0.05)  # keep the first listing in flight while the other reads arrive

    refresher = make_provider(PROVIDERS["Repo"])
    with ThreadPoolExecutor(max_workers=4) as pool:
        ids = list(pool.map(lambda result: refresher.read(result.id, result.outs).id, created))
    fresh.clear_faults()

    assert ids == [result.id for result in created]
    assert fresh.request_counts().get("GET /configapi/{pool}/{node}/Repos") == 1


def test_first_order_poll_waits_for_the_typical_order_duration() -> None:
    pace = OrderPace()
    assert pace.first_wait(2.0) == 0.0  # nothing seen yet: poll at once
    for seconds in (0.21, 0.2, 0.5, 0.22, 0.19):
        pace.observed(seconds)
    assert 0.18 <= pace.first_wait(2.0) <= 0.2  # a little under the median (0.21), not pulled up by the 0.5
    assert pace.first_wait(0.1) == 0.1  # never longer than the longest poll interval


def test_orders_of_a_slow_director_are_polled_about_twice(emu) -> None:
    emu.reset()
    emu.set_runtime_config(order_delay=0.2)
    try:
        emu.reset_request_log()
        runtime.reset()  # a new session: the pace learnt from earlier tests' instant orders is dropped
        settings = ClientSettings(url=emu.url, token=TOKEN, pool_uuid=POOL)
        client = node_client(settings, NODE, "dn-01")
        repos = PROVIDERS["Repo"].conventions
        for i in range(8):
            body = {"name": f"paced-{i}", "hiddenrepopath": [{"path": "/data/hot/", "retention": 7}]}
            client.create(repos, body, name=f"paced-{i}")
        polls = sum(n for key, n in emu.request_counts().items() if "/orders/" in key)
        # A fixed 0.05 s x1.6 schedule needs 4 polls per 200 ms order; pacing needs ~2 after the first order.
        assert polls <= 4 + 7 * 2.5, polls
    finally:
        emu.set_runtime_config(order_delay=0.0)
        runtime.reset()


NODE_PROVIDERS_PROGRAM = MOCKED_PULUMI + textwrap.dedent(
    """
    import json, sys
    from cac_director.pulumi_provider.program import ProgramOptions, _node_providers

    nodes = [f"dn-{i:02d}" for i in range(int(sys.argv[1]))]
    options = ProgramOptions(provider_processes=int(sys.argv[2]), provider_settings={"cac-director:orderTimeout": "9"})
    chosen = _node_providers(nodes, options, {"cac-director:poolUuid": "p" * 32})
    print(json.dumps({node: (p._name if p is not None else None) for node, p in chosen.items()}))
    """
)


def _layout(nodes: int, processes: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", NODE_PROVIDERS_PROGRAM, str(nodes), str(processes)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_each_node_gets_one_provider_process_up_to_the_cap() -> None:
    layout = _layout(5, 3)
    # A node never spans providers (its lookups and refresh listings stay in one process).
    assert layout == {
        "dn-00": "cac-director-00",
        "dn-01": "cac-director-01",
        "dn-02": "cac-director-02",
        "dn-03": "cac-director-00",
        "dn-04": "cac-director-01",
    }
    assert set(_layout(2, 16).values()) == {"cac-director-00", "cac-director-01"}
    assert set(_layout(3, 0).values()) == {None}  # 0: the default provider, as before


def _repos_client(emu: Any) -> Any:
    runtime.reset()
    return node_client(ClientSettings(url=emu.url, token=TOKEN, pool_uuid=POOL), NODE, "dn-01")


def test_a_create_finds_its_id_in_any_listing_begun_after_its_order(fresh) -> None:
    client = _repos_client(fresh)
    repos = PROVIDERS["Repo"].conventions
    body = {"name": "shared-a", "hiddenrepopath": [{"path": "/data/hot/", "retention": 7}]}
    first_id, _ = client.create(repos, body, name="shared-a")
    fresh.reset_request_log()
    # A second create's order finishes; a listing begun after that (another create's, a lookup's) answers.
    second_id, _ = client.create(repos, {**body, "name": "shared-b"}, name="shared-b")
    assert fresh.request_counts().get("GET /configapi/{pool}/{node}/Repos") == 1
    finished = time.monotonic()
    listed = {obj["name"]: obj["id"] for obj in client.list(repos)}
    fresh.reset_request_log()
    assert client.find(repos, "shared-a", since=finished)["id"] == listed["shared-a"] == first_id
    assert client.find(repos, "shared-b", since=finished)["id"] == listed["shared-b"] == second_id
    assert fresh.request_counts().get("GET /configapi/{pool}/{node}/Repos", 0) == 0
    # One begun before the moment asked for never answers: the collection is listed again.
    assert client.find(repos, "shared-b", since=time.monotonic())["id"] == second_id
    assert fresh.request_counts().get("GET /configapi/{pool}/{node}/Repos") == 1


def test_concurrent_creates_never_list_more_than_once_each_and_get_their_own_ids(fresh) -> None:
    fresh.set_runtime_config(order_delay=0.2)
    try:
        client = _repos_client(fresh)
        repos = PROVIDERS["Repo"].conventions
        names = [f"together-{i}" for i in range(8)]
        body = {"hiddenrepopath": [{"path": "/data/hot/", "retention": 7}]}
        with ThreadPoolExecutor(max_workers=8) as pool:
            ids = list(pool.map(lambda name: client.create(repos, {**body, "name": name}, name=name)[0], names))
    finally:
        fresh.set_runtime_config(order_delay=0.0)
    stored = {o["name"]: o["id"] for o in fresh.objects(POOL, NODE, "Repos")}
    assert ids == [stored[name] for name in names]
    assert 1 <= fresh.request_counts().get("GET /configapi/{pool}/{node}/Repos", 0) <= len(names)


def test_a_refresh_lists_one_collection_once_for_the_types_that_share_it(fresh, target, make_provider) -> None:
    static, dynamic = make_provider(PROVIDERS["StaticList"]), make_provider(PROVIDERS["DynamicList"])
    made_static = static.create(static.check({}, {"name": "BAD_IPS", "lists": ["10.0.0.1"], "target": target}).inputs)
    age = {"agelimit_day": 1, "agelimit_hour": 0, "agelimit_minute": 0}
    made_dynamic = dynamic.create(dynamic.check({}, {"name": "SEEN_USERS", **age, "target": target}).inputs)
    runtime.reset()  # a refresh is a new provider process
    fresh.reset_request_log()
    static, dynamic = make_provider(PROVIDERS["StaticList"]), make_provider(PROVIDERS["DynamicList"])
    assert static.read(made_static.id, made_static.outs).id == made_static.id
    assert dynamic.read(made_dynamic.id, made_dynamic.outs).id == made_dynamic.id
    assert fresh.request_counts().get("GET /configapi/{pool}/{node}/Lists") == 1
    # A write of this process makes the next shared read list again: it never answers from before a write.
    static.delete(made_static.id, made_static.outs)
    fresh.reset_request_log()
    assert static.read(made_static.id, made_static.outs).id is None
    assert fresh.request_counts().get("GET /configapi/{pool}/{node}/Lists") == 1
