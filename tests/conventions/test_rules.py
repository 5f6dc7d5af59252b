"""The cross-field rules of the type files: their findings on plain dicts, and the layer they live in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import cac_director.conventions
from cac_director.conventions import REGISTRY, Finding, by_section
from tests.imports import imported_modules

CONVENTIONS = Path(cac_director.conventions.__file__).parent


def _findings(section: str, resource: dict[str, Any]) -> list[Finding]:
    return [finding for rule in by_section(section).rules for finding in rule(resource)]


def _summary(findings: list[Finding]) -> list[tuple[str, str, str]]:
    # A field that must go is pointed at on its own line; a missing one at its object's.
    assert all(f.at_field == (f.code == "forbidden-field") for f in findings)
    return [(f.code, ".".join(map(str, (*f.within, f.field))), f.message) for f in findings]


def test_a_criterion_that_matches_a_value_needs_one() -> None:
    policy = {"routing_criteria": [{"type": "KeyPresent"}, {"type": "KeyPresentValueMatches", "value": ""}, "x"]}
    assert _summary(_findings("routingPolicies", policy)) == [
        ("missing-field", "routing_criteria.1.value", "'value' is required when type is KeyPresentValueMatches")
    ]
    assert _findings("routingPolicies", {"routing_criteria": [{"type": "KeyPresentValueMatches", "value": "v"}]}) == []


def test_enrichment_rules_need_the_fields_of_their_category() -> None:
    policy = {
        "specifications": [
            {"rules": [{"category": "simple", "event_key": "ip"}]},
            {"rules": [{"category": "simple"}, {"category": "type_based"}]},
        ]
    }
    assert _summary(_findings("enrichmentPolicies", policy)) == [
        ("missing-field", "specifications.1.rules.0.event_key", "'event_key' is required for a simple rule"),
        ("missing-field", "specifications.1.rules.1.type", "'type' is required for a type_based rule"),
    ]


_AS_PROXY = "when proxy_condition is use_as_proxy"


@pytest.mark.parametrize(
    ("collector", "expected"),
    [
        (
            {"proxy_condition": "use_as_proxy", "charset": "utf_8", "processpolicy": "pp"},
            [
                ("missing-field", "parser", f"'parser' is required {_AS_PROXY}"),
                ("forbidden-field", "processpolicy", f"'processpolicy' must not be set {_AS_PROXY}"),
            ],
        ),
        (
            {"proxy_condition": "uses_proxy", "proxy_ip": ["10.0.0.1"], "hostname": "h"},
            [("missing-field", "processpolicy", "'processpolicy' is required when proxy_condition is uses_proxy")],
        ),
        (
            {"proxy_condition": "None", "charset": "utf_8", "parser": "p", "processpolicy": "pp", "hostname": "h"},
            [("forbidden-field", "hostname", "'hostname' must not be set when proxy_condition is None")],
        ),
        ({"proxy_condition": "None", "charset": "utf_8", "parser": "p", "processpolicy": "pp", "proxy_ip": []}, []),
    ],
)
def test_proxy_modes_require_and_forbid_their_fields(collector: dict[str, Any], expected: list[Any]) -> None:
    assert _summary(_findings("syslogCollectors", collector)) == expected


def test_alert_rules_need_a_time_range_and_throttling_fields() -> None:
    assert _summary(_findings("alertRules", {"throttling_enabled": True, "throttling_field": "user"})) == [
        ("missing-field", "timerange_minute", "one of timerange_minute, timerange_hour, timerange_day is required"),
        (
            "missing-field",
            "throttling_time_range",
            "'throttling_time_range' is required when throttling_enabled is true",
        ),
    ]
    assert _findings("alertRules", {"timerange_day": 1, "throttling_enabled": False}) == []


def test_user_groups_have_all_rights_or_entries() -> None:
    assert _summary(_findings("userGroups", {"include_all_permission": True, "permission": [{"repos": []}]})) == [
        ("forbidden-field", "permission", "'permission' must not be set when include_all_permission is true")
    ]
    assert _summary(_findings("userGroups", {"include_all_permission": False, "permission": []})) == [
        ("missing-field", "permission", "'permission' is required unless include_all_permission is true")
    ]


def test_the_rules_are_declared_by_the_types_they_check() -> None:
    assert {conv.yaml_section for conv in REGISTRY if conv.rules} == {
        "routingPolicies",
        "enrichmentPolicies",
        "syslogCollectors",
        "policySyslogCollectors",
        "alertRules",
        "userGroups",
    }


def test_the_type_files_are_the_bottom_layer() -> None:
    # conventions -> config/director/emulator -> providers/export -> cli: the type files import no package above.
    files = sorted(CONVENTIONS.glob("*.py"))
    assert len(files) > 10
    above = {
        f"{path.name}: {name}"
        for path in files
        for name in imported_modules(path)
        if name.startswith("cac_director")
        and not name.startswith(("cac_director.conventions", "cac_director.constants"))
    }
    assert not above, sorted(above)
    assert "cac_director.constants" in imported_modules(CONVENTIONS / "syslog_collectors.py")
