"""The create journal: a durable record of each create a provider sends during `cac-director up`.

With ``PULUMI_SKIP_CHECKPOINTS=true`` (fast mode, docs/reliability.md "Fast mode") the engine writes the
state once, at the end, so a SIGKILL mid-apply leaves no trace of the run in the state: neither the
objects created nor the engine's pending creates that prove a same-name object is this stack's. The
providers therefore append one line to a per-stack journal file *before* each create POST (type token,
logical name, object name, node) and one after it (the id), and the next run's program treats a journaled
create exactly like the engine's pending create: the resource may take over the same-name object on the
same node. An object the journal does not record is refused as before. `cac-director up` journals in the
default mode too: a provider process killed on its own loses the engine's pending creates as well.

The file is JSON lines, appended with one ``write`` per line (``O_APPEND``, so the provider processes of
one apply never interleave) and fsynced before the POST is sent. ``cac-director up`` prunes it after a
successful apply (``prune``): entries the state now holds are dropped; the others name objects the
configuration no longer declares and are reported until they are recorded (``undeclared``).

Where the file lives (``journal_path``): ``CAC_DIRECTOR_JOURNAL_DIR`` if set; else beside a file backend's
state (``PULUMI_BACKEND_URL=file://...``); else in the project directory (``.cac-director/journal``).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi

from cac_director.constants import TYPE_PREFIX

JOURNAL_ENV = "CAC_DIRECTOR_CREATE_JOURNAL"
"""The journal file of the running apply; set by ``cac-director up`` in fast mode, read by the providers."""
JOURNAL_DIR_ENV = "CAC_DIRECTOR_JOURNAL_DIR"
"""Where journals live, for backends that are not a directory of this machine (see ``journal_path``)."""
RESOURCE_TYPE_PREFIX = TYPE_PREFIX

_lock = threading.Lock()


@dataclass(frozen=True)
class Entry:
    """One create the journal records: ``key`` is ``<type token>::<logical name>``, as URNs end."""

    key: str
    name_key: str
    name: str
    node: str
    node_name: str
    id: str | None = None

    def describe(self) -> str:
        kind = self.key.split("::")[0].removeprefix(RESOURCE_TYPE_PREFIX)
        return f"{kind} '{self.name}' on node {self.node_name}"


def journal_path(project_dir: Path, project: str, stack: str, environ: Mapping[str, str] | None = None) -> Path:
    """The journal file of ``project``/``stack``: found again by every run on the same machine and backend."""
    env = os.environ if environ is None else environ
    configured = env.get(JOURNAL_DIR_ENV)
    backend = env.get("PULUMI_BACKEND_URL", "")
    if configured:
        root = Path(configured).expanduser()
    elif backend.startswith("file://"):
        # Beside the state: `file:///abs`, `file://~/dir`, `file://relative` (query options cut off).
        location = backend.removeprefix("file://").split("?")[0]
        root = Path(location).expanduser()
        root = (root if root.is_absolute() else project_dir / root) / ".pulumi" / "cac-director-journal"
    else:
        root = project_dir / ".cac-director" / "journal"
    return root / project / f"{stack.replace('/', '_')}.jsonl"


def _append(path: Path, record: Mapping[str, Any], *, durable: bool) -> None:
    line = (json.dumps(record, sort_keys=True) + "\n").encode()
    with _lock:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)


class CreateRecord:
    """The journal lines of one create; every method is a no-op when the apply keeps no journal."""

    def __init__(self, path: Path | None, entry: Entry) -> None:
        self._path = path
        self._entry = entry

    def sending(self) -> None:
        """Before the POST: durable, so a kill right after the request still finds the record."""
        if self._path is not None:
            e = self._entry
            record = {"op": "sent", "key": e.key, "name_key": e.name_key, "name": e.name, "node": e.node}
            _append(self._path, {**record, "node_name": e.node_name, "time": round(time.time(), 3)}, durable=True)

    def created(self, obj_id: str) -> None:
        # Not fsynced: the "sent" line alone already proves the object is this stack's.
        if self._path is not None:
            _append(self._path, {"op": "created", "key": self._entry.key, "id": obj_id}, durable=False)

    def withdrawn(self) -> None:
        """The Director refused the create: nothing of that name is this stack's."""
        if self._path is not None:
            _append(self._path, {"op": "withdrawn", "key": self._entry.key}, durable=True)


def for_create(type_name: str, name_key: str, props: Mapping[str, Any]) -> CreateRecord:
    """The record of the create of ``props`` (a resource's inputs), journaled only when ``JOURNAL_ENV`` is set."""
    configured = os.environ.get(JOURNAL_ENV)
    target = props.get("target") or {}
    name, node_name = str(props.get(name_key)), str(target.get("node_name") or "")
    entry = Entry(
        key=f"{RESOURCE_TYPE_PREFIX}{type_name}::{node_name}/{name}",
        name_key=name_key,
        name=name,
        node=str(target.get("node") or ""),
        node_name=node_name,
    )
    return CreateRecord(Path(configured) if configured else None, entry)


def read(path: Path) -> dict[str, Entry]:
    """Key -> entry of every create the journal still records; a torn last line (a kill mid-write) is skipped."""
    try:
        lines = path.read_text().splitlines()
    except FileNotFoundError:
        return {}
    entries: dict[str, Entry] = {}
    for line in lines:
        try:
            record = json.loads(line)
            key = str(record["key"])
            if record["op"] == "sent":
                fields = ("name_key", "name", "node", "node_name")
                entries[key] = Entry(key, *(str(record[field]) for field in fields))
            elif record["op"] == "created" and key in entries:
                old = entries[key]
                entries[key] = Entry(key, old.name_key, old.name, old.node, old.node_name, str(record["id"]))
            elif record["op"] == "withdrawn":
                entries.pop(key, None)
        except (ValueError, KeyError, TypeError):
            continue
    return entries


def as_pending(entries: Mapping[str, Entry]) -> dict[str, dict[str, Any]]:
    """The entries in the shape of the engine's pending creates (``pending.pending_creates``)."""
    return {key: {e.name_key: e.name, "target": {"node": e.node}} for key, e in entries.items()}


def recorded_keys(urns: Iterable[str]) -> set[str]:
    """``<type token>::<logical name>`` of every URN (the form journal keys have)."""
    return {"::".join(urn.split("::")[-2:]) for urn in urns}


def undeclared(entries: Mapping[str, Entry], state_urns: Iterable[str]) -> list[Entry]:
    """After a successful apply: journaled creates the state does not hold (the configuration dropped them)."""
    recorded = recorded_keys(state_urns)
    return [entry for key, entry in sorted(entries.items()) if key not in recorded]


def prune(path: Path, state_urns: Iterable[str]) -> list[Entry]:
    """Drop the entries the state holds; return the ones kept (``undeclared``). The file goes when empty."""
    kept = undeclared(read(path), state_urns)
    if not kept:
        path.unlink(missing_ok=True)
        return []
    lines = []
    for e in kept:
        record = {"op": "sent", "key": e.key, "name_key": e.name_key, "name": e.name, "node": e.node}
        lines.append(json.dumps({**record, "node_name": e.node_name}, sort_keys=True))
        if e.id is not None:
            lines.append(json.dumps({"op": "created", "key": e.key, "id": e.id}, sort_keys=True))
    temporary = path.with_suffix(".tmp")
    temporary.write_text("\n".join(lines) + "\n")
    os.replace(temporary, path)
    return kept


def journaled_creates(project_dir: Path | None = None) -> dict[str, dict[str, Any]]:
    """For the program: this stack's journaled creates as pending creates; empty in previews.

    ``project_dir``: where ``Pulumi.yaml`` is (default: the working directory, as for a local program).
    """
    if pulumi.runtime.is_dry_run():
        return {}
    path = journal_path(project_dir or Path(os.getcwd()), pulumi.get_project(), pulumi.get_stack())
    return as_pending(read(path))
