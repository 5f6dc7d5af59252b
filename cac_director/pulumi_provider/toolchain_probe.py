"""A dynamic resource that proves the Pulumi toolchain end to end, without any Director.

``pulumi up`` of a program using it exercises the CLI, the language host, the dynamic-provider shim,
pickling of a provider class *by reference from this installed package*, and state round trips.
Used by tests/e2e/test_toolchain.py; kept in the package because a class defined in a test program would
be pickled by value and prove nothing about how the real providers are loaded.
Module and class names are part of Pulumi state: never rename.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, Resource, ResourceProvider, UpdateResult


class ToolchainProbeProvider(ResourceProvider):
    """Stores its input and a digest of it; the digest shows the provider code really ran."""

    serialize_as_secret_always = False

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        pass

    @staticmethod
    def _outs(props: dict[str, Any]) -> dict[str, Any]:
        message = str(props["message"])
        return {"message": message, "digest": hashlib.sha256(message.encode()).hexdigest()}

    def create(self, props: dict[str, Any]) -> CreateResult:
        outs = self._outs(props)
        return CreateResult(outs["digest"][:24], outs)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return DiffResult(changes=olds.get("message") != news.get("message"))

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(self._outs(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_, self._outs(props))


class ToolchainProbe(Resource, module="cacdirector", name="ToolchainProbe"):
    """One probe resource; ``digest`` is computed in the provider process."""

    message: pulumi.Output[str]
    digest: pulumi.Output[str]

    def __init__(self, name: str, message: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(ToolchainProbeProvider(), name, {"message": message, "digest": None}, opts)
