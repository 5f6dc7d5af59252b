"""Talking to a provider process over gRPC as the engine does: its properties (a protobuf Struct), the process."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import grpc
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2_grpc


def to_struct(props: dict[str, Any]) -> Any:
    # A loop of its own, never set as the thread's: asyncio.run would leave the main thread without one, and a
    # later test that creates a pulumi.Output (which asks for the current loop) would fail.
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(props, {}))
    finally:
        loop.close()


@contextlib.contextmanager
def provider_server() -> Iterator[provider_pb2_grpc.ResourceProviderStub]:
    """A dynamic provider process as the engine starts it (``python -m pulumi.dynamic``), and a stub to call it."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "pulumi.dynamic"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PULUMI_PROJECT": "provider-test"},
    )
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline().strip())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield provider_pb2_grpc.ResourceProviderStub(channel)
    finally:
        proc.kill()
        proc.wait(timeout=30)
