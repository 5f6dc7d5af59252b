"""State: persistence across restarts, concurrency, fleet files, admin inspection and out-of-band edits."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import httpx
import pytest

from cac_director.config import load_fleet
from cac_director.config.issues import IssueCollector
from cac_director.emulator import Emulator, EmulatorConfig, NodeSpec, PoolSpec
from cac_director.errors import EmulatorError
from tests.emulator.conftest import DN1, DN2, POOL, TOKEN, by_name, cfg, make_config, ok, write

REPO = {"name": "Repo_p", "hiddenrepopath": [{"path": "/opt/immune/storage/", "retention": 30}]}


def _client(emu: Emulator) -> httpx.Client:
    return httpx.Client(base_url=emu.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)


def test_state_file_survives_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "state" / "emu.json"
    with Emulator.start(make_config(state_file=state)) as emu, _client(emu) as c:
        ok(write(c, "POST", f"{cfg()}/Repos", REPO))
        before = c.get(f"{cfg()}/Repos").json()
    assert json.loads(state.read_text())["version"] == 1
    assert [p.name for p in state.parent.iterdir()] == ["emu.json"]  # no temp files left behind
    with Emulator.start(make_config(state_file=state)) as emu, _client(emu) as c:
        assert c.get(f"{cfg()}/Repos").json() == before
        ok(write(c, "POST", f"{cfg()}/Repos", {**REPO, "name": "Repo_q"}))
        assert by_name(c, "Repos", "Repo_q")["repo_number"] == 5


def test_a_state_file_from_before_a_type_was_emulated_gets_that_types_seeds(tmp_path: Path) -> None:
    state = tmp_path / "emu.json"
    with Emulator.start(make_config(state_file=state)) as emu, _client(emu) as c:
        ok(write(c, "POST", f"{cfg()}/Repos", REPO))
        settings = c.get(f"{cfg()}/SystemSettingsGeneral").json()
    saved = json.loads(state.read_text())
    for node in saved["nodes"].values():  # as written before SystemSettingsGeneral and Lists were emulated
        del node["objects"]["SystemSettingsGeneral"], node["objects"]["Lists"]
    state.write_text(json.dumps(saved))
    with Emulator.start(make_config(state_file=state)) as emu, _client(emu) as c:
        assert by_name(c, "Repos", "Repo_p")["repo_number"] == 4
        assert c.get(f"{cfg()}/SystemSettingsGeneral").json() == settings
        assert c.get(f"{cfg()}/Lists").json() == []


def test_corrupt_state_file_is_a_clear_error(tmp_path: Path) -> None:
    state = tmp_path / "emu.json"
    state.write_text("{nope")
    with pytest.raises(EmulatorError, match=r"emu\.json"):
        Emulator.start(make_config(state_file=state))


def test_concurrent_writes_are_safe(client: httpx.Client, emu: Emulator) -> None:
    errors: list[str] = []

    def worker(index: int) -> None:
        with _client(emu) as c:
            for j in range(8):
                order = write(c, "POST", f"{cfg()}/Repos", {**REPO, "name": f"R_{index}_{j}"})
                if order["response"]["success"] is not True:
                    errors.append(str(order))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    repos = client.get(f"{cfg()}/Repos").json()
    assert len(repos) == 3 + 64
    assert len({r["id"] for r in repos}) == len(repos)
    assert sorted(r["repo_number"] for r in repos) == list(range(1, 68))


def _fleet(path: Path, name: str, pool: str, nodes: str) -> Path:
    path.write_text(
        f"apiVersion: cac-director/v1\nkind: Fleet\nmetadata: {{name: {name}}}\nspec:\n"
        f'  director: {{url: "https://d.example.net", poolUuid: "{pool}"}}\n  nodes:\n{nodes}'
    )
    return path


def test_fleet_files_sharing_a_pool_merge_and_ips_are_derived(tmp_path: Path) -> None:
    a = _fleet(
        tmp_path / "a.yaml",
        "bank-a",
        POOL,
        f'    dataNodes: [{{name: dn-1, logpointId: "{DN1}", tags: {{cluster: prod}}}}]\n    aios: []\n',
    )
    b = _fleet(
        tmp_path / "b.yaml",
        "bank-a-sh",
        POOL,
        f'    searchHeads: [{{name: sh-1, logpointId: "{DN2}", privateIp: 172.16.0.5}}]\n',
    )
    config = EmulatorConfig.from_fleet_files([a, b], token=TOKEN)
    assert len(config.pools) == 1
    nodes = config.pools[0].nodes
    assert [(n.name, n.ip) for n in nodes] == [("dn-1", "10.10.0.11"), ("sh-1", "172.16.0.5")]
    assert TOKEN not in repr(config)
    with Emulator.start(config) as emu, _client(emu) as c:
        r = c.post(f"/configapi/{POOL}/{DN2}/Repos/RemoteRepos/fetch", json={"data": {}})
        rows = c.get("/" + r.json()["message"]).json()["response"]["rows"]
        assert "10.10.0.11:5504/default" in rows
        assert c.get(f"/configapi/{POOL}/{'f' * 32}/Repos").status_code == 404


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("kind: Fleet\nspec: [\n", "malformed-yaml"),
        ("kind: Other\n", "unknown-kind"),
        ("root:x:0:0:root:/root:/bin/bash\n", "not-a-fleet"),
        ("kind: Fleet\nspec: {director: {poolUuid: xyz}}\n", "poolUuid"),
        (
            f'kind: Fleet\nspec: {{director: {{poolUuid: "{POOL}"}}, nodes: {{dataNodes: [{{name: a}}]}}}}\n',
            "logpointId",
        ),
    ],
)
def test_malformed_fleet_file_is_a_clear_error(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "fleet.yaml"
    path.write_text(text)
    with pytest.raises(EmulatorError) as info:
        EmulatorConfig.from_fleet_files([path])
    assert str(path) in str(info.value) and fragment in str(info.value)


def test_emulator_and_validate_read_fleet_files_with_one_model(tmp_path: Path) -> None:
    """privateIp and repoPaths are fleet fields for both; upper-case hex ids are the same ids for both."""
    path = _fleet(
        tmp_path / "fleet.yaml",
        "bank-x",
        POOL.upper(),
        f'    dataNodes: [{{name: dn-1, logpointId: "{DN1.upper()}", privateIp: 172.16.0.9, '
        "repoPaths: [/data/fast/]}]\n",
    )
    collector = IssueCollector()
    fleet = load_fleet(path, collector)
    assert fleet is not None and collector.issues == []
    config = EmulatorConfig.from_fleet_files([path], token=TOKEN)
    node = config.pools[0].nodes[0]
    assert (config.pools[0].uuid, node.identifier) == (POOL, DN1) == (fleet.pool_uuid, fleet.nodes[0].logpoint_id)
    assert (node.ip, node.paths()) == ("172.16.0.9", ["/data/fast/"])
    bad = _fleet(
        tmp_path / "bad.yaml",
        "bank-x",
        POOL,
        f'    dataNodes: [{{name: dn-1, logpointId: "{DN1}", privateIp: 10.0.0.999}}]\n',
    )
    with pytest.raises(EmulatorError) as info:
        EmulatorConfig.from_fleet_files([bad])
    assert "spec.nodes.dataNodes[0].privateIp" in str(info.value)
    assert "10.0.0.999" in str(info.value)


def test_bad_pool_or_node_ids_are_refused() -> None:
    with pytest.raises(EmulatorError):
        Emulator(EmulatorConfig(pools=[PoolSpec(uuid="abc", name="x")]))
    with pytest.raises(EmulatorError):
        Emulator(
            EmulatorConfig(
                pools=[PoolSpec(uuid=POOL, name="x", nodes=[NodeSpec("1" * 32, "a"), NodeSpec("1" * 32, "b")])]
            )
        )


def test_in_process_inspection_and_out_of_band_changes(client: httpx.Client, emu: Emulator) -> None:
    ok(write(client, "POST", f"{cfg()}/Repos", REPO))
    repo = next(r for r in emu.objects(POOL, DN1, "Repos") if r["name"] == "Repo_p")
    emu.oob_update(POOL, DN1, "Repos", repo["id"], {"hiddenrepopath": [{"path": "/data/hot", "retention": 3}]})
    assert by_name(client, "Repos", "Repo_p")["repopath"] == [{"path": "/data/hot/", "retention": 3}]
    emu.oob_delete(POOL, DN1, "Repos", repo["id"])
    assert "Repo_p" not in [r["name"] for r in client.get(f"{cfg()}/Repos").json()]
    with pytest.raises(KeyError):
        emu.oob_delete(POOL, DN1, "Repos", repo["id"])


def test_admin_endpoint_dump_edit_delete_reset(client: httpx.Client, emu: Emulator) -> None:
    base = f"/_emulator/nodes/{POOL}/{DN1}"
    ok(write(client, "POST", f"{cfg()}/Repos", REPO))
    dump = client.get(f"{base}/objects").json()
    assert "Repo_p" in [r["name"] for r in dump["objects"]["Repos"].values()]
    assert len(dump["builtin"]) > 10
    listed = client.get(f"{base}/objects/Repos").json()
    rid = next(r["id"] for r in listed if r["name"] == "Repo_p")
    r = client.patch(f"{base}/objects/Repos/{rid}", json={"hiddenrepopath": [{"path": "/data/cold/", "retention": 9}]})
    assert r.status_code == 200
    assert by_name(client, "Repos", "Repo_p")["repopath"] == [{"path": "/data/cold/", "retention": 9}]
    assert client.delete(f"{base}/objects/Repos/{rid}").status_code == 200
    assert client.delete(f"{base}/objects/Repos/{rid}").status_code == 404
    ok(write(client, "POST", f"{cfg()}/Repos", REPO))
    ok(write(client, "POST", f"{cfg(DN2)}/Repos", REPO))
    assert client.post(f"{base}/reset").status_code == 200
    assert "Repo_p" not in [r["name"] for r in client.get(f"{cfg()}/Repos").json()]
    assert "Repo_p" in [r["name"] for r in client.get(f"{cfg(DN2)}/Repos").json()]
    assert client.post("/_emulator/reset").status_code == 200
    assert "Repo_p" not in [r["name"] for r in client.get(f"{cfg(DN2)}/Repos").json()]
    assert client.get(f"/_emulator/nodes/{POOL}/{'0' * 32}/objects").status_code == 404
    nodes = client.get("/_emulator/nodes").json()
    assert nodes[0]["nodes"][0]["repo_paths"][0] == "/opt/immune/storage/"
    assert client.put("/_emulator/config", json={"order_delay": 0.1}).json()["order_delay"] == 0.1
    assert client.put("/_emulator/config", json={"bogus": 1}).status_code == 400
    assert client.get("/_emulator/nope").status_code == 404


def test_builtin_ids_are_stable_across_resets(client: httpx.Client, emu: Emulator) -> None:
    before = by_name(client, "Repos", "default")["id"]
    emu.reset()
    assert by_name(client, "Repos", "default")["id"] == before
