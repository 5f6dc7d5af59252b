"""The change report compares by identity: moves, additions and removals are named, meta inputs stay out."""

from __future__ import annotations

from typing import Any

from cac_director.plan import FieldChange, report
from cac_director.plan.changes import UNKNOWN, diff_list, object_changes
from cac_director.pulumi_provider.adoption import ADOPTS

CRITS = [
    {"type": "KeyPresentValueMatches", "key": "host_group", "value": "swift", "repo": "repo-swift", "drop": "store"},
    {"type": "KeyPresentValueMatches", "key": "pci_scope", "value": "true", "repo": "repo-pci", "drop": "store"},
    {"type": "KeyPresentValueMatches", "key": "event_category", "value": "audit", "repo": "repo-secu", "drop": "store"},
]


def _policy(criteria: list[dict[str, Any]], **meta: Any) -> dict[str, Any]:
    return {"policy_name": "rp-windows", "catch_all": "repo-windows", "routing_criteria": criteria, **meta}


def test_moving_one_item_first_is_one_move() -> None:
    moved = [CRITS[2], CRITS[0], CRITS[1]]
    assert diff_list("routing_criteria", CRITS, moved, ordered=True) == [
        FieldChange("routing_criteria[event_category=audit]", "moved", old=3, new=1)
    ]


def test_removing_an_item_names_it_and_nothing_else() -> None:
    assert diff_list("routing_criteria", CRITS, [CRITS[0], CRITS[2]], ordered=True) == [
        FieldChange("routing_criteria[pci_scope=true]", "removed", old=CRITS[1])
    ]


def test_a_changed_item_shows_only_its_changed_field() -> None:
    changed = [CRITS[0], CRITS[1], {**CRITS[2], "repo": "repo-audit"}]
    assert diff_list("routing_criteria", CRITS, changed, ordered=True) == [
        FieldChange("routing_criteria[event_category=audit].repo", "modified", old="repo-secu", new="repo-audit")
    ]


def test_meta_inputs_are_not_changes() -> None:
    old = _policy(CRITS, target={"node": "a", "node_name": "dn-1"}, ref_ids={"x": {"y": "1"}})
    new = _policy(CRITS, target={"node": "b", "node_name": "dn-1"}, ref_ids={"x": {"y": "2"}}, adopt=True)
    assert object_changes("RoutingPolicy", old, new) == []


def test_unknown_values_show_as_known_after_apply() -> None:
    changes = object_changes("RoutingPolicy", _policy(CRITS), _policy(CRITS, catch_all=UNKNOWN))
    assert changes == [FieldChange("catch_all", "modified", old="repo-windows", new="(known after apply)")]


def test_report_turns_preview_steps_into_objects() -> None:
    urn = "urn:pulumi:e2e::cac-director::pulumi-python:dynamic/cacdirector:RoutingPolicy::dn-1/rp-windows"
    preview = {
        "steps": [
            {"op": "refresh", "urn": urn},
            {"op": "same", "urn": urn},
            {
                "op": "update",
                "urn": urn,
                "oldState": {"outputs": _policy(CRITS)},
                "newState": {"inputs": _policy([CRITS[0], CRITS[1]])},
            },
            {"op": "create", "urn": urn.replace("rp-windows", "rp-new"), "newState": {"inputs": _policy([])}},
            {"op": "replace", "urn": urn.replace("rp-windows", "rp-x"), "newState": {"inputs": _policy([])}},
            {"op": "create-replacement", "urn": urn.replace("rp-windows", "rp-x")},
            {"op": "delete-replaced", "urn": urn.replace("rp-windows", "rp-x")},
            {"op": "update", "urn": "urn:pulumi:e2e::cac-director::pulumi:providers:pulumi-python::cac-director-00"},
        ]
    }
    objects = [change.as_dict() for change in report(preview)]
    assert [(o["node"], o["name"], o["action"]) for o in objects] == [
        ("dn-1", "rp-new", "create"),
        ("dn-1", "rp-windows", "update"),
        ("dn-1", "rp-x", "replace"),
    ]
    assert objects[1]["changes"] == [
        {"field": "routing_criteria[event_category=audit]", "change": "removed", "old": CRITS[2], "new": None}
    ]


def test_a_create_the_program_says_adopts_is_reported_as_adopt() -> None:
    urn = "urn:pulumi:e2e::cac-director::pulumi-python:dynamic/cacdirector:RoutingPolicy::dn-1/rp-windows"
    other = urn.replace("rp-windows", "rp-new")
    preview = {
        "steps": [
            {"op": "create", "urn": urn, "newState": {"inputs": _policy([])}},
            {"op": "create", "urn": other, "newState": {"inputs": _policy([])}},
        ],
        "diagnostics": [
            {"urn": urn, "severity": "info", "message": f"{ADOPTS} (id 7) on node dn-1: the apply records it\n"},
            {"urn": other, "severity": "warning", "message": "refused: managed by stack 'x/y'"},
        ],
    }
    assert [(c.name, c.action) for c in report(preview)] == [("rp-new", "create"), ("rp-windows", "adopt")]
