"""Distinct invalid inputs: each yields an error naming the file, the path and a stable code, never a traceback."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from cac_director.cli.config_commands import register
from cac_director.config import check_instance, load_instance
from cac_director.errors import ValidationFailed

INSTANCE = "cust/prod/instance.yaml"
FLEET = "cust/fleet.yaml"
BASE_REPOS = "templates/base/repos.yaml"
BASE_POLICIES = "templates/base/policies.yaml"
CHILD = "templates/child/child.yaml"


@dataclass(frozen=True)
class Case:
    ident: str
    edits: tuple[tuple[str, str, str], ...]  # (file, old, new); old "" appends new to the file
    code: str
    file: str
    path: str | None = None
    line: int | None = None
    max_depth: int = 10


NOTIFY = "timerange_minute: 5, notifications: {{{}}}}}"
POLICY_COLLECTOR = """
  logCollectionPolicies:
    - {name: lcp-a}
  policySyslogCollectors:
    - {policy: lcp-a, proxy_condition: "None", charset: utf_8, parser: SyslogParser, processpolicy: pp-a}
"""


def append(text: str) -> tuple[tuple[str, str, str], ...]:
    return ((INSTANCE, "", text),)


CASES = [
    Case(
        "malformed-yaml",
        ((INSTANCE, "  vars: {owner: admin}", "  vars: {owner: admin\n  x: ]"),),
        "malformed-yaml",
        INSTANCE,
    ),
    Case(
        "unknown-kind",
        ((INSTANCE, "kind: TopologyInstance", "kind: TopologyInstanse"),),
        "unknown-kind",
        INSTANCE,
        "kind",
        2,
    ),
    Case("wrong-kind", ((INSTANCE, "kind: TopologyInstance", "kind: Fleet"),), "wrong-kind", INSTANCE, "kind"),
    Case(
        "bad-api-version",
        ((INSTANCE, "cac-director/v1", "cac-director/v9"),),
        "bad-api-version",
        INSTANCE,
        "apiVersion",
        1,
    ),
    Case(
        "wrong-type",
        append("  repos:\n    - {name: repo-x, hiddenrepopath: [{_id: hot, path: /data/hot/, retention: ten}]}\n"),
        "wrong-type",
        INSTANCE,
        "repos[repo-x].hiddenrepopath[hot].retention",
    ),
    Case(
        "builtin-name-managed",
        append("  repos:\n    - {name: default, hiddenrepopath: [{_id: hot, path: /data/hot/, retention: 10}]}\n"),
        "builtin-name",
        INSTANCE,
        "repos[default].name",
    ),
    Case(
        "unknown-field",
        ((INSTANCE, "ip: [10.0.0.1]", "ipaddress: [10.0.0.1]"),),
        "unknown-field",
        INSTANCE,
        "devices[dev-1].ipaddress",
    ),
    Case(
        "missing-template",
        ((INSTANCE, "extends: child@2", "extends: nothere"),),
        "missing-template",
        INSTANCE,
        "metadata.extends",
        3,
    ),
    Case(
        "extends-cycle",
        (
            (BASE_REPOS, 'version: "1.0.0"', 'version: "1.0.0", extends: child'),
            (BASE_POLICIES, 'version: "1.0.0"', 'version: "1.0.0", extends: child'),
        ),
        "extends-cycle",
        "templates/base/policies.yaml",
        "metadata.extends",
    ),
    Case("bad-pin", ((INSTANCE, "extends: child@2", "extends: child@3"),), "bad-pin", INSTANCE, "metadata.extends"),
    Case(
        "bad-pin-format",
        ((INSTANCE, "extends: child@2", "extends: child@two"),),
        "bad-format",
        INSTANCE,
        "metadata.extends",
    ),
    Case(
        "unknown-after-id",
        append(
            "  routingPolicies:\n    - policy_name: rp-a\n      routing_criteria:\n"
            "        - {_id: cx, type: KeyPresent, key: z, _after: nope}\n"
        ),
        "unknown-id",
        INSTANCE,
        "routingPolicies[rp-a].routing_criteria[cx]",
    ),
    Case(
        "undefined-variable",
        ((INSTANCE, "integrity: Minor,", "integrity: Minor, timezone: '${vars.tz}',"),),
        "undefined-variable",
        INSTANCE,
        "devices[dev-1].timezone",
        7,
    ),
    Case(
        "dangling-processpolicy",
        ((INSTANCE, "processpolicy: pp-a", "processpolicy: pp-zz"),),
        "dangling-reference",
        INSTANCE,
        "syslogCollectors[dev-1].processpolicy",
        9,
    ),
    Case(
        "dangling-criterion-repo",
        ((CHILD, "repo: repo-b, _first", "repo: repo-zz, _first"),),
        "dangling-reference",
        CHILD,
        "routingPolicies[rp-a].routing_criteria[c0].repo",
    ),
    Case(
        "duplicate-name",
        append("  deviceGroups:\n    - {name: dg-x}\n    - {name: dg-x}\n"),
        "duplicate-name",
        INSTANCE,
        "deviceGroups[dg-x]",
    ),
    Case(
        "bad-enum",
        ((INSTANCE, "availability: Minor", "availability: Huge"),),
        "bad-enum",
        INSTANCE,
        "devices[dev-1].availability",
    ),
    Case(
        "no-matching-node",
        ((INSTANCE, "spec:\n", "spec:\n  targets: {dataNodes: {cluster: nope}}\n"),),
        "no-matching-node",
        INSTANCE,
        "spec.targets.dataNodes",
    ),
    Case(
        "deleted-reference",
        append("  repos:\n    - {name: repo-b, _action: delete}\n"),
        "deleted-reference",
        CHILD,
        "routingPolicies[rp-a].routing_criteria[c0].repo",
    ),
    Case(
        "missing-required-field", ((INSTANCE, "risk: low, ", ""),), "missing-field", INSTANCE, "alertRules[ar-1].risk"
    ),
    Case(
        "retention-out-of-bounds",
        ((BASE_REPOS, "retention: 10", "retention: 0"),),
        "out-of-bounds",
        BASE_REPOS,
        "repos[repo-b].hiddenrepopath[hot].retention",
        12,
    ),
    Case(
        "missing-name",
        append("  deviceGroups:\n    - {description: nameless}\n"),
        "missing-name",
        INSTANCE,
        "deviceGroups[0].name",
    ),
    Case(
        "duplicate-key",
        ((INSTANCE, "  vars: {owner: admin}", "  vars: {owner: admin}\n  vars: {owner: root}"),),
        "duplicate-key",
        INSTANCE,
    ),
    Case(
        "inconsistent-template",
        ((BASE_POLICIES, 'version: "1.0.0"', 'version: "1.0.1"'),),
        "inconsistent-template",
        "templates/base/repos.yaml",
        "metadata.version",
    ),
    Case("extends-too-deep", (), "extends-too-deep", "templates/child/child.yaml", "metadata.extends", max_depth=1),
    Case(
        "missing-fleet",
        ((INSTANCE, "extends: child@2", "extends: child@2, fleetRef: ../nofleet.yaml"),),
        "missing-fleet",
        INSTANCE,
        "metadata.fleetRef",
        3,
    ),
    Case(
        "fleet-bad-logpoint-id",
        ((FLEET, '"01925abf82fe0db0a75c190c4316b8a6"', '"not-hex"'),),
        "bad-format",
        FLEET,
        "spec.nodes.dataNodes[0].logpointId",
        8,
    ),
    Case(
        "fleet-duplicate-node",
        ((FLEET, "name: sh-1", "name: dn-1"),),
        "duplicate-name",
        FLEET,
        "spec.nodes.searchHeads[dn-1]",
    ),
    Case(
        "bad-action",
        ((CHILD, "_first: true", "_action: remove"),),
        "bad-directive",
        CHILD,
        "routingPolicies[rp-a].routing_criteria[c0]",
    ),
    Case(
        "uses-proxy-without-proxy-ip",
        ((INSTANCE, 'proxy_condition: "None"', "proxy_condition: uses_proxy"),),
        "missing-field",
        INSTANCE,
        "syslogCollectors[dev-1].proxy_ip",
    ),
    Case(
        "collector-on-device-and-policy",
        ((INSTANCE, "{device: dev-1, proxy_condition", "{device: dev-1, policy: lcp-a, proxy_condition"),),
        "bad-value",
        INSTANCE,
        "syslogCollectors[dev-1]",
    ),
    Case(
        "policy-collector-without-policy",
        append(POLICY_COLLECTOR.replace("policy: lcp-a, ", "")),
        "missing-name",
        INSTANCE,
        "policySyslogCollectors[0].policy",
    ),
    Case(
        "policy-collector-names-a-device",
        append(POLICY_COLLECTOR.replace("policy: lcp-a,", "policy: lcp-a, device: dev-1,")),
        "bad-value",
        INSTANCE,
        "policySyslogCollectors[lcp-a]",
    ),
    Case(
        "policy-collector-unknown-policy",
        append(POLICY_COLLECTOR.replace("policy: lcp-a,", "policy: lcp-nope,")),
        "dangling-reference",
        INSTANCE,
        "policySyslogCollectors[lcp-nope].policy",
    ),
    Case(
        "policy-collector-uses-proxy-without-proxy-ip",
        append(POLICY_COLLECTOR.replace('proxy_condition: "None"', "proxy_condition: uses_proxy")),
        "missing-field",
        INSTANCE,
        "policySyslogCollectors[lcp-a].proxy_ip",
    ),
    Case(
        "notification-threshold-half",
        (
            (
                INSTANCE,
                "timerange_minute: 5}",
                NOTIFY.format("email: {email_emails: [soc@x.example], email_threshold_value: 2}"),
            ),
        ),
        "bad-value",
        INSTANCE,
        "alertRules[ar-1].notifications.email",
    ),
    Case(
        "notification-missing-field",
        ((INSTANCE, "timerange_minute: 5}", NOTIFY.format("syslog: {server: 10.0.0.9, port: 514, protocol: UDP}")),),
        "missing-field",
        INSTANCE,
        "alertRules[ar-1].notifications.syslog.severity",
    ),
    Case(
        "notification-unknown-channel",
        ((INSTANCE, "timerange_minute: 5}", NOTIFY.format("sms: {sms_server: x}")),),
        "unknown-field",
        INSTANCE,
        "alertRules[ar-1].notifications.sms",
    ),
    Case(
        "throttling-without-field",
        ((INSTANCE, "timerange_minute: 5", "timerange_minute: 5, throttling_enabled: true"),),
        "missing-field",
        INSTANCE,
        "alertRules[ar-1].throttling_field",
    ),
    Case(
        # timestamp_on is the node's SystemSettingsGeneral setting, not an alert-rule field (docs/director-api.md §7.9).
        "alert-rule-timestamp-on",
        ((INSTANCE, "timerange_minute: 5", "timerange_minute: 5, timestamp_on: log_ts"),),
        "unknown-field",
        INSTANCE,
        "alertRules[ar-1].timestamp_on",
    ),
    Case(
        "criterion-without-value",
        ((BASE_POLICIES, "key: k, value: v,", "key: k,"),),
        "missing-field",
        BASE_POLICIES,
        "routingPolicies[rp-a].routing_criteria[c1].value",
    ),
    Case(
        "variable-cycle",
        ((INSTANCE, "vars: {owner: admin}", "vars: {owner: '${vars.o2}', o2: '${vars.owner}'}"),),
        "variable-cycle",
        INSTANCE,
        "vars.owner",
    ),
    Case(
        "unterminated-placeholder",
        ((INSTANCE, "ip: [10.0.0.1]", "ip: ['${vars.owner']"),),
        "bad-interpolation",
        INSTANCE,
        "devices[dev-1].ip",
    ),
    Case(
        "repo-name-too-long",
        append(
            "  repos:\n    - {name: repo-with-a-name-far-too-long-x, hiddenrepopath: "
            "[{path: /data/hot/, retention: 5}]}\n"
        ),
        "bad-value",
        INSTANCE,
        "repos[repo-with-a-name-far-too-long-x].name",
    ),
    Case(
        "relative-repo-path",
        ((BASE_REPOS, "path: /data/hot/, retention: 10", "path: data/hot, retention: 10"),),
        "bad-value",
        BASE_REPOS,
        "repos[repo-b].hiddenrepopath[hot].path",
    ),
    Case(
        "duplicate-after-interpolation",
        (
            (
                INSTANCE,
                "  syslogCollectors:",
                "    - {name: 'dev-${vars.n}', ip: [10.0.0.2], "
                "availability: Minor, confidentiality: Minor, integrity: Minor}\n  syslogCollectors:",
            ),
            (INSTANCE, "{owner: admin}", "{owner: admin, n: 1}"),
        ),
        "duplicate-name",
        INSTANCE,
        "devices[dev-1]",
        8,
    ),
    Case("section-not-a-list", append("  deviceGroups: {name: dg-x}\n"), "wrong-type", INSTANCE, "spec.deviceGroups"),
    Case("unknown-section", append("  device: []\n"), "unknown-field", INSTANCE, "spec.device"),
    Case("ip-not-a-list", ((INSTANCE, "ip: [10.0.0.1]", "ip: 10.0.0.1"),), "wrong-type", INSTANCE, "devices[dev-1].ip"),
    Case(
        "alert-without-timerange",
        ((INSTANCE, ", timerange_minute: 5", ""),),
        "missing-field",
        INSTANCE,
        "alertRules[ar-1].timerange_minute",
    ),
    Case(
        "unknown-placeholder-namespace",
        ((INSTANCE, 'owner: "${vars.owner}"', 'owner: "${env.USER}"'),),
        "undefined-variable",
        INSTANCE,
        "alertRules[ar-1].owner",
    ),
]


def _apply(root: Path, case: Case) -> None:
    for file, old, new in case.edits:
        path = root / file
        text = path.read_text()
        if old == "":
            text += new
        else:
            assert old in text, f"{case.ident}: {old!r} not in {file}"
            text = text.replace(old, new, 1)
        path.write_text(text)


def test_at_least_thirty_distinct_cases() -> None:
    assert len({case.ident for case in CASES}) == len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[case.ident for case in CASES])
def test_invalid_input_reports_file_path_and_code(mini: Path, case: Case) -> None:
    _apply(mini, case)
    resolved, issues = check_instance(mini / INSTANCE, max_depth=case.max_depth)
    assert resolved is None
    matching = [issue for issue in issues if issue.severity == "error" and issue.code == case.code]
    assert matching, "\n".join(issue.render() for issue in issues)
    issue = next((i for i in matching if case.path is None or i.path == case.path), matching[0])
    assert issue.file.endswith(case.file), issue.render()
    if case.path is not None:
        assert issue.path == case.path, issue.render()
    if case.line is not None:
        assert issue.line == case.line, issue.render()
    assert issue.message
    assert "Traceback" not in issue.render()


def test_load_instance_raises_validation_failed_with_all_errors(mini: Path) -> None:
    _apply(mini, CASES[[c.ident for c in CASES].index("bad-enum")])
    _apply(mini, CASES[[c.ident for c in CASES].index("dangling-processpolicy")])
    with pytest.raises(ValidationFailed) as caught:
        load_instance(mini / INSTANCE)
    codes = {issue.code for issue in caught.value.issues}  # type: ignore[attr-defined]
    assert {"bad-enum", "dangling-reference"} <= codes
    assert "devices[dev-1].availability" in str(caught.value)


@pytest.mark.parametrize("ident", ["malformed-yaml", "extends-cycle", "dangling-processpolicy"])
def test_cli_validate_exits_2_without_traceback(mini: Path, ident: str) -> None:
    _apply(mini, next(case for case in CASES if case.ident == ident))
    app = typer.Typer()
    register(app)
    result = CliRunner().invoke(app, ["validate", str(mini), "--json"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_collector_names_one_holder_and_the_error_says_where_the_other_goes(mini: Path) -> None:
    _apply(mini, next(case for case in CASES if case.ident == "collector-on-device-and-policy"))
    _, issues = check_instance(mini / INSTANCE)
    [issue] = [issue for issue in issues if issue.severity == "error"]
    assert "'policy' is not allowed here" in issue.message and "policySyslogCollectors" in issue.message
    _apply(mini, Case("no-policy", ((INSTANCE, "policy: lcp-a, ", ""),), "", INSTANCE))
    _apply(mini, Case("no-device", ((INSTANCE, "{device: dev-1, ", "{"),), "", INSTANCE))
    _, issues = check_instance(mini / INSTANCE)
    [issue] = [issue for issue in issues if issue.severity == "error"]
    assert issue.code == "missing-name" and "policySyslogCollectors" in (issue.hint or ""), issue.render()


def test_a_policy_collector_is_valid(mini: Path) -> None:
    _apply(mini, Case("policy-collector", append(POLICY_COLLECTOR), "", INSTANCE))
    resolved, issues = check_instance(mini / INSTANCE)
    assert resolved is not None, "\n".join(issue.render() for issue in issues)
    collectors = [c for node in resolved.nodes.values() for c in node.sections.get("policySyslogCollectors", [])]
    assert collectors and all(c["policy"] == "lcp-a" for c in collectors)


def test_delay_interval_warns_about_the_node_setting_and_manageable_by_takes_names(mini: Path) -> None:
    edit = "timerange_minute: 5, delay_interval_minute: 10, manageable_by: [SOC Analysts]"
    _apply(mini, Case("delay", ((INSTANCE, "timerange_minute: 5", edit),), "", INSTANCE))
    resolved, issues = check_instance(mini / INSTANCE)
    assert resolved is not None, "\n".join(issue.render() for issue in issues)
    [warning] = [issue for issue in issues if issue.code == "node-setting"]
    assert warning.severity == "warning"
    assert warning.path == "alertRules[ar-1].delay_interval_minute"
    assert "timestamp_on: log_ts" in warning.message and "does not manage" in warning.message
    rules = [r for node in resolved.nodes.values() for r in node.sections.get("alertRules", [])]
    assert rules and all(rule["manageable_by"] == ["SOC Analysts"] for rule in rules)


def test_delay_interval_is_fine_when_the_settings_index_on_log_time(mini: Path) -> None:
    edit = "timerange_minute: 5, delay_interval_minute: 10"
    settings = "\n  systemSettings:\n    - {settings: general, timestamp_on: log_ts}\n"
    _apply(mini, Case("delay", ((INSTANCE, "timerange_minute: 5", edit), (INSTANCE, "", settings)), "", INSTANCE))
    resolved, issues = check_instance(mini / INSTANCE)
    assert resolved is not None, "\n".join(issue.render() for issue in issues)
    assert [issue for issue in issues if issue.code == "node-setting"] == []
    assert all(node.sections["systemSettings"] == [{"settings": "general", "timestamp_on": "log_ts"}]
               for node in resolved.nodes.values())  # fmt: skip
