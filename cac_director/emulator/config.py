"""What an emulator serves: pools, nodes, users, the token, timing and the error split.

Pools and nodes come either from Python (``PoolSpec``/``NodeSpec``) or from fleet files
(``EmulatorConfig.from_fleet_files``); the emulator never reads ``cac_director.conventions``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from cac_director.errors import EmulatorError

HEX32 = re.compile(r"^[0-9a-f]{32}$")

DEFAULT_REPO_PATHS: tuple[str, ...] = ("/opt/immune/storage/", "/data/hot/", "/data/warm/", "/data/cold/")
"""A fresh LogPoint offers only the first; the others let tiered storage be demonstrated (architecture.md)."""

DEFAULT_TOKEN = "emulator-token"  # noqa: S105 - the emulator's own well-known test token, not a secret


@dataclass
class NodeSpec:
    """One Fabric-enabled LogPoint of a pool."""

    identifier: str
    name: str
    ip: str = ""
    repo_paths: list[str] | None = None
    """Storage paths offered by ``Repos/RepoPaths``; ``None`` means ``DEFAULT_REPO_PATHS``."""
    role: str = "dataNode"
    """``dataNode``, ``searchHead`` or ``aio`` (informational; the API does not restrict resources per role)."""

    def paths(self) -> list[str]:
        return list(self.repo_paths) if self.repo_paths is not None else list(DEFAULT_REPO_PATHS)


@dataclass
class PoolSpec:
    """A Director pool and its nodes."""

    uuid: str
    name: str
    nodes: list[NodeSpec] = field(default_factory=list)


@dataclass
class UserSpec:
    """An extra LogPoint user seeded on every node next to ``admin`` (alert rule owners)."""

    username: str
    firstname: str = ""
    lastname: str = ""
    email: str = ""


@dataclass
class EmulatorConfig:
    """Everything an emulator instance needs; every field has a default except ``pools``."""

    pools: list[PoolSpec] = field(default_factory=list)
    token: str = DEFAULT_TOKEN
    order_delay: float = 0.0
    """Seconds from a write to the completion of its order (when the change becomes visible)."""
    monitor_leading_slash: bool = False
    """False: ``monitorapi/...`` as observed on the wire; True: ``/monitorapi/...`` as documented."""
    seed: int = 0
    """Seed of the fault RNG: the same request sequence meets the same faults."""
    users: list[UserSpec] = field(default_factory=list)
    semantic_errors: Literal["order", "sync"] = "order"
    """Where semantic errors (unknown reference, duplicate name, referenced/built-in delete) surface:
    ``order``: the order finishes with success=false; ``sync``: a synchronous 400."""
    put_semantics: Literal["merge", "replace"] = "merge"
    """What an edit does with write fields it does not send (undocumented, director-api.md §7.6):
    ``merge`` keeps them; ``replace`` resets them as if the object were created from the PUT body."""
    put_requires_id: bool = True
    """Refuse (400) a PUT whose ``data`` has no ``id``: every Edit table lists it as mandatory, while no Edit
    example sends it (director-api.md §4.1, §7.19). False accepts the examples' shape."""
    returns_compiled_normalizer: bool = False
    """Whether NormalizationPolicy reads include ``compiled_normalizer``; the documented Get/List
    examples do not (director-api.md §7.3), so by default they do not."""
    block_referenced_deletes: bool = True
    """Refuse (as an order failure) deleting an object another object still references."""
    token_ttl: float | None = None
    """Seconds a token stays valid (the real ones live 8 h = 28800 s); None: tokens never expire."""
    refresh_secret: str | None = None
    """The ``secretKey`` POST /refreshToken accepts (plus every secretKey it hands out); None: any non-empty one."""
    state_file: Path | None = None
    """Persist every applied change atomically to this JSON file and load it at start."""

    def __repr__(self) -> str:
        # The token is a credential in spirit: keep it out of reprs and logs.
        return (
            f"EmulatorConfig(pools={[p.name for p in self.pools]}, order_delay={self.order_delay}, "
            f"monitor_leading_slash={self.monitor_leading_slash}, seed={self.seed}, token=<hidden>)"
        )

    def validate(self) -> None:
        seen_pools: set[str] = set()
        for pool in self.pools:
            if not HEX32.match(pool.uuid):
                raise EmulatorError(f"pool {pool.name!r}: uuid {pool.uuid!r} is not 32 lowercase hex characters")
            if pool.uuid in seen_pools:
                raise EmulatorError(f"pool uuid {pool.uuid} is declared twice")
            seen_pools.add(pool.uuid)
            seen_nodes: set[str] = set()
            for node in pool.nodes:
                if not HEX32.match(node.identifier):
                    raise EmulatorError(
                        f"pool {pool.name!r}, node {node.name!r}: identifier {node.identifier!r} "
                        "is not 32 lowercase hex characters"
                    )
                if node.identifier in seen_nodes:
                    raise EmulatorError(f"pool {pool.name!r}: node identifier {node.identifier} is declared twice")
                seen_nodes.add(node.identifier)
        if not self.token:
            raise EmulatorError("the emulator token must not be empty")

    @classmethod
    def from_fleet_files(cls, paths: list[Path], **kwargs: Any) -> EmulatorConfig:
        """Pools and nodes from fleet YAML files; files sharing a ``poolUuid`` merge their nodes."""
        pools: dict[str, PoolSpec] = {}
        for path in paths:
            for pool_uuid, pool_name, nodes in _parse_fleet(Path(path)):
                pool = pools.setdefault(pool_uuid, PoolSpec(uuid=pool_uuid, name=pool_name))
                known = {n.identifier for n in pool.nodes}
                for node in nodes:
                    if node.identifier in known:
                        raise EmulatorError(f"{path}: node {node.name!r} ({node.identifier}) is already in this pool")
                    pool.nodes.append(node)
                    known.add(node.identifier)
        for pool_index, pool in enumerate(pools.values()):
            for position, node in enumerate(pool.nodes):
                if not node.ip:
                    node.ip = derived_ip(pool_index, position)
        cfg = cls(pools=list(pools.values()), **kwargs)
        cfg.validate()
        return cfg


def derived_ip(pool_index: int, position: int) -> str:
    """Deterministic private address for a node without ``privateIp``: 10.10.<pool>.<11 + position>."""
    if position > 243 or pool_index > 255:
        raise EmulatorError("too many nodes to derive private addresses; give nodes a privateIp")
    return f"10.10.{pool_index}.{11 + position}"


_ROLES = {"dataNodes": "dataNode", "searchHeads": "searchHead", "aios": "aio"}


def _parse_fleet(path: Path) -> list[tuple[str, str, list[NodeSpec]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise EmulatorError(f"{path}: cannot read fleet file ({exc.strerror}); check the --fleet path") from None
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise EmulatorError(f"{path}:{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(doc, dict) or doc.get("kind") != "Fleet":
        raise EmulatorError(f"{path}: not a fleet file (expected 'kind: Fleet')")
    spec = doc.get("spec")
    if not isinstance(spec, dict):
        raise EmulatorError(f"{path}: 'spec' must be a mapping")
    director = spec.get("director")
    pool_uuid = director.get("poolUuid") if isinstance(director, dict) else None
    if not isinstance(pool_uuid, str) or not HEX32.match(pool_uuid):
        raise EmulatorError(f"{path}: spec.director.poolUuid must be 32 lowercase hex characters")
    meta = doc.get("metadata")
    pool_name = str(meta.get("name")) if isinstance(meta, dict) and meta.get("name") else pool_uuid
    nodes_block = spec.get("nodes") or {}
    if not isinstance(nodes_block, dict):
        raise EmulatorError(f"{path}: spec.nodes must be a mapping of dataNodes/searchHeads/aios")
    nodes: list[NodeSpec] = []
    for key, role in _ROLES.items():
        entries = nodes_block.get(key) or []
        if not isinstance(entries, list):
            raise EmulatorError(f"{path}: spec.nodes.{key} must be a list")
        for index, entry in enumerate(entries):
            where = f"{path}: spec.nodes.{key}[{index}]"
            if not isinstance(entry, dict):
                raise EmulatorError(f"{where} must be a mapping with name and logpointId")
            name, ident = entry.get("name"), entry.get("logpointId")
            if not isinstance(name, str) or not name:
                raise EmulatorError(f"{where}: 'name' is missing")
            if not isinstance(ident, str) or not HEX32.match(ident):
                raise EmulatorError(f"{where}: 'logpointId' must be 32 lowercase hex characters")
            ip = entry.get("privateIp") or ""
            paths = entry.get("repoPaths")
            nodes.append(
                NodeSpec(
                    identifier=ident,
                    name=name,
                    ip=str(ip),
                    repo_paths=[str(p) for p in paths] if isinstance(paths, list) else None,
                    role=role,
                )
            )
    return [(pool_uuid, pool_name, nodes)]
