"""The trivial program: as many resources as the measured run, spread over nodes the same way, no I/O.

Config (plain stack config): ``bench:nodes`` (int), ``bench:perNode`` (int), ``bench:changed`` (how many
resources per node get a new value, for the 10% update), ``bench:providers`` (``per-node`` or ``default``).
"""

from __future__ import annotations

import pulumi
from noop_provider import NoopProvider
from pulumi.dynamic import Resource

import cac_director.pulumi_provider  # noqa: F401 - installs the same SDK pickling guard as the real program


class Noop(Resource, module="bench", name="Noop"):
    def __init__(self, name: str, props: dict[str, object], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(NoopProvider(), name, props, opts)


config = pulumi.Config("bench")
nodes = config.require_int("nodes")
per_node = config.require_int("perNode")
changed = config.get_int("changed") or 0
per_node_providers = (config.get("providers") or "per-node") == "per-node"
for node in range(nodes):
    provider = pulumi.ProviderResource("pulumi-python", f"node-{node:03d}") if per_node_providers else None
    for index in range(per_node):
        key = f"n{node:03d}-r{index:04d}"
        Noop(key, {"key": key, "value": 2 if index < changed else 1}, pulumi.ResourceOptions(provider=provider))
