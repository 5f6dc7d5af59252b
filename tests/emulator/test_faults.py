"""Fault injection over HTTP: errors (5xx, 429 + Retry-After), drops, latency, failing/stuck orders, lagging lists."""

from __future__ import annotations

import time

import httpx
import pytest

from cac_director.emulator import Emulator
from tests.emulator.conftest import DN1, POOL, by_name, cfg, ok, poll, write

REPO = {"name": "Repo_f", "hiddenrepopath": [{"path": "/opt/immune/storage/", "retention": 30}]}


def test_injected_5xx(client: httpx.Client, emu: Emulator) -> None:
    emu.set_faults(error_rate=1.0, error_status=503)
    r = client.get(f"{cfg()}/Repos")
    assert r.status_code == 503
    assert r.json()["status"] == "Failed"
    assert "retry-after" not in r.headers


def test_injected_429_carries_retry_after(client: httpx.Client, emu: Emulator) -> None:
    emu.set_faults(error_rate=1.0, error_status=429, retry_after=2)
    r = client.post(f"{cfg()}/Repos", json={"data": REPO})
    assert r.status_code == 429
    assert r.headers["retry-after"] == "2"
    emu.clear_faults()
    assert "Repo_f" not in [x["name"] for x in client.get(f"{cfg()}/Repos").json()]  # refused writes change nothing


def test_error_rate_is_reproducible_with_a_seed(client: httpx.Client, emu: Emulator) -> None:
    def run() -> list[int]:
        emu.set_faults(error_rate=0.5, error_status=502, seed=7)
        return [client.get(f"{cfg()}/Repos").status_code for _ in range(30)]

    first, second = run(), run()
    assert first == second
    assert set(first) == {200, 502}


def test_dropped_connection(client: httpx.Client, emu: Emulator) -> None:
    emu.set_faults(drop_rate=1.0)
    with pytest.raises(httpx.TransportError):
        client.get(f"{cfg()}/Repos")
    emu.clear_faults()
    assert client.get(f"{cfg()}/Repos").status_code == 200  # the client reconnects fine afterwards


def test_latency(client: httpx.Client, emu: Emulator) -> None:
    emu.set_faults(latency=0.2)
    start = time.monotonic()
    assert client.get(f"{cfg()}/Repos").status_code == 200
    assert time.monotonic() - start >= 0.2


@pytest.mark.parametrize("style", ["string", "object"])
def test_failing_orders_change_nothing(client: httpx.Client, emu: Emulator, style: str) -> None:
    emu.set_faults(fail_orders=True, order_error_style=style)
    order = write(client, "POST", f"{cfg()}/Repos", REPO)
    assert order["response"]["success"] is False
    error = order["response"]["errors"][0]
    assert isinstance(error, str if style == "string" else dict)
    emu.clear_faults()
    assert "Repo_f" not in [x["name"] for x in client.get(f"{cfg()}/Repos").json()]


def test_stuck_orders_never_finish(client: httpx.Client, emu: Emulator) -> None:
    emu.set_faults(stuck_orders=True)
    message = client.post(f"{cfg()}/Repos", json={"data": REPO}).json()["message"]
    for _ in range(5):
        assert client.get("/" + message).json() == {"request": {}, "response": {}}
        time.sleep(0.05)
    assert "Repo_f" not in [x["name"] for x in client.get(f"{cfg()}/Repos").json()]


def test_lists_lag_behind_writes_until_refreshed_or_expired(client: httpx.Client, emu: Emulator) -> None:
    # A lag far longer than any run of this test: what is seen before the refresh cannot depend on speed.
    emu.set_faults(list_lag=600)
    ok(write(client, "POST", f"{cfg()}/Repos", REPO))
    assert "Repo_f" not in [x["name"] for x in client.get(f"{cfg()}/Repos").json()]
    assert "Repo_f" in [o["name"] for o in emu.objects(POOL, DN1, "Repos")]  # the store has it
    ok(write(client, "POST", f"{cfg()}/DeviceGroups", {"name": "G", "description": ""}))
    assert client.get(f"{cfg()}/DeviceGroups").json() == []
    ok(write(client, "POST", f"{cfg()}/Repos/RepoPaths/refreshlist"))
    assert [g["name"] for g in client.get(f"{cfg()}/DeviceGroups").json()] == ["G"]
    assert by_name(client, "Repos", "Repo_f")["name"] == "Repo_f"
    # A short lag ends by itself.
    emu.set_faults(list_lag=0.2)
    ok(write(client, "POST", f"{cfg()}/DeviceGroups", {"name": "H", "description": ""}))
    deadline = time.monotonic() + 60  # hang guard only
    while "H" not in [g["name"] for g in client.get(f"{cfg()}/DeviceGroups").json()]:
        assert time.monotonic() < deadline, "the lag never ended"
        time.sleep(0.05)


def test_faults_are_settable_over_the_admin_endpoint(client: httpx.Client, emu: Emulator) -> None:
    r = client.put("/_emulator/faults", json={"error_rate": 1, "error_status": 500})
    assert r.status_code == 200 and r.json()["error_rate"] == 1.0
    assert client.get(f"{cfg()}/Repos").status_code == 500
    assert client.get("/_emulator/health").status_code == 200  # the admin endpoint is never faulted
    assert client.put("/_emulator/faults", json={"error_rate": 2}).status_code == 400
    assert client.put("/_emulator/faults", json={"nonsense": 1}).status_code == 400
    assert client.delete("/_emulator/faults").status_code == 200
    assert client.get(f"{cfg()}/Repos").status_code == 200


def test_orders_poll_until_done_under_delay(client: httpx.Client, emu: Emulator) -> None:
    emu.set_runtime_config(order_delay=0.2)
    message = client.post(f"{cfg()}/Repos", json={"data": REPO}).json()["message"]
    seen_pending = client.get("/" + message).json()["response"] == {}
    assert seen_pending
    assert poll(client, message)["response"]["success"] is True
