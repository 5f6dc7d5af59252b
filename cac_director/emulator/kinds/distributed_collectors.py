"""DistributedCollectors (docs/director-api.md §7.17): read-only inventory that devices attach to.

v2.7.0 has no Create or Edit: a collector appears when a LogPoint is made a collector and connected. Every
emulated data node and AIO starts with one connected collector, ``SEEDED`` (the emulator's choice, so that
demo fleets can attach devices to it); tests add more through the admin endpoint
(``POST /_emulator/.../objects/...``). Search heads collect nothing and start with none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cac_director.emulator.kinds.common import Kind, SeedContext, set_active

if TYPE_CHECKING:
    from cac_director.emulator.store import NodeState

DEFAULTS: dict[str, Any] = {
    "name": "",
    "ip": "",
    "identifier": "",
    "description": "",
    "buffering": False,
    "file_socket_port": 6900,
    "is_li_light": True,
    "active": True,
    "tid": "",
}
"""The documented read keys (§7.17) and the values an out-of-band collector gets for the keys it leaves out."""


SEEDED = "dc-hq-01"
"""The collector every data node and AIO starts with."""


def seed(ctx: SeedContext) -> list[dict[str, Any]]:
    if ctx.node_role == "searchHead":
        return []
    return [
        {
            **DEFAULTS,
            "id": ctx.oid("DistributedCollectors", SEEDED),
            "name": SEEDED,
            "ip": "10.30.0.5",
            "identifier": ctx.oid("DistributedCollectors/identifier", SEEDED),
            "description": "Head office collector",
        }
    ]


def to_read(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    """A console change: the given keys over the stored (or default) ones."""
    return {**(existing if existing is not None else DEFAULTS), **data}


def referenced_by(node: NodeState, obj: dict[str, Any]) -> list[str]:
    devices = node.objects("Devices").values()
    return [f"Devices '{d['name']}'" for d in devices if obj["id"] in d.get("distributed_collector", [])]


KIND = Kind(
    "DistributedCollectors",
    "Distributed collector",
    "name",
    to_read=to_read,
    referenced_by=referenced_by,
    editable=False,
    nested_list=True,
    seed=seed,
    refresh_routes=("refreshlist",),
    actions={"activate": set_active(True), "deactivate": set_active(False)},
)
