"""The Director runtime of a process: its sessions, node clients, resolvers and read caches, in one place.

A Pulumi provider process is one run: every resource of a node must share one client (its name -> id
tables), one resolver (the ids the engine handed over) and one refresh listing per type, and every node
of a Director one session (one httpx pool, one token and its refresh). The runtime keeps them, created
lazily once per process and shared by all threads (a provider serves ``providerThreads`` calls at once).

Everything is keyed by what it is, by value: a session by its ``ClientSettings`` (Director URL, TLS,
token and refresh secret, timeouts, retries, concurrency) with the pool left out, plus the object of a
test's custom httpx transport; a node by its session, pool and LogPoint identifier. ``reset()`` is a new
process as far as the Director is concerned (tests; the end of a CLI command).
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from typing import Any, NamedTuple

import httpx

from cac_director.director.client import DirectorClient
from cac_director.director.resolver import NodeResolver
from cac_director.director.session import Session
from cac_director.director.settings import ClientSettings
from cac_director.director.single_flight import SingleFlightCache


class SessionKey(NamedTuple):
    settings: tuple[tuple[str, object], ...]
    """Every compared setting but ``pool_uuid``: the nodes of every pool of one Director share its session."""
    transport: httpx.BaseTransport | None
    """The object itself (held, so never mistaken for a later one), as the settings do not compare it."""

    @classmethod
    def of(cls, settings: ClientSettings) -> SessionKey:
        values = tuple(
            (f.name, getattr(settings, f.name))
            for f in dataclasses.fields(settings)
            if f.compare and f.name != "pool_uuid"
        )
        return cls(values, settings.transport)


class NodeKey(NamedTuple):
    session: SessionKey
    pool: str
    node: str


@dataclass(frozen=True)
class Node:
    """What the process keeps about one node: its client, its resolver and the refresh listings."""

    client: DirectorClient
    resolver: NodeResolver
    listings: SingleFlightCache[dict[str, dict[str, Any]]]
    """Per type name, ``{id: wire read object}`` from one listing: a refresh reads each object from it."""


class DirectorRuntime:
    """Sessions and nodes of one process. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[SessionKey, Session] = {}
        self._nodes: dict[NodeKey, Node] = {}

    def session(self, settings: ClientSettings) -> Session:
        """The shared session of ``settings`` (one httpx pool and one token per Director connection)."""
        key = SessionKey.of(settings)
        with self._lock:
            return self._session(key, settings)

    def _session(self, key: SessionKey, settings: ClientSettings) -> Session:
        session = self._sessions.get(key)
        if session is None:
            session = self._sessions[key] = Session(settings)
        return session

    def node(self, settings: ClientSettings, node_id: str, node_name: str = "", pool_uuid: str = "") -> Node:
        """The node ``node_id`` of pool ``pool_uuid`` (default: the settings' pool); the same one for the process."""
        session_key = SessionKey.of(settings)
        key = NodeKey(session_key, pool_uuid or settings.pool_uuid, node_id)
        with self._lock:
            node = self._nodes.get(key)
            if node is None:
                client = DirectorClient(
                    self._session(session_key, settings), pool_uuid=key.pool, node_id=node_id, node_name=node_name
                )
                node = self._nodes[key] = Node(client, NodeResolver(client), SingleFlightCache())
            return node

    def reset(self) -> None:
        """Close every session and forget every node."""
        with self._lock:
            sessions = list(self._sessions.values())
            self._sessions.clear()
            self._nodes.clear()
        for session in sessions:
            session.close()


_current: DirectorRuntime | None = None
_current_lock = threading.Lock()


def current() -> DirectorRuntime:
    """The runtime of this process, created on first use."""
    global _current  # noqa: PLW0603 (one per process is the point)
    if _current is not None:
        return _current
    with _current_lock:
        if _current is None:
            _current = DirectorRuntime()
        return _current


def node_client(settings: ClientSettings, node_id: str, node_name: str = "", pool_uuid: str = "") -> DirectorClient:
    """The client of one node; the same instance (and its lookup caches) for the whole process."""
    return current().node(settings, node_id, node_name, pool_uuid).client


def session_for(settings: ClientSettings) -> Session:
    """The shared session of ``settings``."""
    return current().session(settings)


def reset() -> None:
    """Close every session and forget every node of this process (tests; the end of a CLI command)."""
    current().reset()
