"""Pure parts: backoff, Retry-After, monitor paths, terminal detection, poll schedule."""

from __future__ import annotations

import email.utils
import itertools
import random
import time

import pytest

from cac_director.director.orders import (
    error_texts,
    is_failed,
    is_terminal,
    monitor_path,
    poll_intervals,
)
from cac_director.director.retry import backoff_delay, parse_retry_after, retry_wait
from cac_director.errors import DirectorError


def test_backoff_grows_is_jittered_and_capped() -> None:
    rng = random.Random(1)
    waits = [backoff_delay(n, base=0.2, cap=5.0, rng=rng) for n in range(10)]
    for n, wait in enumerate(waits):
        ceiling = min(5.0, 0.2 * 2**n)
        assert ceiling / 2 <= wait <= ceiling
    assert max(waits) <= 5.0
    assert len({round(w, 6) for w in waits}) == len(waits)  # jitter: no two equal


def test_retry_after_seconds_date_and_garbage() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(" 0 ") == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    future = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= (parse_retry_after(future) or 0) <= 31


def test_retry_wait_prefers_retry_after_but_caps_it() -> None:
    assert retry_wait(0, base=1, cap=1, retry_after="2", retry_after_max=60) == 2.0
    assert retry_wait(0, base=1, cap=1, retry_after="600", retry_after_max=30) == 30
    assert 0.5 <= retry_wait(0, base=1, cap=1, retry_after=None, retry_after_max=30) <= 1


@pytest.mark.parametrize(
    "message",
    [
        "monitorapi/p/n/orders/950f365b-3da4-4f30-93bc-5ac3d0704698",
        "/monitorapi/p/n/orders/950f365b-3da4-4f30-93bc-5ac3d0704698",
        "https://director.example.net/monitorapi/p/n/orders/950f365b-3da4-4f30-93bc-5ac3d0704698",
    ],
)
def test_monitor_path_accepts_both_forms(message: str) -> None:
    assert monitor_path(message) == "monitorapi/p/n/orders/950f365b-3da4-4f30-93bc-5ac3d0704698"


@pytest.mark.parametrize("message", [None, "", "Repo created", 42])
def test_monitor_path_refuses_messages_without_order(message: object) -> None:
    with pytest.raises(DirectorError, match="monitor path"):
        monitor_path(message)


@pytest.mark.parametrize(
    ("payload", "terminal", "failed"),
    [
        ({"request": {}, "response": {}}, False, False),
        ({}, False, False),
        (None, False, False),
        ({"response": {"errors": []}}, False, False),
        ({"response": {"success": "true"}}, False, False),  # a string is not a boolean
        ({"request": {}, "response": {"success": True, "errors": [], "message": "Device deleted"}}, True, False),
        ({"response": {"success": False, "errors": [], "message": "nope"}}, True, True),
        ({"response": {"errors": ["Invalid user id"]}}, True, True),
        ({"response": {"success": True, "errors": ["warning only"]}}, True, False),
    ],
)
def test_terminal_and_failed_detection(payload: object, terminal: bool, failed: bool) -> None:
    assert is_terminal(payload) is terminal
    assert is_failed(payload) is failed


def test_error_texts_accepts_strings_and_objects() -> None:
    errors = ["plain", {"message": "as message"}, {"error": "as error"}, {"code": 7}]
    assert error_texts(errors) == ["plain", "as message", "as error", "{'code': 7}"]
    assert error_texts("not a list") == []


def test_poll_intervals_start_small_and_back_off_to_a_cap() -> None:
    gen = poll_intervals(0.05, 1.0)
    waits = [next(gen) for _ in range(12)]
    assert waits[0] == 0.05
    assert all(b >= a for a, b in itertools.pairwise(waits))
    assert waits[-1] == 1.0
