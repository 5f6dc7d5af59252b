"""The create journal file: what it records, what survives a torn line, where it lives, what pruning keeps."""

from __future__ import annotations

from pathlib import Path

import pytest

from cac_director.pulumi_provider import create_journal

REPO_KEY = "pulumi-python:dynamic/cacdirector:Repo::dn-01/repo-a"
URN_PREFIX = "urn:pulumi:prod::cac-director::"


def _props(name: str) -> dict[str, object]:
    return {"name": name, "target": {"node": "node-uuid-1", "node_name": "dn-01"}}


@pytest.fixture
def journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "journal" / "prod.jsonl"
    monkeypatch.setenv(create_journal.JOURNAL_ENV, str(path))
    return path


def test_sent_creates_are_recorded_with_their_id_and_refused_ones_withdrawn(journal: Path) -> None:
    a = create_journal.for_create("Repo", "name", _props("repo-a"))
    b = create_journal.for_create("Repo", "name", _props("repo-b"))
    a.sending()
    b.sending()
    assert set(create_journal.read(journal)) == {REPO_KEY, REPO_KEY.replace("repo-a", "repo-b")}
    a.created("id-1")
    b.withdrawn()
    entries = create_journal.read(journal)
    assert list(entries) == [REPO_KEY]
    assert entries[REPO_KEY].id == "id-1"
    # The shape the program's ownership check reads (``pending.is_own_pending``).
    assert create_journal.as_pending(entries) == {REPO_KEY: {"name": "repo-a", "target": {"node": "node-uuid-1"}}}


def test_a_line_torn_by_a_kill_is_skipped_and_the_rest_kept(journal: Path) -> None:
    create_journal.for_create("Repo", "name", _props("repo-a")).sending()
    with journal.open("a") as handle:
        handle.write('{"op": "sent", "key": "pulumi-python:dynamic/cacdirector:Repo::dn-01/re')
    assert list(create_journal.read(journal)) == [REPO_KEY]


def test_without_the_journal_setting_nothing_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(create_journal.JOURNAL_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    create_journal.for_create("Repo", "name", _props("repo-a")).sending()
    assert list(tmp_path.iterdir()) == []


def test_pruning_drops_what_the_state_holds_and_keeps_undeclared_creates(journal: Path) -> None:
    create_journal.for_create("Repo", "name", _props("repo-a")).sending()
    gone = create_journal.for_create("Repo", "name", _props("repo-gone"))
    gone.sending()
    gone.created("id-9")
    kept = create_journal.prune(journal, [URN_PREFIX + REPO_KEY])
    assert [entry.describe() for entry in kept] == ["Repo 'repo-gone' on node dn-01"]
    assert [(e.name, e.id) for e in create_journal.read(journal).values()] == [("repo-gone", "id-9")]
    # Once the state holds it too (declared again and recorded), the file goes.
    assert create_journal.prune(journal, [URN_PREFIX + REPO_KEY.replace("repo-a", "repo-gone")]) == []
    assert not journal.exists()


def test_the_journal_lives_beside_a_file_backend_else_in_the_project(tmp_path: Path) -> None:
    project = tmp_path / "project"
    backend = {"PULUMI_BACKEND_URL": f"file://{tmp_path / 'state'}"}
    assert create_journal.journal_path(project, "p", "prod", backend) == (
        tmp_path / "state" / ".pulumi" / "cac-director-journal" / "p" / "prod.jsonl"
    )
    assert create_journal.journal_path(project, "p", "org/prod", {}) == (
        project / ".cac-director" / "journal" / "p" / "org_prod.jsonl"
    )
    chosen = {**backend, create_journal.JOURNAL_DIR_ENV: str(tmp_path / "kept")}
    assert create_journal.journal_path(project, "p", "prod", chosen) == tmp_path / "kept" / "p" / "prod.jsonl"
