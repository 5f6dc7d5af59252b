"""The client against scripted wire bodies: call counts, orders, retries, ambiguity, token refresh, leaks."""

from __future__ import annotations

import logging

import httpx
import pytest

from cac_director.conventions import by_section
from cac_director.errors import (
    AuthenticationFailed,
    CreateUnconfirmed,
    DirectorUnavailable,
    NotFound,
    OrderFailed,
    ReferenceNotFound,
    ValidationRefused,
)

from .conftest import BASE, DONE, PENDING, TOKEN, monitor, order_ok, reply

RP = by_section("routingPolicies")
REPOS = by_section("repos")
RP_BODY = {"policy_name": "rp-win", "catch_all": "default", "routing_criteria": []}
RP_READ = {**RP_BODY, "user": "admin", "tid": "", "active": True, "id": "68d2f0735cb7b6fa6ec694d5"}


@pytest.mark.parametrize("slash", [False, True])
def test_create_is_one_post_polls_and_one_list(director, make_client, slash) -> None:
    director.on("POST", f"{BASE}/RoutingPolicies", order_ok("o1", slash=slash))
    director.on("GET", monitor("o1"), PENDING, PENDING, DONE)
    director.on("GET", f"{BASE}/RoutingPolicies", [RP_READ])
    new_id, obj = make_client().create(RP, RP_BODY, name="rp-win")
    assert new_id == "68d2f0735cb7b6fa6ec694d5"
    assert obj["policy_name"] == "rp-win"
    assert director.count("POST", f"{BASE}/RoutingPolicies") == 1
    assert director.count("GET", monitor("o1")) == 3
    assert director.count("GET", f"{BASE}/RoutingPolicies") == 1
    assert director.bodies[0] == {"data": RP_BODY}


def test_create_tolerates_a_lagging_list(director, make_client) -> None:
    director.on("POST", f"{BASE}/RoutingPolicies", order_ok("o1"))
    director.on("GET", monitor("o1"), DONE)
    director.on("GET", f"{BASE}/RoutingPolicies", [], [], [RP_READ])
    new_id, _ = make_client().create(RP, RP_BODY, name="rp-win")
    assert new_id == RP_READ["id"]
    assert director.count("GET", f"{BASE}/RoutingPolicies") == 3


def test_failed_order_carries_message_errors_type_name_node(director, make_client) -> None:
    director.on("POST", f"{BASE}/RoutingPolicies", order_ok("o1"))
    failed = {"request": {}, "response": {"success": False, "errors": [{"message": "repo missing"}], "message": "Bad"}}
    director.on("GET", monitor("o1"), failed)
    with pytest.raises(OrderFailed) as info:
        make_client().create(RP, RP_BODY, name="rp-win")
    err = info.value
    assert (err.resource_type, err.name, err.node) == ("RoutingPolicy", "rp-win", "dn-test")
    assert err.director_message == "Bad"
    assert err.errors == [{"message": "repo missing"}]
    assert "rp-win" in str(err) and "dn-test" in str(err) and "repo missing" in str(err)


def test_never_finishing_order_times_out(director, make_client) -> None:
    director.on("POST", f"{BASE}/RoutingPolicies", order_ok("o1"))
    director.on("GET", monitor("o1"), PENDING)
    # The POST was accepted, so the object may still appear: the create is unconfirmed, not failed.
    with pytest.raises(CreateUnconfirmed, match=r"did not finish within 0\.2s"):
        make_client(order_deadline=0.2).create(RP, RP_BODY, name="rp-win")


def test_reads_retry_5xx_and_429_honouring_retry_after(director, make_client) -> None:
    director.on(
        "GET",
        f"{BASE}/Repos",
        reply({"message": "busy"}, 503),
        reply({}, 429, {"Retry-After": "0"}),
        reply([{"name": "default", "id": "a" * 24}]),
    )
    assert [o["name"] for o in make_client().list(REPOS)] == ["default"]
    assert director.count("GET", f"{BASE}/Repos") == 3


def test_reads_give_up_after_max_retries(director, make_client) -> None:
    director.on("GET", f"{BASE}/Repos", reply({"message": "down for maintenance"}, 502))
    with pytest.raises(DirectorUnavailable, match="down for maintenance"):
        make_client(max_retries=2).list(REPOS)
    assert director.count("GET", f"{BASE}/Repos") == 3


def test_connection_refused_create_is_resent_without_checking(director, make_client) -> None:
    director.on("POST", f"{BASE}/RoutingPolicies", lambda r: httpx.ConnectError("refused"), reply(order_ok("o1")))
    director.on("GET", monitor("o1"), DONE)
    director.on("GET", f"{BASE}/RoutingPolicies", [RP_READ])
    make_client().create(RP, RP_BODY, name="rp-win")
    assert director.count("POST", f"{BASE}/RoutingPolicies") == 2
    assert director.count("GET", f"{BASE}/RoutingPolicies") == 1


def test_dropped_create_that_took_effect_is_not_resent(director, make_client) -> None:
    director.on("POST", f"{BASE}/RoutingPolicies", lambda r: httpx.RemoteProtocolError("dropped"))
    director.on("GET", f"{BASE}/RoutingPolicies", [RP_READ])
    new_id, _ = make_client().create(RP, RP_BODY, name="rp-win")
    assert new_id == RP_READ["id"]
    assert director.count("POST", f"{BASE}/RoutingPolicies") == 1


def test_create_5xx_that_did_not_take_effect_is_resent_after_a_check(director, make_client) -> None:
    director.on("POST", f"{BASE}/RoutingPolicies", reply({"message": "oops"}, 500), reply(order_ok("o1")))
    director.on("GET", monitor("o1"), DONE)
    director.on("GET", f"{BASE}/RoutingPolicies", [], [RP_READ])
    make_client(write_check_window=0.0).create(RP, RP_BODY, name="rp-win")
    assert director.count("POST", f"{BASE}/RoutingPolicies") == 2


def test_http_errors_are_typed_and_readable(director, make_client) -> None:
    director.on("GET", f"{BASE}/Repos/{'b' * 24}", reply({"status": "Failed", "message": "no such repo"}, 404))
    director.on("POST", f"{BASE}/Repos", reply({"status": "Failed", "message": "hiddenrepopath is mandatory"}, 400))
    client = make_client()
    with pytest.raises(NotFound, match="no such repo"):
        client.get(REPOS, "b" * 24)
    with pytest.raises(ValidationRefused, match="hiddenrepopath is mandatory") as info:
        client.create(REPOS, {"name": "r"}, name="r")
    assert info.value.status == 400
    assert "creating Repo 'r' on node dn-test" in str(info.value)


def test_delete_of_a_missing_object_is_success(director, make_client) -> None:
    director.on("DELETE", f"{BASE}/Repos/{'c' * 24}", reply({"message": "not found"}, 404))
    make_client().delete(REPOS, "c" * 24, name="gone")


def test_expired_token_is_refreshed_once_and_the_request_repeated(director, make_client) -> None:
    new_token = "tok-NEW-91b2"

    def listing(request: httpx.Request) -> httpx.Response:
        if request.headers["Authorization"] == f"Bearer {new_token}":
            return httpx.Response(200, json=[])
        return httpx.Response(401, json={"message": "token expired"})

    director.on("GET", f"{BASE}/Repos", listing)
    director.on(
        "POST",
        "/refreshToken",
        reply({"status": "Success", "tokenDetails": {"secretKey": "k2", "token": new_token}}),
    )
    client = make_client(refresh_secret="k1")
    assert client.list(REPOS) == []
    assert client.list(REPOS) == []  # the new token is kept
    refresh_index = director.calls.index(("POST", "/refreshToken"))
    assert director.bodies[refresh_index] == {"secretKey": "k1"}  # not wrapped in "data" (§3)
    assert director.count("POST", "/refreshToken") == 1
    assert director.auth[-1] == f"Bearer {new_token}"


def test_401_without_refresh_secret_is_authentication_failed(director, make_client, monkeypatch) -> None:
    monkeypatch.delenv("DIRECTOR_REFRESH_SECRET", raising=False)
    director.on("GET", f"{BASE}/Repos", reply({"message": "bad token"}, 401))
    with pytest.raises(AuthenticationFailed, match="no refresh secret"):
        make_client().list(REPOS)


def test_lookup_is_cached_and_refreshed_on_a_miss(director, make_client) -> None:
    packages = [{"id": "567cf0", "name": "LP_Windows"}]
    director.on("GET", f"{BASE}/NormalizationPackage", packages, [*packages, {"id": "567cf3", "name": "LP_Linux"}])
    client = make_client()
    assert client.lookup("normalizationPackages", "LP_Windows") == "567cf0"
    assert client.lookup("normalizationPackages", "LP_Windows") == "567cf0"
    assert director.count("GET", f"{BASE}/NormalizationPackage") == 1
    assert client.lookup("normalizationPackages", "LP_Linux") == "567cf3"
    assert director.count("GET", f"{BASE}/NormalizationPackage") == 2
    with pytest.raises(ReferenceNotFound, match="'LP_Nope' does not exist on node dn-test"):
        client.lookup("normalizationPackages", "LP_Nope")


def test_lookup_reads_underscore_id(director, make_client) -> None:
    director.on("GET", f"{BASE}/EnrichmentSource", [{"_id": "e1", "source_name": "geoip"}])
    assert make_client().lookup("enrichmentSources", "geoip") == "e1"


def test_syslog_collectors_are_found_in_device_col_apps(director, make_client) -> None:
    devices = [
        {"id": "d" * 24, "name": "fw1", "col_apps": [{"app": "SyslogCollector", "uuid": "u" * 32}]},
        {"id": "e" * 24, "name": "fw2", "col_apps": [{"app": "SCPFetcher", "uuid": "v" * 32}]},
    ]
    director.on("GET", f"{BASE}/Devices", devices)
    conv = by_section("syslogCollectors")
    client = make_client()
    [obj] = client.list(conv)
    assert (obj["id"], obj["device_id"]) == ("u" * 32, "d" * 24)
    assert client.find(conv, "fw1")["id"] == "u" * 32
    assert client.find(conv, "fw2") is None


def test_repo_paths_and_remote_repos(director, make_client) -> None:
    director.on("GET", f"{BASE}/Repos/RepoPaths", [{"paths": ["/opt/immune/storage/"]}])
    director.on("POST", f"{BASE}/Repos/RemoteRepos/fetch", order_ok("f1/dn1"))
    director.on("GET", monitor("f1/dn1"), {"response": {"success": True, "rows": ["10.0.0.1:5504/default"]}})
    client = make_client()
    assert client.repo_paths() == ["/opt/immune/storage/"]
    assert client.remote_repos() == ["10.0.0.1:5504/default"]
    assert client.remote_repos() == ["10.0.0.1:5504/default"]
    assert director.count("POST", f"{BASE}/Repos/RemoteRepos/fetch") == 1


def test_token_never_leaks_into_errors_logs_or_reprs(director, make_client, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    director.on("GET", f"{BASE}/Repos", reply({"message": "x"}, 503))
    director.on("POST", f"{BASE}/Repos", reply({"message": "bad"}, 400))
    director.on("GET", f"{BASE}/Users", reply({"message": "no"}, 401))
    client = make_client(max_retries=1)
    texts = [repr(client), repr(client.settings), str(client.settings), repr(client.session)]
    for call in (
        lambda: client.list(REPOS),
        lambda: client.create(REPOS, {"name": "r"}, name="r"),
        lambda: client.lookup("users", "admin"),
    ):
        with pytest.raises(Exception) as info:
            call()
        texts += [str(info.value), repr(info.value), repr(info.value.args)]
    texts += [record.getMessage() for record in caplog.records]
    texts += [str(record.__dict__) for record in caplog.records]
    assert caplog.records, "the client logs its requests"
    assert all(TOKEN not in text for text in texts)
    assert any("/configapi/{id}/{id}/Repos" in r.getMessage() for r in caplog.records)
