"""Properties as the engine sends them to a provider process over gRPC (a protobuf Struct)."""

from __future__ import annotations

import asyncio
from typing import Any

from pulumi.runtime import rpc


def to_struct(props: dict[str, Any]) -> Any:
    # A loop of its own, never set as the thread's: asyncio.run would leave the main thread without one, and a
    # later test that creates a pulumi.Output (which asks for the current loop) would fail.
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(props, {}))
    finally:
        loop.close()
