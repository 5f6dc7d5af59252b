"""Protocol contract: paths, auth, envelopes, the order model, ids, poolinfo, token refresh

Contract: docs/director-api.md §1-§6."""

from __future__ import annotations

import re
import time

import httpx

from cac_director.emulator import Emulator
from tests.emulator.conftest import (
    DN1,
    DN2,
    OTHER_NODE,
    OTHER_POOL,
    POOL,
    SH,
    TOKEN,
    by_name,
    cfg,
    make_config,
    poll,
    write,
)

OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")
ORDER_MESSAGE = re.compile(
    r"^monitorapi/[0-9a-f]{32}/[0-9a-f]{32}/orders/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$"
)

REPO = {"name": "Repo_secu", "hiddenrepopath": [{"path": "/opt/immune/storage/", "retention": 90}]}


def test_missing_or_wrong_token_is_401(emu: Emulator) -> None:
    with httpx.Client(base_url=emu.url) as anon:
        assert anon.get(f"{cfg()}/Repos").status_code == 401
        r = anon.get(f"{cfg()}/Repos", headers={"Authorization": "Bearer nope"})
        assert r.status_code == 401
        assert r.json()["status"] == "Failed"
        assert TOKEN not in r.text
        assert anon.get(f"/monitorapi/{POOL}/{DN1}/orders/x", headers={"Authorization": "Basic x"}).status_code == 401


def test_refresh_token_takes_an_unwrapped_secret_key_and_mints_a_usable_token() -> None:
    secret = "2b5f1c86-0d89-4f3c-9c0e-1f3b1c5e2d11"
    with Emulator.start(make_config(refresh_secret=secret)) as emu, httpx.Client(base_url=emu.url) as client:
        _mint_and_use(client, emu, secret)


def _mint_and_use(client: httpx.Client, emu: Emulator, secret: str) -> None:
    r = client.post("/refreshToken", json={"secretKey": secret})
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "Success"
    new = body["tokenDetails"]["token"]
    assert body["tokenDetails"]["secretKey"]
    with httpx.Client(base_url=emu.url, headers={"Authorization": f"Bearer {new}"}) as c:
        assert c.get(f"{cfg()}/Repos").status_code == 200
    assert client.post("/refreshToken", json={}).status_code == 400
    assert client.post("/refreshToken", json={"data": {"secretKey": "x"}}).status_code == 400  # not enveloped


def test_refresh_token_is_refused_when_no_refresh_secret_is_configured(emu: Emulator) -> None:
    with httpx.Client(base_url=emu.url) as anonymous:
        for secret in ("old-secret", "2b5f1c86-0d89-4f3c-9c0e-1f3b1c5e2d11", "x"):
            r = anonymous.post("/refreshToken", json={"secretKey": secret})
            assert r.status_code == 401
            assert "token" not in r.json().get("tokenDetails", {})
            assert "refresh is disabled" in r.json()["message"]


def test_refresh_token_works_with_an_expired_token_and_checks_a_configured_secret() -> None:
    with (
        Emulator.start(make_config(refresh_secret="old-secret")) as emu,
        httpx.Client(base_url=emu.url, headers={"Authorization": "Bearer expired"}) as c,
    ):
        assert c.get(f"{cfg()}/Repos").status_code == 401
        r = c.post("/refreshToken", json={"secretKey": "old-secret"})
        assert r.status_code == 200
        token = r.json()["tokenDetails"]["token"]
        assert c.get(f"{cfg()}/Repos", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    with Emulator.start(make_config(refresh_secret="s-1")) as strict, httpx.Client(base_url=strict.url) as c:
        assert c.post("/refreshToken", json={"secretKey": "s-2"}).status_code == 401
        details = c.post("/refreshToken", json={"secretKey": "s-1"}).json()["tokenDetails"]
        assert c.post("/refreshToken", json={"secretKey": details["secretKey"]}).status_code == 200


def test_tokens_can_expire_and_be_refreshed() -> None:
    # Expiry is triggered, not timed: a lifetime short enough to test could end before the first request
    # on a loaded machine.
    with Emulator.start(make_config(refresh_secret="k")) as emulator:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with httpx.Client(base_url=emulator.url, headers=headers) as c:
            assert c.get(f"{cfg()}/Repos").status_code == 200
            emulator.expire_tokens()
            assert c.get(f"{cfg()}/Repos").status_code == 401
            token = c.post("/refreshToken", json={"secretKey": "k"}).json()["tokenDetails"]["token"]
            assert c.get(f"{cfg()}/Repos", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_a_token_lifetime_ends_in_401() -> None:
    with Emulator.start(make_config(token_ttl=0.2)) as short:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with httpx.Client(base_url=short.url, headers=headers) as c:
            deadline = time.monotonic() + 60  # hang guard only
            while c.get(f"{cfg()}/Repos").status_code != 401:
                assert time.monotonic() < deadline, "the token never expired"
                time.sleep(0.05)


def test_lists_are_bare_arrays_and_gets_bare_objects_in_compact_json(client: httpx.Client) -> None:
    r = client.get(f"{cfg()}/Repos")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    repos = r.json()
    assert isinstance(repos, list)
    assert ", " not in r.text and '": ' not in r.text  # compact separators (§4.2)
    one = client.get(f"{cfg()}/Repos/{repos[0]['id']}").json()
    assert one == repos[0]


def test_v1_config_paths_are_served_too(client: httpx.Client) -> None:
    assert client.get(f"/configapi/v1/{POOL}/{DN1}/Repos").json() == client.get(f"{cfg()}/Repos").json()


def test_unknown_pool_node_id_and_endpoint_are_404(client: httpx.Client) -> None:
    assert client.get(f"/configapi/{OTHER_POOL[::-1]}/{DN1}/Repos").status_code == 404
    assert client.get(f"/configapi/{POOL}/{OTHER_NODE}/Repos").status_code == 404  # node of another pool
    assert client.get(f"{cfg()}/Repos/0123456789abcdef01234567").status_code == 404
    assert client.put(f"{cfg()}/Repos/0123456789abcdef01234567", json={"data": REPO}).status_code == 404
    assert client.delete(f"{cfg()}/Repos/0123456789abcdef01234567").status_code == 404
    assert client.get(f"{cfg()}/NoSuchResource").status_code == 404
    assert client.get(f"/monitorapi/{POOL}/{DN1}/orders/00000000-0000-4000-8000-000000000000").status_code == 404
    assert client.get(f"/configapi/{OTHER_POOL}/{OTHER_NODE}/Repos").status_code == 200


def test_writes_need_the_data_envelope(client: httpx.Client) -> None:
    for body in (REPO, [REPO], {"data": [REPO]}, {"data": "x"}):
        r = client.post(f"{cfg()}/Repos", json=body)
        assert r.status_code == 400, body
        assert r.json()["status"] == "Failed"
        assert r.json()["message"]
    r = client.post(f"{cfg()}/Repos", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400


def test_write_answer_is_slashless_monitor_path_and_order_finishes(client: httpx.Client) -> None:
    r = client.post(f"{cfg()}/Repos", json={"data": REPO})
    assert r.status_code == 200
    body = r.json()
    assert list(body) == ["status", "message"]
    assert body["status"] == "Success"
    assert ORDER_MESSAGE.match(body["message"]), body["message"]
    assert body["message"].startswith(f"monitorapi/{POOL}/{DN1}/orders/")
    assert "id" not in body  # no id in write answers (§10 item 10)
    order = poll(client, body["message"])
    assert order["request"] == {}
    assert order["response"]["success"] is True
    assert order["response"]["errors"] == []
    assert isinstance(order["response"]["message"], str)


def test_documented_leading_slash_form_is_selectable(client: httpx.Client, emu: Emulator) -> None:
    emu.set_runtime_config(monitor_leading_slash=True)
    message = client.post(f"{cfg()}/Repos", json={"data": REPO}).json()["message"]
    assert message.startswith(f"/monitorapi/{POOL}/{DN1}/orders/")
    assert poll(client, message)["response"]["success"] is True


def test_change_is_visible_only_when_the_order_completes(client: httpx.Client, emu: Emulator) -> None:
    # The order is held, then released: no timing decides what the assertions see.
    emu.set_faults(stuck_orders=True)
    message = client.post(f"{cfg()}/Repos", json={"data": REPO}).json()["message"]
    pending = client.get("/" + message).json()
    assert pending == {"request": {}, "response": {}}  # pending: success is not a boolean yet
    assert "Repo_secu" not in [r["name"] for r in client.get(f"{cfg()}/Repos").json()]
    emu.clear_faults()
    emu.release_orders()
    assert poll(client, message)["response"]["success"] is True
    assert "Repo_secu" in [r["name"] for r in client.get(f"{cfg()}/Repos").json()]


def test_ids_are_24_hex_per_node_and_new_objects_append(client: httpx.Client) -> None:
    dn1 = by_name(client, "Repos", "default")
    dn2 = by_name(client, "Repos", "default", node=DN2)
    assert OBJECT_ID.match(dn1["id"]) and OBJECT_ID.match(dn2["id"])
    assert dn1["id"] != dn2["id"]  # the same object has different ids on different nodes (§1)
    before = [r["id"] for r in client.get(f"{cfg()}/Repos").json()]
    write(client, "POST", f"{cfg()}/Repos", REPO)
    after = client.get(f"{cfg()}/Repos").json()
    assert [r["id"] for r in after[:-1]] == before
    assert after[-1]["name"] == "Repo_secu"
    created_ts = int(after[-1]["id"][:8], 16)
    assert abs(created_ts - time.time()) < 120  # leading 4 bytes: creation time
    assert "Repo_secu" not in [r["name"] for r in client.get(f"{cfg(DN2)}/Repos").json()]  # nodes are isolated


def test_poolinfo_lists_pools_and_machines(client: httpx.Client) -> None:
    r = client.get("/monitorapi/v1/director/poolinfo")
    assert r.status_code == 200
    pools = r.json()
    bank = next(p for p in pools if p["pool_uuid"] == POOL)
    assert bank["active"] is True and bank["name"] == "bank-a"
    assert [m["identifier"] for m in bank["machines"]] == [DN1, DN2, SH]
    assert bank["machines"][0] == {
        "director_mode": "fabric_only",
        "identifier": DN1,
        "name": "dn-prod-01",
        "version": "6.11.0",
    }


def test_request_counts_use_templated_paths(client: httpx.Client, emu: Emulator) -> None:
    client.get(f"{cfg()}/Repos")
    client.get(f"/configapi/v1/{POOL}/{DN2}/Repos")
    rid = client.get(f"{cfg()}/Repos").json()[0]["id"]
    client.get(f"{cfg()}/Repos/{rid}")
    write(client, "POST", f"{cfg()}/Repos", REPO)
    counts = emu.request_counts()
    assert counts["GET /configapi/{pool}/{node}/Repos"] == 3
    assert counts["GET /configapi/{pool}/{node}/Repos/{id}"] == 1
    assert counts["POST /configapi/{pool}/{node}/Repos"] == 1
    assert counts["GET /monitorapi/{pool}/{node}/orders/{order}"] >= 1
    over_http = client.get("/_emulator/requests").json()["counts"]
    assert over_http == emu.request_counts()
    emu.reset_request_log()
    assert emu.request_counts() == {}
