"""The change report compares by identity: moves, additions and removals are named, meta inputs stay out,
secrets are never shown, and an adoption carries the field changes the program computed."""

from __future__ import annotations

from typing import Any

import pytest

from cac_director.plan import FieldChange, UnreadableNote, render_text, report
from cac_director.plan.adoption import ADOPTS, adopted_changes, adoption_message
from cac_director.plan.changes import UNKNOWN, diff_list, object_changes

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


def test_a_create_the_program_says_adopts_is_reported_as_adopt_with_its_changes() -> None:
    urn = "urn:pulumi:e2e::cac-director::pulumi-python:dynamic/cacdirector:RoutingPolicy::dn-1/rp-windows"
    other, same = urn.replace("rp-windows", "rp-new"), urn.replace("rp-windows", "rp-same")
    catch_all = FieldChange("catch_all", "modified", old="repo-old", new="repo-windows")
    preview = {
        "steps": [{"op": "create", "urn": u, "newState": {"inputs": _policy([])}} for u in (urn, other, same)],
        "diagnostics": [
            {"urn": urn, "severity": "info", "message": adoption_message("7", "dn-1", [catch_all], marks=False)},
            {"urn": same, "severity": "info", "message": adoption_message("8", "dn-1", [], marks=False) + "\n"},
            {"urn": other, "severity": "warning", "message": "refused: managed by stack 'x/y'"},
        ],
    }
    changes = report(preview)
    assert [(c.name, c.action, c.changes) for c in changes] == [
        ("rp-new", "create", object_changes("RoutingPolicy", None, _policy([]))),
        ("rp-same", "adopt", []),  # still reported: the apply records it
        ("rp-windows", "adopt", [catch_all]),
    ]
    assert render_text(changes)[-2:] == [
        "adopt RoutingPolicy rp-windows on dn-1",
        '    catch_all: "repo-old" -> "repo-windows"',
    ]


def test_an_adoption_note_reads_back_exactly_and_says_the_changes_in_words() -> None:
    changes = [
        FieldChange("routing_criteria[k: v -> w]", "moved", old=2, new=1),
        FieldChange("routing_criteria[k: v -> w].repo", "modified", old="a\nb", new=["x", 1]),
        FieldChange("description", "removed", old="text"),
    ]
    message = adoption_message("42", "dn-1", changes, marks=True)
    assert message.startswith(f"{ADOPTS} (id 42) on node dn-1: the apply records it instead of creating it and updates")
    assert message.splitlines()[1:4] == [
        "    routing_criteria[k: v -> w] moved from 2 to 1",
        '    routing_criteria[k: v -> w].repo: "a\\nb" -> ["x", 1]',
        "    description removed",
    ]
    assert adopted_changes(message) == changes
    unchanged = adoption_message("42", "dn-1", [], marks=True)
    assert "writes this stack's ownership marker; it matches the configuration (no change)" in unchanged


def test_an_adoption_note_without_its_change_list_is_an_error_not_a_silent_no_change() -> None:
    urn = "urn:pulumi:e2e::cac-director::pulumi-python:dynamic/cacdirector:Repo::dn-1/repo-a"
    preview = {
        "steps": [{"op": "create", "urn": urn, "newState": {"inputs": {"name": "repo-a"}}}],
        "diagnostics": [{"urn": urn, "severity": "info", "message": f"{ADOPTS} (id 7) on node dn-1: the apply..."}],
    }
    with pytest.raises(UnreadableNote, match="no change list"):
        report(preview)


def test_a_secret_input_is_never_shown_only_that_it_changes() -> None:
    user = {"username": "alice", "firstname": "Alice", "usergroup": ["ug-soc"]}
    changes = object_changes("User", {**user, "password": "old-pass-1"}, {**user, "password": "new-pass-2"})
    assert changes == [FieldChange("password", "modified", old="(secret)", new="(secret)")]
    assert object_changes("User", user, {**user, "password": "new-pass-2"}) == [
        FieldChange("password", "added", new="(secret)")
    ]
