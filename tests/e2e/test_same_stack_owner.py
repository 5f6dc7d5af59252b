"""An alert rule owned by a user that the same stack manages: the first `pulumi up` creates both, user first.

Bank B prod is one AIO, where users and alert rules live on the same node. The owner is not on the node before
the apply; the pre-flight counts the stack's own user as present and the rule waits for it (its id travels in
``ref_ids``, as for every id reference between managed objects).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cac_director.director import runtime
from cac_director.emulator import Emulator, EmulatorConfig
from tests.conftest import PulumiCLI
from tests.e2e.conftest import copy_project

pytestmark = pytest.mark.e2e

TOKEN = "e2e-owner-token-2d7b90"
INSTANCE = "fleets/bank-b/prod/instance.yaml"
OWNED_RULE = (
    "    - {searchname: bankb-analyst-watch, owner: bankb-analyst, assigned_to: bankb-analyst, risk: high, "
    "aggregate: max, condition_option: greaterthan, condition_value: 3, limit: 10, repos: [repo-soc], "
    "timerange_minute: 5, query: 'label=Login label=Fail'}\n"
)


@pytest.fixture
def stack(tmp_path: Path, pulumi_cli_factory: Any) -> Iterator[tuple[PulumiCLI, Emulator, Path]]:
    root = copy_project(tmp_path)
    instance = root / INSTANCE
    deleted = "    - {searchname: pci-failed-logins, _action: delete}\n"
    assert deleted in instance.read_text()
    instance.write_text(instance.read_text().replace(deleted, deleted + OWNED_RULE))
    cfg = EmulatorConfig.from_fleet_files([root / "fleets" / "bank-b" / "fleet.yaml"], token=TOKEN)
    with Emulator.start(cfg, host="127.0.0.1", port=0) as emu:
        cli: PulumiCLI = pulumi_cli_factory(root)
        cli.env["DIRECTOR_TOKEN"] = TOKEN
        cli.run("stack", "init", "owner", "--secrets-provider", "passphrase")
        cli.run("config", "set", "cac-director:instance", INSTANCE)
        cli.run("config", "set", "cac-director:directorUrl", emu.url)
        cli.run("config", "set", "--secret", "--path", "cac-director:userPasswords.bankb-analyst", "owner-pass-1")
        yield cli, emu, root
    runtime.reset()


def test_first_up_creates_the_owner_before_its_rule(stack: tuple[PulumiCLI, Emulator, Path]) -> None:
    cli, emu, _ = stack
    pool = "3f2e1d0c9b8a47f6a5e4d3c2b1a09f8e"
    node = "b0b0b0b0c1c1c1c1d2d2d2d2e3e3e3e3"
    assert "bankb-analyst" not in {u["username"] for u in emu.objects(pool, node, "Users")}
    cli.run("up", "--yes")
    user_id = next(u["id"] for u in emu.objects(pool, node, "Users") if u["username"] == "bankb-analyst")
    rule = next(r for r in emu.objects(pool, node, "AlertRules") if r["searchname"] == "bankb-analyst-watch")
    assert rule["owner"] == user_id and rule["assigned_to"] == user_id
    cli.run("preview", "--expect-no-changes")
    # The engine knows the rule needs its owner: it is recorded as a dependency, so destroy removes the rule first.
    resources = json.loads(cli.run("stack", "export").stdout)["deployment"]["resources"]
    urns = {r["urn"].split("::")[-1]: r for r in resources}
    assert urns["aio-01/bankb-analyst"]["urn"] in urns["aio-01/bankb-analyst-watch"]["dependencies"]
    cli.run("destroy", "--yes")
    assert "bankb-analyst" not in {u["username"] for u in emu.objects(pool, node, "Users")}
