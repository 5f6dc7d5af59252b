"""The one reference-path walker: what each consumer relies on, on one small document."""

from __future__ import annotations

from typing import Any

from cac_director.conventions.paths import DROP, apply, map_path, names_at, slots, values_at


def _policy() -> dict[str, Any]:
    return {
        "catch_all": "default",
        "routing_criteria": [{"repo": "a", "key": "k"}, {"key": "no-repo"}, {"repo": "b"}],
        "tags": ["x", "y"],
    }


def test_slots_reach_every_element_in_order_with_their_trail() -> None:
    found = [(slot.value, slot.trail) for slot in slots(_policy(), "routing_criteria[].repo")]
    assert found == [("a", (("routing_criteria", 0), ("repo", None))), ("b", (("routing_criteria", 2), ("repo", None)))]


def test_missing_keys_non_lists_and_non_dicts_reach_nothing() -> None:
    assert list(slots({"a": "scalar"}, "a[].b")) == []
    assert list(slots({"a": {"b": 1}}, "a[].b")) == []
    assert list(slots({}, "a.b")) == []


def test_apply_replaces_drops_and_fills_an_absent_last_key() -> None:
    doc = _policy()
    apply(doc, "routing_criteria[].repo", lambda v: DROP if v == "a" else (v or "filled"))
    assert doc["routing_criteria"] == [{"key": "k"}, {"key": "no-repo", "repo": "filled"}, {"repo": "b"}]
    apply(doc, "tags[]", lambda v: DROP if v == "x" else v.upper())
    assert doc["tags"] == ["Y"]
    apply(doc, "tags[]", ",".join, whole_list=True)
    assert doc["tags"] == "Y"
    apply(doc, "absent", lambda v: DROP)
    apply(doc, "absent_none", lambda v: None)
    assert "absent" not in doc and "absent_none" not in doc


def test_map_path_skips_none_and_names_at_only_reads_strings() -> None:
    doc = {"catch_all": None, "routing_criteria": [{"repo": "a"}, {"repo": 3}]}
    map_path(doc, "catch_all", lambda v: "changed")
    assert doc["catch_all"] is None
    assert names_at(doc, "routing_criteria[].repo") == ["a"]
    assert values_at(doc, "routing_criteria[]") == [{"repo": "a"}, {"repo": 3}]
