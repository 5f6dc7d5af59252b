"""Outages: retries are bounded by time (``outage_tolerance``), not by a handful of attempts."""

from __future__ import annotations

import httpx
import pytest

from cac_director.conventions import by_section
from cac_director.errors import DirectorUnavailable
from tests.director.conftest import BASE, reply

REPOS = by_section("repos")
REFUSED = httpx.ConnectError("connection refused")


def test_a_restart_longer_than_the_old_five_retries_is_ridden_through(director, make_client) -> None:
    # A restart: connections refused, then 503 while the Director warms up, then answers again.
    down = [lambda _r: REFUSED] * 12 + [reply({"message": "starting"}, 503)] * 12
    director.on("GET", f"{BASE}/Repos", *down, reply([{"name": "default", "id": "a" * 24}]))
    assert [o["name"] for o in make_client().list(REPOS)] == ["default"]
    assert director.count("GET", f"{BASE}/Repos") == 25


def test_retries_end_when_the_outage_outlasts_the_tolerance(director, make_client) -> None:
    director.on("GET", f"{BASE}/Repos", reply({"message": "down for maintenance"}, 503))
    with pytest.raises(DirectorUnavailable, match=r"up to 0\.2s \(cac-director:outageTolerance\)"):
        make_client(outage_tolerance=0.2, max_retries=10_000).list(REPOS)
    assert director.count("GET", f"{BASE}/Repos") >= 2


def test_a_create_is_never_resent_after_a_5xx_while_the_object_may_exist(director, make_client) -> None:
    """A 5xx on the POST leaves its outcome unknown: the client looks first, and finds the object."""
    director.on("POST", f"{BASE}/Repos", reply({"message": "gateway timeout"}, 504))
    director.on("GET", f"{BASE}/Repos", reply([{"name": "r1", "id": "b" * 24}]))
    new_id, _ = make_client().create(REPOS, {"name": "r1", "hiddenrepopath": []}, name="r1")
    assert new_id == "b" * 24
    assert director.count("POST", f"{BASE}/Repos") == 1
