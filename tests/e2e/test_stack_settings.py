"""Bad stack settings stop `pulumi preview` at once with one clear line, before any Director call.

The whole rule set is covered offline (tests/provider/test_stack_settings.py); here a selection goes
through the real pulumi CLI to prove the program checks them before it registers anything.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from cac_director.emulator import Emulator, EmulatorConfig
from tests.conftest import PulumiCLI
from tests.e2e.conftest import copy_project

pytestmark = pytest.mark.e2e

TOKEN = "e2e-settings-token-51c0d2"
REFRESH_SECRET = "e2e-refresh-secret-8a41f0"
INSTANCE = "fleets/bank-b/prod/instance.yaml"

# (key, bad value, text the one line must contain)
BAD = [
    ("orderTimeout", "soon", "cac-director:orderTimeout is 'soon'"),
    ("providerThreads", "lots", "cac-director:providerThreads is 'lots'"),
    ("caBundle", "/nonexistent/ca.pem", "cac-director:caBundle is '/nonexistent/ca.pem': no such file"),
    ("directorUrl", "ftp://director.example.net", "cac-director:directorUrl is invalid"),
    ("requestTimeout", "0", "cac-director:requestTimeout is '0'"),
    ("insecureSkipVerify", "maybe", "cac-director:insecureSkipVerify is 'maybe': allowed are true or false"),
    ("providerProcesses", "-1", "cac-director:providerProcesses is '-1'"),
]


@pytest.fixture
def project(tmp_path: Path, pulumi_cli_factory: Any) -> Iterator[tuple[PulumiCLI, Emulator]]:
    root = copy_project(tmp_path)
    cfg = EmulatorConfig.from_fleet_files([root / "fleets" / "bank-b" / "fleet.yaml"], token=TOKEN)
    with Emulator.start(cfg, host="127.0.0.1", port=0) as emu:
        cli: PulumiCLI = pulumi_cli_factory(root)
        cli.env.pop("DIRECTOR_TOKEN", None)
        cli.run("stack", "init", "settings", "--secrets-provider", "passphrase")
        cli.run("config", "set", "cac-director:instance", INSTANCE)
        cli.run("config", "set", "cac-director:directorUrl", emu.url)
        cli.run("config", "set", "--secret", "cac-director:token", TOKEN)
        # Bank B prod declares a user: its password comes from the stack's secret map (docs/secrets.md).
        cli.run("config", "set", "--secret", "--path", "cac-director:userPasswords.bankb-analyst", "settings-pass-1")
        yield cli, emu


def test_each_bad_setting_fails_preview_with_one_line_and_no_director_call(
    project: tuple[PulumiCLI, Emulator],
) -> None:
    cli, emu = project
    stack_file = cli.project_dir / "Pulumi.settings.yaml"
    for key, value, expected in BAD:
        previous = cli.run("config", "get", f"cac-director:{key}", check=False).stdout.strip()
        # Written into the stack file: `pulumi config set` would read "-1" as a flag.
        stack = yaml.safe_load(stack_file.read_text())
        stack["config"][f"cac-director:{key}"] = value
        stack_file.write_text(yaml.safe_dump(stack))
        emu.reset_request_log()
        proc = cli.run("preview", check=False)
        output = proc.stdout + proc.stderr
        assert proc.returncode != 0, output
        assert expected in output, output
        assert f"pulumi config set cac-director:{key}" in output, output
        assert "Traceback" not in output, output
        assert sum(emu.request_counts().values()) == 0, emu.request_counts()
        if previous:
            cli.run("config", "set", f"cac-director:{key}", previous)
        else:
            cli.run("config", "rm", f"cac-director:{key}")


def test_empty_token_fails_preview_without_showing_anything_of_it(project: tuple[PulumiCLI, Emulator]) -> None:
    cli, emu = project
    cli.run("config", "set", "--secret", "cac-director:token", "")
    proc = cli.run("preview", check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output
    assert "cac-director:token is empty" in output, output
    assert sum(emu.request_counts().values()) == 0


def test_insecure_skip_verify_warns_on_every_run_and_no_secret_shows_anywhere(
    project: tuple[PulumiCLI, Emulator],
) -> None:
    cli, _ = project
    cli.run("config", "set", "cac-director:insecureSkipVerify", "true")
    cli.run("config", "set", "--secret", "cac-director:refreshSecret", REFRESH_SECRET)
    outputs: list[str] = []
    for command in (("preview",), ("up", "--yes"), ("preview", "--expect-no-changes")):
        proc = cli.run(*command)
        outputs.append(proc.stdout + proc.stderr)
        assert "insecureSkipVerify is true" in outputs[-1], proc.stdout
    # Secrets: not in any command's output (the program's and providers' logs), not in the state in clear,
    # and in revealed state only in the providers' own (encrypted) configuration.
    cli.run("config", "set", "cac-director:orderTimeout", "soon")
    failed = cli.run("preview", check=False)
    assert failed.returncode != 0
    outputs.append(failed.stdout + failed.stderr)
    state = cli.run("stack", "export").stdout
    revealed = json.loads(cli.run("stack", "export", "--show-secrets").stdout)
    for secret in (TOKEN, REFRESH_SECRET):
        assert secret not in "\n".join(outputs)
        assert secret not in state
        holders = {r["urn"].split("::")[-2] for r in revealed["deployment"]["resources"] if secret in json.dumps(r)}
        assert holders <= {"pulumi:providers:pulumi-python"}, holders
