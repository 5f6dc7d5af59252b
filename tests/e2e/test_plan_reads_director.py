"""The plan is declared vs actual, and failures read as one line: the real pulumi CLI against the emulator.

Reuses the ``deployment`` fixture of ``test_program`` (a copy of the project, Bank A prod, emulator on port 0).
"""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from tests.e2e.conftest import INSTANCE
from tests.e2e.test_program import TOKEN, USER_LINE, USER_PASSWORD, Deployment, deployment

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


INTERNAL_INPUTS = ("ref_ids", "target", "__provider", "managed_by", "adopt")


def _blocks(preview_diff: str) -> dict[str, str]:
    """``node/name`` -> the lines `pulumi preview --diff` prints for that Director object (stack outputs cut)."""
    groups: list[list[str]] = []
    objects = preview_diff.partition("--outputs:--")[0].partition("\nResources:")[0]
    for line in objects.splitlines():
        header = line.rstrip().endswith(")") and ": (" in line
        if header:
            groups.append([line])
        elif groups:
            groups[-1].append(line)
    blocks: dict[str, str] = {}
    for lines in groups:
        urn = next((line.strip() for line in lines if line.strip().startswith("[urn=")), "")
        if "pulumi-python:dynamic/cacdirector:" in urn:
            blocks[urn.removesuffix("]").split("::")[-1]] = "\n".join(lines)
    return blocks


def _json_diffs(d: Deployment, *args: str) -> dict[str, tuple[list[str], dict[str, str]]]:
    """``node/name`` -> (diffReasons, detailedDiff path -> kind) of each Director object a preview changes."""
    doc = json.loads(d.cli.run("preview", "--json", *args).stdout)
    return {
        step["urn"].split("::")[-1]: (
            step.get("diffReasons") or [],
            {path: diff["kind"] for path, diff in (step.get("detailedDiff") or {}).items()},
        )
        for step in doc["steps"]
        if "cacdirector" in step["urn"] and step["op"] not in ("same", "refresh")
    }


def test_preview_diff_shows_only_the_changed_fields(deployment: Deployment) -> None:
    """`pulumi preview --diff` and `--json` name model paths only (our Diff's detailedDiff), never meta inputs."""
    d = deployment
    d.edit(INSTANCE, lambda text: text + USER_LINE)
    d.cli.run("config", "set", "--secret", "--path", "cac-director:userPasswords.soc-lead", USER_PASSWORD)
    d.cli.run("up", "--yes")
    nodes = ("dn-prod-01", "dn-prod-02")

    def preview_diff(*args: str) -> dict[str, str]:
        proc = d.cli.run("preview", "--diff", *args)
        assert USER_PASSWORD not in _output(proc)
        blocks = _blocks(proc.stdout)
        for name, block in blocks.items():
            for internal in INTERNAL_INPUTS:
                assert internal not in block, f"{internal} shown for {name}:\n{block}"
        return blocks

    # A retention: the one field, in its list item; the summary line names the field only.
    d.edit(INSTANCE, lambda text: text.replace("path: /data/hot/, retention: 90", "path: /data/hot/, retention: 91"))
    blocks = preview_diff()
    assert sorted(blocks) == [f"{node}/repo-secu" for node in nodes]
    assert all("~ retention: 90 => 91" in block for block in blocks.values()), blocks
    assert all(block.count(" => ") == 1 for block in blocks.values()), blocks
    assert "[diff: ~hiddenrepopath]" in d.cli.run("preview").stdout
    assert _json_diffs(d) == {
        f"{node}/repo-secu": (["hiddenrepopath"], {"hiddenrepopath[0].retention": "update"}) for node in nodes
    }
    d.edit(INSTANCE, lambda text: text.replace("retention: 91", "retention: 90"))

    # One criterion moved first (and given the template's repo): removed at 2, added at 0; the two criteria
    # that only shifted are not shown. `cac-director plan` names it a move (test above).
    d.edit(INSTANCE, lambda text: text.replace("{_id: crit-audit, repo: repo-secu}", "{_id: crit-audit, _first: true}"))
    blocks = preview_diff()
    assert sorted(blocks) == [f"{node}/rp-windows" for node in nodes]
    for block in blocks.values():
        assert "+ [0]: {" in block and "- [2]: {" in block, block
        assert '+ repo : "repo-audit"' in block and '- repo : "repo-secu"' in block, block
        assert "[1]:" not in block, block
    assert _json_diffs(d) == {
        f"{node}/rp-windows": (["routing_criteria"], {"routing_criteria[0]": "add", "routing_criteria[2]": "delete"})
        for node in nodes
    }

    # One criterion deleted: that element only.
    d.edit(INSTANCE, lambda text: text.replace("{_id: crit-audit, _first: true}", "{_id: crit-audit, _action: delete}"))
    blocks = preview_diff()
    for block in blocks.values():
        assert "- [2]: {" in block and "[0]:" not in block and "[1]:" not in block and "+ " not in block, block
    assert _json_diffs(d) == {
        f"{node}/rp-windows": (["routing_criteria"], {"routing_criteria[2]": "delete"}) for node in nodes
    }
    d.edit(
        INSTANCE, lambda text: text.replace("{_id: crit-audit, _action: delete}", "{_id: crit-audit, repo: repo-secu}")
    )

    # A new password: the field, its values hidden.
    d.cli.run("config", "set", "--secret", "--path", "cac-director:userPasswords.soc-lead", USER_PASSWORD + "-2")
    blocks = preview_diff()
    assert sorted(blocks) == [f"{node}/soc-lead" for node in nodes]
    assert all("~ password: [secret] => [secret]" in block for block in blocks.values()), blocks
    d.cli.run("config", "set", "--secret", "--path", "cac-director:userPasswords.soc-lead", USER_PASSWORD)

    # An upstream replacement: the devices in the group change only in ref_ids (a new id, the same name). They
    # are still updated, and show the reference that is re-pointed, not the ids.
    stack = json.loads(d.cli.run("stack", "export").stdout)
    group = next(r["urn"] for r in stack["deployment"]["resources"] if r["urn"].endswith("::dn-prod-01/dg-windows"))
    replacing = d.cli.run("preview", "--diff", "--replace", group)
    assert USER_PASSWORD not in _output(replacing)
    # The forced replacement itself is left out: with nothing changed, the engine prints its old inputs.
    blocks = {name: block for name, block in _blocks(replacing.stdout).items() if name != "dn-prod-01/dg-windows"}
    assert sorted(blocks) == ["dn-prod-01/dc-01", "dn-prod-01/dc-02"], replacing.stdout
    for block in blocks.values():
        assert "(update)" in block and "~ devicegroup: [" in block, block
        assert '~ [0]: "dg-windows" => "dg-windows"' in block, block
        for internal in INTERNAL_INPUTS:
            assert internal not in block, block
    assert {
        name: diffs for name, diffs in _json_diffs(d, "--replace", group).items() if name != "dn-prod-01/dg-windows"
    } == {f"dn-prod-01/{dc}": (["devicegroup"], {"devicegroup[0]": "update"}) for dc in ("dc-01", "dc-02")}
