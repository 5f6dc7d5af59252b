"""The adoption notes say, per live object, what taking it over changes, read with one listing per type per node.

Objects are made through the emulator's admin endpoint (as in the Director console); the notes are computed by
the program's own code against the emulator over HTTP and read back by the change report's parser.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from cac_director.config import ResolvedInstance, load_instance
from cac_director.director import ClientSettings, runtime
from cac_director.emulator import Emulator, EmulatorConfig
from cac_director.plan import FieldChange
from cac_director.plan.adoption import adopted_changes
from cac_director.pulumi_provider.adoption import Note, adoption_notes
from cac_director.pulumi_provider.preflight import missing_node_references
from tests.conftest import REPO_ROOT

TOKEN = "adoption-test-token-6e0b2"
PROD = REPO_ROOT / "fleets/bank-a/prod/instance.yaml"
OWNER = "cac-director/bank-a-prod"
REPO = "pulumi-python:dynamic/cacdirector:Repo"
GROUP = "pulumi-python:dynamic/cacdirector:DeviceGroup"
SETTINGS = tuple(
    f"pulumi-python:dynamic/cacdirector:SystemSettingsGeneral::{node}/general"
    for node in ("dn-prod-01", "dn-prod-02", "sh-prod-01")
)


@pytest.fixture(scope="module")
def emu() -> Iterator[Any]:
    cfg = EmulatorConfig.from_fleet_files([REPO_ROOT / "fleets/bank-a/fleet.yaml"], token=TOKEN)
    with Emulator.start(cfg, host="127.0.0.1", port=0) as emulator:
        yield emulator
    runtime.reset()


@pytest.fixture
def resolved(emu: Any) -> ResolvedInstance:
    emu.reset()
    emu.reset_request_log()
    runtime.reset()
    return load_instance(PROD)


def _console_create(emu: Any, resolved: ResolvedInstance, node: str, resource: str, fields: dict[str, Any]) -> str:
    """An object made out of band, through the admin endpoint (its id)."""
    node_id = resolved.nodes[node].logpoint_id
    url = f"{emu.url}/_emulator/nodes/{resolved.fleet.pool_uuid}/{node_id}/objects/{resource}"
    reply = httpx.post(url, json=fields, timeout=10)
    reply.raise_for_status()
    return str(reply.json()["id"])


def _notes(emu: Any, resolved: ResolvedInstance, recorded: set[str] | None = None) -> dict[str, Note]:
    settings = ClientSettings(url=emu.url, token=TOKEN, pool_uuid=resolved.fleet.pool_uuid)
    # As the program runs them: the pre-flight first, then the notes on the same process's clients.
    assert missing_node_references(settings, resolved) == []
    return adoption_notes(settings, resolved, recorded or set(), OWNER)


def test_a_changed_and_an_identical_live_object_say_what_adopting_changes(emu: Any, resolved: ResolvedInstance) -> None:
    # The configuration has repo-linux on /data/hot/ (45 days) and /data/warm/ (180) on both data nodes.
    changed = [{"path": "/data/hot/", "retention": 999}, {"path": "/data/warm/", "retention": 180}]
    same = [{"path": "/data/hot/", "retention": 45}, {"path": "/data/warm/", "retention": 180}]
    id_01 = _console_create(emu, resolved, "dn-prod-01", "Repos", {"name": "repo-linux", "hiddenrepopath": changed})
    _console_create(emu, resolved, "dn-prod-02", "Repos", {"name": "repo-linux", "hiddenrepopath": same})

    notes = _notes(emu, resolved)

    note = notes[f"{REPO}::dn-prod-01/repo-linux"]
    assert note.severity == "info"
    lines = note.message.splitlines()
    assert lines[0].startswith(f"adopts the existing object of this name (id {id_01}) on node dn-prod-01")
    assert lines[1] == "    hiddenrepopath[/data/hot/].retention: 999 -> 45"
    assert adopted_changes(note.message) == [
        FieldChange("hiddenrepopath[/data/hot/].retention", "modified", old=999, new=45)
    ]
    unchanged = notes[f"{REPO}::dn-prod-02/repo-linux"]
    assert "it matches the configuration (no change)" in unchanged.message
    assert "ownership marker" not in unchanged.message  # repos carry none
    assert adopted_changes(unchanged.message) == []
    # Besides, only each node's settings (one object per node, always taken over) say what changes.
    assert set(notes) == {f"{REPO}::dn-prod-01/repo-linux", f"{REPO}::dn-prod-02/repo-linux", *SETTINGS}
    assert '    timestamp_on: "col_ts" -> "log_ts"' in notes[SETTINGS[0]].message.splitlines()


def test_one_listing_per_type_per_node_and_no_read_by_id(emu: Any, resolved: ResolvedInstance) -> None:
    for node in ("dn-prod-01", "dn-prod-02"):
        _console_create(emu, resolved, node, "Repos", {"name": "repo-linux", "hiddenrepopath": []})
        _console_create(emu, resolved, node, "DeviceGroups", {"name": "dg-linux", "description": "Linux servers"})
    emu.reset_request_log()

    _notes(emu, resolved)

    counts = emu.request_counts()
    assert counts["GET /configapi/{pool}/{node}/Repos"] == 2  # the pre-flight's listing (built-in repos) answers
    assert counts["GET /configapi/{pool}/{node}/DeviceGroups"] == 2
    nodes = len(resolved.nodes)
    assert {request: n for request, n in counts.items() if request.startswith("GET /configapi/") and n > nodes} == {}
    assert not [request for request in counts if request.endswith("/{id}")], counts
    # Reads only: GET lists and the alert rules' fetch order.
    assert not [r for r in counts if not r.startswith("GET ") and not r.endswith("/fetch")], counts


def test_the_marker_write_is_said_and_another_stacks_object_is_refused(emu: Any, resolved: ResolvedInstance) -> None:
    _console_create(emu, resolved, "dn-prod-01", "DeviceGroups", {"name": "dg-linux", "description": "Linux servers"})
    other = {"name": "dg-linux", "description": "Linux servers [cac-director:other-project/prod]"}
    _console_create(emu, resolved, "dn-prod-02", "DeviceGroups", other)

    notes = _notes(emu, resolved)

    unmarked = notes[f"{GROUP}::dn-prod-01/dg-linux"]
    assert "writes this stack's ownership marker; it matches the configuration (no change)" in unmarked.message
    assert adopted_changes(unmarked.message) == []
    refused = notes[f"{GROUP}::dn-prod-02/dg-linux"]
    assert refused.severity == "warning"
    assert "managed by stack 'other-project/prod'" in refused.message


def test_objects_the_state_records_get_no_note(emu: Any, resolved: ResolvedInstance) -> None:
    _console_create(emu, resolved, "dn-prod-01", "Repos", {"name": "repo-linux", "hiddenrepopath": []})
    recorded = {f"{REPO}::dn-prod-01/repo-linux", *SETTINGS}
    assert _notes(emu, resolved, recorded) == {}
