"""Minimal ASGI plumbing: read a body, answer JSON, drop a connection.

A raw ASGI app (no framework routing) keeps per-request overhead to a few microseconds, which matters
because the emulator must never be the bottleneck of a benchmark.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


def dumps(value: Any) -> bytes:
    # Compact separators and insertion order, as the Director serialises (docs/director-api.md §4.2).
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


async def read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


async def send_json(send: Send, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
    await send_bytes(send, status, dumps(payload), headers)


async def send_bytes(send: Send, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
    raw_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    for key, value in (headers or {}).items():
        raw_headers.append((key.encode(), value.encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


async def drop_connection(send: Send) -> None:
    """Close the TCP connection without answering (the client sees a reset / 'server disconnected').

    ASGI has no "abort" message; uvicorn's send callable is bound to its request cycle, which holds the
    transport. If that is not available, start a response and cut it short, which clients also see as a
    broken connection.
    """
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is not None and hasattr(transport, "abort"):
        transport.abort()
        cycle.disconnected = True  # type: ignore[union-attr]  # stops uvicorn from answering 500 afterwards
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"1000")]})
    await send({"type": "http.response.body", "body": b"{", "more_body": False})
