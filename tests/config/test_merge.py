"""Each merge rule and ordering directive of docs/configuration.md, "Merge rules", on in-memory layers."""

from __future__ import annotations

from typing import Any

from cac_director.config.issues import IssueCollector
from cac_director.config.merge import MergeContext, merge_keyed_list, merge_mapping


def _ids(items: list[Any]) -> list[Any]:
    return [item.get("_id") for item in items]


def merge_list(parent: list[dict[str, Any]], child: list[dict[str, Any]]) -> tuple[list[Any], IssueCollector]:
    collector = IssueCollector()
    result = merge_keyed_list(
        merge_keyed_list([], parent, MergeContext(collector), ("x",), key_fn=lambda e: e.get("_id"), kind="element"),
        child,
        MergeContext(collector),
        ("x",),
        key_fn=lambda e: e.get("_id"),
        kind="element",
    )
    return result, collector


def merge(parent: dict[str, Any], child: dict[str, Any]) -> tuple[dict[str, Any], IssueCollector]:
    collector = IssueCollector()
    ctx = MergeContext(collector)
    return merge_mapping(merge_mapping(None, parent, ctx, ()), child, ctx, ()), collector


def test_merge_child_scalar_wins_and_mappings_merge_key_by_key() -> None:
    result, _ = merge({"a": 1, "m": {"x": 1, "y": 2}}, {"a": 2, "m": {"y": 3, "z": 4}})
    assert result == {"a": 2, "m": {"x": 1, "y": 3, "z": 4}}


def test_merge_explicit_null_removes_inherited_key() -> None:
    result, _ = merge({"a": 1, "m": {"x": 1, "y": 2}}, {"a": None, "m": {"x": None}})
    assert result == {"m": {"y": 2}}


def test_merge_scalar_lists_are_replaced_wholesale() -> None:
    result, _ = merge({"ips": ["1.1.1.1", "2.2.2.2"]}, {"ips": ["3.3.3.3"]})
    assert result == {"ips": ["3.3.3.3"]}


def test_merge_empty_list_clears_inherited_list() -> None:
    result, _ = merge({"ips": ["1.1.1.1"], "crit": [{"_id": "a"}]}, {"ips": [], "crit": []})
    assert result == {"ips": [], "crit": []}


def test_merge_does_not_mutate_parent() -> None:
    parent = {"m": {"x": 1}, "l": [{"_id": "a", "v": 1}]}
    merge(parent, {"m": {"x": 2}, "l": [{"_id": "a", "v": 2}]})
    assert parent == {"m": {"x": 1}, "l": [{"_id": "a", "v": 1}]}


def test_list_same_id_deep_merges_in_place() -> None:
    result, _ = merge_list([{"_id": "a", "v": 1, "w": 1}, {"_id": "b"}], [{"_id": "a", "v": 2}])
    assert result[0] == {"_id": "a", "v": 2, "w": 1}
    assert _ids(result) == ["a", "b"]


def test_list_new_id_and_no_id_are_appended() -> None:
    result, _ = merge_list([{"_id": "a"}, {"_id": "b"}], [{"_id": "c"}, {"v": 1}])
    assert _ids(result) == ["a", "b", "c", None]


def test_list_delete_removes_element() -> None:
    result, collector = merge_list([{"_id": "a"}, {"_id": "b"}, {"_id": "c"}], [{"_id": "b", "_action": "delete"}])
    assert _ids(result) == ["a", "c"]
    assert not collector.issues


def test_list_delete_of_unknown_id_warns() -> None:
    result, collector = merge_list([{"_id": "a"}], [{"_id": "zz", "_action": "delete"}])
    assert _ids(result) == ["a"]
    assert [issue.code for issue in collector.warnings] == ["delete-unknown"]


def test_list_delete_then_redefine_replaces_element_wholesale() -> None:
    result, _ = merge_list([{"_id": "a", "v": 1, "w": 1}], [{"_id": "a", "_action": "delete"}, {"_id": "a", "v": 2}])
    assert list(result) == [{"_id": "a", "v": 2}]


def test_position_is_one_based() -> None:
    result, _ = merge_list([{"_id": "a"}, {"_id": "b"}, {"_id": "c"}], [{"_id": "n", "_position": 2}])
    assert _ids(result) == ["a", "n", "b", "c"]


def test_first_and_last_move_inherited_elements() -> None:
    result, _ = merge_list(
        [{"_id": "a"}, {"_id": "b"}, {"_id": "c"}], [{"_id": "c", "_first": True}, {"_id": "a", "_last": True}]
    )
    assert _ids(result) == ["c", "b", "a"]


def test_before_and_after() -> None:
    result, _ = merge_list([{"_id": "a"}, {"_id": "b"}], [{"_id": "x", "_before": "a"}, {"_id": "y", "_after": "a"}])
    assert _ids(result) == ["x", "a", "y", "b"]


def test_directives_are_consumed_not_kept() -> None:
    result, _ = merge_list([{"_id": "a"}], [{"_id": "x", "_first": True}])
    assert result[0] == {"_id": "x"}


def test_precedence_deletes_before_directives() -> None:
    # "b" is deleted first, so "_before: b" names an unknown id.
    _, collector = merge_list(
        [{"_id": "a"}, {"_id": "b"}], [{"_id": "b", "_action": "delete"}, {"_id": "x", "_before": "b"}]
    )
    assert [issue.code for issue in collector.errors] == ["unknown-id"]


def test_precedence_position_applied_before_first_last_and_before_after() -> None:
    # Phases: _position (p to 1), then _first (f to front), then _after (z after p).
    result, _ = merge_list(
        [{"_id": "a"}, {"_id": "b"}],
        [{"_id": "z", "_after": "p"}, {"_id": "f", "_first": True}, {"_id": "p", "_position": 1}],
    )
    assert _ids(result) == ["f", "p", "z", "a", "b"]


def test_precedence_within_one_element_highest_wins_with_warning() -> None:
    result, collector = merge_list([{"_id": "a"}, {"_id": "b"}], [{"_id": "x", "_last": True, "_position": 1}])
    assert _ids(result) == ["x", "a", "b"]
    assert [issue.code for issue in collector.warnings] == ["conflicting-directives"]


def test_unknown_after_id_is_an_error_listing_known_ids() -> None:
    _, collector = merge_list([{"_id": "a"}], [{"_id": "x", "_after": "nope"}])
    (error,) = collector.errors
    assert error.code == "unknown-id"
    assert "a" in error.hint
    assert error.path == "x[x]"


def test_bad_directive_values_are_errors() -> None:
    _, collector = merge_list(
        [{"_id": "a"}],
        [{"_id": "x", "_position": 0}, {"_id": "y", "_first": "yes"}, {"_id": "z", "_action": "remove"}],
    )
    assert [issue.code for issue in collector.errors] == ["bad-directive"] * 3


def test_position_past_end_is_an_error() -> None:
    _, collector = merge_list([{"_id": "a"}], [{"_id": "x", "_position": 5}])
    assert [issue.code for issue in collector.errors] == ["bad-directive"]


def test_duplicate_id_in_one_layer_is_an_error() -> None:
    _, collector = merge_list([], [{"_id": "a"}, {"_id": "a"}])
    assert [issue.code for issue in collector.errors] == ["duplicate-id"]


def test_nested_lists_merge_at_any_depth() -> None:
    parent = {"specs": [{"_id": "s", "rules": [{"_id": "r1", "k": 1}, {"_id": "r2"}]}]}
    child = {"specs": [{"_id": "s", "rules": [{"_id": "r1", "k": 2}, {"_id": "r0", "_first": True}]}]}
    result, _ = merge(parent, child)
    assert [r["_id"] for r in result["specs"][0]["rules"]] == ["r0", "r1", "r2"]
    assert result["specs"][0]["rules"][1]["k"] == 2


def test_unknown_internal_key_warns() -> None:
    _, collector = merge({}, {"_positon": 2})
    assert [issue.code for issue in collector.warnings] == ["unknown-directive"]
