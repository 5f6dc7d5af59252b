"""What an emulator serves: pools, nodes, users, the token, timing and the error split.

Pools and nodes come either from Python (``PoolSpec``/``NodeSpec``) or from fleet files
(``EmulatorConfig.from_fleet_files``, through ``config.fleet.load_fleet``: the same fleet model as
``validate`` and the program). Its Director side never reads ``cac_director.conventions``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cac_director.config.fleet import load_fleet
from cac_director.config.issues import IssueCollector
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
    """What an edit does with write fields it does not send (undocumented, docs/director-api.md §7.6):
    ``merge`` keeps them; ``replace`` resets them as if the object were created from the PUT body."""
    put_requires_id: bool = True
    """Refuse (400) a PUT whose ``data`` has no ``id``: every Edit table lists it as mandatory, while no Edit
    example sends it (docs/director-api.md §4.1, §7.19). False accepts the examples' shape."""
    returns_compiled_normalizer: bool = False
    """Whether NormalizationPolicy reads include ``compiled_normalizer``; the documented Get/List
    examples do not (docs/director-api.md §7.3), so by default they do not."""
    list_age_limits: Literal["tables", "any"] = "tables"
    """Dynamic list age limits: the Lists pages give no ranges, so ``tables`` applies the Tables pages' (day <= 9999,
    hour <= 23, minute <= 59, total 0 or >= 30 min; docs/director-api.md §7.13) and ``any`` accepts every int >= 0."""
    alert_delay_needs_log_ts: bool = True
    """Refuse an alert rule with ``delay_interval_minute`` unless the node's SystemSettingsGeneral
    ``timestamp_on`` is ``log_ts`` (documented as required; whether the Director refuses is not, §7.16)."""
    usergroup_all_flags: Literal["expanded", "kept"] = "expanded"
    """What a UserGroup read shows for ``include_all_*`` flags: the documented read example has only explicit
    lists, so ``expanded`` lists the names the flag covered when written; ``kept`` returns the flags as sent
    (undocumented which one the Director does, docs/director-api.md §7.14)."""
    block_referenced_deletes: bool = True
    """Refuse (as an order failure) deleting an object another object still references."""
    token_ttl: float | None = None
    """Seconds a token stays valid (the real ones live 8 h = 28800 s); None: tokens never expire."""
    refresh_secret: str | None = None
    """The ``secretKey`` POST /refreshToken accepts (plus every secretKey it hands out); None: refresh is off
    (any secretKey would otherwise mint a working token without authentication)."""
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


_ROLES = {"dataNode": "dataNode", "searchHead": "searchHead", "aio": "aio"}


def _parse_fleet(path: Path) -> list[tuple[str, str, list[NodeSpec]]]:
    """The pool of a fleet file, read by the one fleet model every command uses (``config.fleet``)."""
    collector = IssueCollector()
    fleet = load_fleet(path, collector)
    errors = [issue for issue in collector.issues if issue.severity == "error"]
    if fleet is None or errors:
        lines = [issue.render() for issue in errors] or [f"{path}: not a usable fleet file"]
        raise EmulatorError(f"fleet file {path} (--fleet) is invalid:\n" + "\n".join(lines))
    nodes = [
        NodeSpec(
            identifier=node.logpoint_id,
            name=node.name,
            ip=node.private_ip or "",
            repo_paths=list(node.repo_paths) if node.repo_paths is not None else None,
            role=_ROLES[node.role],
        )
        for node in fleet.nodes
    ]
    return [(fleet.pool_uuid, fleet.name, nodes)]
