"""The paths of a detailed diff, on plain model dicts (the gRPC side: tests/provider/test_detailed_diff.py)."""

from __future__ import annotations

from typing import Any

from pulumi.output import Unknown

from cac_director.conventions import by_type_name
from cac_director.director import mapping
from cac_director.pulumi_provider.diff_detail import detailed_diff, property_path, re_pointed


def _paths(type_name: str, old: dict[str, Any], new: dict[str, Any], **kwargs: Any) -> dict[str, str]:
    changed = {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)}
    conv, unknown = by_type_name(type_name), kwargs.get("unknown", set())
    return detailed_diff(
        conv,
        old_model=old,
        new_model=new,
        # Normalised without the unknown fields, as the provider's diff hands them over.
        norm_old=mapping.normalize(conv, {k: v for k, v in old.items() if k not in unknown}),
        norm_new=mapping.normalize(conv, {k: v for k, v in new.items() if k not in unknown}),
        changed=kwargs.get("changed", changed),
        replaces=kwargs.get("replaces", set()),
        unknown=unknown,
    )


def _c(key: str, repo: str = "r") -> dict[str, Any]:
    return {"type": "KeyPresent", "key": key, "value": "", "repo": repo, "drop": "store"}


def _rp(*criteria: dict[str, Any]) -> dict[str, Any]:
    return {"policy_name": "rp", "catch_all": "default", "routing_criteria": list(criteria)}


def test_property_paths_use_the_engine_syntax() -> None:
    assert property_path(("routing_criteria", 2, "repo")) == "routing_criteria[2].repo"
    assert property_path(("a.b", 0)) == '["a.b"][0]'


def test_an_item_changed_while_its_position_shifted_is_removed_and_added() -> None:
    # x is inserted first, so b moves from 1 to 2 and changes: one path cannot name both positions.
    paths = _paths("RoutingPolicy", _rp(_c("a"), _c("b")), _rp(_c("x"), _c("a"), _c("b", "q")))
    assert paths == {"routing_criteria[0]": "ADD", "routing_criteria[1]": "DELETE", "routing_criteria[2]": "ADD"}


def test_a_position_vacated_and_filled_is_an_update() -> None:
    assert _paths("RoutingPolicy", _rp(_c("a"), _c("b")), _rp(_c("a"), _c("x"))) == {"routing_criteria[1]": "UPDATE"}


def test_items_compare_normalised_and_unordered_lists_ignore_order() -> None:
    hot, cold = {"path": "/data/hot/", "retention": 7}, {"path": "/data/cold/", "retention": 9}
    repo = {"name": "r", "hiddenrepopath": [hot, cold]}
    assert _paths("Repo", repo, {"name": "r", "hiddenrepopath": [hot, {"path": "/data/cold", "retention": 9}]}) == {}
    edited = {"name": "r", "hiddenrepopath": [{**hot, "retention": 8}, cold]}
    assert _paths("Repo", repo, edited) == {"hiddenrepopath[0].retention": "UPDATE"}
    # Repo paths are ordered (tiers): swapping two is one move (cold stays, hot goes after it).
    assert _paths("Repo", repo, {"name": "r", "hiddenrepopath": [cold, hot]}) == {
        "hiddenrepopath[0]": "DELETE",
        "hiddenrepopath[1]": "ADD",
    }
    # A device's addresses are not ordered.
    device = {"name": "d", "ip": ["10.0.0.1", "10.0.0.2"]}
    assert _paths("Device", device, {"name": "d", "ip": ["10.0.0.2", "10.0.0.1"]}) == {}
    assert _paths("Device", device, {"name": "d", "ip": ["10.0.0.2", "10.0.0.3"]}) == {
        "ip[0]": "DELETE",
        "ip[1]": "ADD",
    }


def test_replacing_and_unknown_fields() -> None:
    assert _paths("Repo", {"name": "a"}, {"name": "b"}, replaces={"name"}) == {"name": "UPDATE_REPLACE"}
    assert _paths("RoutingPolicy", _rp(), {**_rp(), "catch_all": Unknown()}, unknown={"catch_all"}) == {
        "catch_all": "UPDATE"
    }
    assert _paths("RoutingPolicy", {"policy_name": "rp"}, {"policy_name": "rp", "catch_all": "x"}) == {
        "catch_all": "ADD"
    }


def test_re_pointed_references_keep_or_change_their_position() -> None:
    old = {"devicegroup": ["g1", "g2"]}
    refs = {"devicegroup[]": {"g1": "1" * 24, "g2": "2" * 24}}
    assert re_pointed(old, old, refs, {"devicegroup[]": {"g1": "1" * 24, "g2": Unknown()}}) == {
        "devicegroup": {"devicegroup[1]": "UPDATE"}
    }
    assert re_pointed(
        old, {"devicegroup": ["g2", "g1"]}, refs, {"devicegroup[]": {"g1": "x" * 24, "g2": "2" * 24}}
    ) == {"devicegroup": {"devicegroup[0]": "DELETE", "devicegroup[1]": "ADD"}}
    assert re_pointed(
        {"routing_policy": "rp"}, {"routing_policy": "rp"}, {"routing_policy": {"rp": "1"}}, Unknown()
    ) == {"routing_policy": {"routing_policy": "UPDATE"}}
