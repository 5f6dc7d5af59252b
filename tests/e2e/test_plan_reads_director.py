"""The plan is declared vs actual, and failures read as one line: the real pulumi CLI against the emulator.

Reuses the ``deployment`` fixture of ``test_program`` (a copy of the project, Bank A prod, emulator on port 0).
"""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from tests.e2e.test_program import TOKEN, Deployment, deployment

pytestmark = pytest.mark.e2e
__all__ = ["deployment"]


DRIFTED = {"hiddenrepopath": [{"path": "/data/cold/", "retention": 999}]}


def _output(proc: object) -> str:
    return f"{getattr(proc, 'stdout', '')}\n{getattr(proc, 'stderr', '')}"


def _repo(d: Deployment, node_name: str, name: str) -> tuple[str, str, dict[str, object]]:
    pool = d.resolved().fleet.pool_uuid
    node = next(n for n in d.resolved().nodes.values() if n.name == node_name)
    repo = next(o for o in d.emu.objects(pool, node.logpoint_id, "Repos") if o["name"] == name)
    return pool, node.logpoint_id, repo


def test_plain_preview_sees_drift_and_plain_up_repairs_it(deployment: Deployment) -> None:
    d = deployment
    d.cli.run("up", "--yes")
    pool, node_id, repo = _repo(d, "dn-prod-01", "repo-linux")
    d.emu.oob_update(pool, node_id, "Repos", repo["id"], DRIFTED)

    preview = d.cli.run("preview", "--expect-no-changes", check=False)
    assert preview.returncode != 0, _output(preview)
    assert "dn-prod-01/repo-linux" in preview.stdout

    d.cli.run("up", "--yes")
    assert d.live_state() == d.desired_state()
    d.cli.run("preview", "--expect-no-changes")

    # The documented way back to planning against the recorded state: the drift is not seen.
    d.emu.oob_update(pool, node_id, "Repos", repo["id"], DRIFTED)
    d.cli.run("preview", "--refresh=false", "--expect-no-changes")


def test_wrong_token_is_one_clear_line_and_no_traceback(deployment: Deployment) -> None:
    d = deployment
    d.cli.run("up", "--yes")
    d.cli.env["DIRECTOR_TOKEN"] = "wrong-token"
    for args in (("preview",), ("up", "--yes"), ("destroy", "--yes"), ("refresh", "--yes")):
        proc = d.cli.run(*args, check=False)
        text = _output(proc)
        assert proc.returncode != 0, text
        assert "Traceback" not in text, text
        # One line for the whole operation, not one per provider process (3 on this stack).
        # One error for the whole operation, not one per provider process (3 on this stack). The engine shows
        # a resource's error twice: on its progress line and under "Diagnostics:".
        assert "Diagnostics:" in text, text
        assert text.split("Diagnostics:")[-1].count("refused the token") == 1, text
        assert text.count("refused the token") <= 2, text
        assert "DIRECTOR_TOKEN" in text, text
        assert "wrong-token" not in text
    # Nothing was deleted by the refused destroy.
    assert d.live_state() == d.desired_state()


def test_token_rotation_reaches_refresh_preview_and_destroy(deployment: Deployment) -> None:
    d = deployment
    d.cli.run("up", "--yes")
    # Rotate: the Director accepts only the new token; the stack's providers were recorded with the old one.
    new_token = "e2e-rotated-token-0b9e44"
    d.emu.app.tokens[new_token] = float("inf")
    del d.emu.app.tokens[TOKEN]

    d.cli.env["DIRECTOR_TOKEN"] = new_token
    d.cli.run("refresh", "--yes", "--expect-no-changes")
    d.cli.run("preview", "--expect-no-changes")
    d.cli.env.pop("DIRECTOR_TOKEN")

    # The same rotation through the stack config: the providers recorded in the stack still hold the old token;
    # refused, each asks the CLI for the stack config's current one (pulumi_provider.stack_token). Plain commands.
    d.cli.run("config", "set", "--secret", "cac-director:token", new_token)
    d.cli.run("refresh", "--yes", "--expect-no-changes")
    preview = d.cli.run("preview")
    assert "Traceback" not in _output(preview)
    assert new_token not in _output(preview)
    # Rotated again before `up`, and once more before `destroy`, whose deletes use the recorded providers.
    for command in (("up", "--yes"), ("destroy", "--yes")):
        old_token, new_token = new_token, f"{new_token}-{command[0]}"
        d.emu.app.tokens[new_token] = float("inf")
        del d.emu.app.tokens[old_token]
        d.cli.run("config", "set", "--secret", "cac-director:token", new_token)
        assert "Traceback" not in _output(d.cli.run(*command))
    pool = d.resolved().fleet.pool_uuid
    for node in d.resolved().nodes.values():
        if node.role != "searchHead":
            names = {o["name"] for o in d.emu.objects(pool, node.logpoint_id, "Repos")}
            assert names == {"default", "_logpoint", "_LogPointAlerts"}


def _failed_preview(d: Deployment) -> str:
    """The output of a `pulumi preview` that must fail, and without a traceback."""
    preview = d.cli.run("preview", check=False)
    text = _output(preview)
    assert preview.returncode != 0, text
    assert "Traceback" not in text, text
    return text


def test_missing_vendor_package_fails_preview_naming_the_yaml(deployment: Deployment) -> None:
    d = deployment
    d.edit(
        "fleets/templates/logpoint/golden-base/normalization-policies.yaml",
        lambda text: text.replace("[LP_Linux_Syslog]", "[LP_Linux_Syslog, LP_Nonexistent]"),
    )
    text = _failed_preview(d)
    where = "fleets/templates/logpoint/golden-base/normalization-policies.yaml:13"
    for node in ("dn-prod-01", "dn-prod-02"):
        assert (
            f"{where}: normalizationPolicies[np-linux].norm_packages[1]: NormalizationPackage 'LP_Nonexistent' "
            f"does not exist on node {node}"
        ) in text, text
    # Read-only: nothing was created.
    assert all(not sections for sections in d.created_state().values())


def test_unknown_timezone_and_charset_fail_preview_naming_the_yaml(deployment: Deployment) -> None:
    d = deployment
    d.edit(
        "fleets/bank-a/prod/instance.yaml",
        lambda text: text.replace(
            "logpolicy: [lcp-domain-controllers], timezone: Europe/Paris}",
            "logpolicy: [lcp-domain-controllers], timezone: Mars/Olympus}",
            1,
        ).replace(
            '{device: dc-01, proxy_condition: "None", charset: utf_8',
            '{device: dc-01, proxy_condition: "None", charset: ebcdic',
            1,
        ),
    )
    text = _failed_preview(d)
    where = "fleets/bank-a/prod/instance.yaml"
    for node in ("dn-prod-01", "dn-prod-02"):
        assert (
            f"{where}:29: devices[dc-01].timezone: Timezone 'Mars/Olympus' does not exist on node {node}"
        ) in text, text
        assert f"{where}:34: syslogCollectors[dc-01].charset: Charsets 'ebcdic' does not exist on node {node}" in text
    # Only the edited values: dc-02 keeps Europe/Paris, which the node has.
    assert "Europe/Paris" not in text
    assert all(not sections for sections in d.created_state().values())


def _plan(d: Deployment) -> tuple[int, dict[str, Any]]:
    proc = subprocess.run(
        ["cac-director", "plan", "--json", "--cwd", str(d.project)],
        env=d.cli.env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode in (0, 1), _output(proc)
    return proc.returncode, json.loads(proc.stdout)


def test_plan_reports_moves_and_removals_by_name_with_exit_codes(deployment: Deployment) -> None:
    d = deployment
    d.cli.run("up", "--yes")
    assert _plan(d) == (0, {"changes": []})

    instance = "fleets/bank-a/prod/instance.yaml"
    d.edit(instance, lambda text: text.replace("{_id: crit-audit, repo: repo-secu}", "{_id: crit-audit, _first: true}"))
    code, moved = _plan(d)
    assert code == 1
    assert moved["changes"] == [
        {
            "node": node,
            "type": "RoutingPolicy",
            "name": "rp-windows",
            "action": "update",
            "changes": [
                {"field": "routing_criteria[event_category=audit]", "change": "moved", "old": 3, "new": 1},
                {
                    "field": "routing_criteria[event_category=audit].repo",
                    "change": "modified",
                    "old": "repo-secu",
                    "new": "repo-audit",
                },
            ],
        }
        for node in ("dn-prod-01", "dn-prod-02")
    ]

    d.edit(instance, lambda text: text.replace("{_id: crit-audit, _first: true}", "{_id: crit-audit, _action: delete}"))
    code, removed = _plan(d)
    assert code == 1
    assert [(o["node"], o["name"], [(c["field"], c["change"]) for c in o["changes"]]) for o in removed["changes"]] == [
        (node, "rp-windows", [("routing_criteria[event_category=audit]", "removed")])
        for node in ("dn-prod-01", "dn-prod-02")
    ]
    # The drift a console user made shows as the live value -> the declared one.
    d.edit(instance, lambda text: text.replace("_action: delete}", "repo: repo-secu}"))
    pool, node_id, repo = _repo(d, "dn-prod-01", "repo-linux")
    d.emu.oob_update(pool, node_id, "Repos", repo["id"], DRIFTED)
    code, drift = _plan(d)
    assert code == 1
    assert [(o["name"], o["action"]) for o in drift["changes"]] == [("repo-linux", "update")]
