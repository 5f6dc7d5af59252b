"""``RunPlugin``: how the engine starts a plugin written in Python, such as a policy pack.

The engine hands over the plugin directory (``PulumiPolicy.yaml``'s directory, with its ``runtime.options``),
the arguments (the engine address), the working directory and the whole environment. As the official host
does, the directory runs as a script (``python -u <dir>`` executes its ``__main__.py``) with the interpreter
of the virtualenv named in the options; its output streams back in chunks, then its exit code. The policy
pack prints its gRPC port on stdout, which the engine reads from this stream.
"""

from __future__ import annotations

import os
import queue
import subprocess
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from google.protobuf import json_format
from pulumi.runtime.proto import language_pb2

_CHUNK = 64 * 1024


def _environment(pairs: list[str]) -> dict[str, str]:
    """``KEY=VALUE`` strings as the engine sends them; an empty list means "inherit this host's"."""
    if not pairs:
        return dict(os.environ)
    env: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if sep:
            env[key] = value
    return env


def _pump(stream: IO[bytes], field: str, out: queue.Queue[tuple[str, bytes]]) -> None:
    # os.read returns what is there at once: the port line must reach the engine without waiting for more.
    fd = stream.fileno()
    while chunk := os.read(fd, _CHUNK):
        out.put((field, chunk))
    out.put((field, b""))


def run_plugin(request: Any, context: Any, interpreter: Any) -> Iterator[Any]:
    """Start the plugin and stream its stdout, stderr and exit code as ``RunPluginResponse`` messages.

    ``interpreter(root, options, base_env) -> (python, env)`` picks the virtualenv (shared with ``Run``).
    """
    info = request.info
    options: Mapping[str, Any] = json_format.MessageToDict(info.options) if info.HasField("options") else {}
    root = info.root_directory or request.pwd
    program_dir = info.program_directory or root
    entry = info.entry_point or "."
    try:
        python, env = interpreter(root, options, _environment(list(request.env)))
    except FileNotFoundError as exc:
        yield language_pb2.RunPluginResponse(stderr=f"{exc}\n".encode())
        yield language_pb2.RunPluginResponse(exitcode=1)
        return
    script = str(Path(program_dir) / entry)
    proc = subprocess.Popen(
        [python, "-u", script, *request.args],
        cwd=request.pwd or program_dir,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # The engine cancels the call to stop the plugin: stop the process with it.
    context.add_callback(proc.terminate)
    chunks: queue.Queue[tuple[str, bytes]] = queue.Queue()
    assert proc.stdout is not None and proc.stderr is not None
    pumps = [
        threading.Thread(target=_pump, args=(proc.stdout, "stdout", chunks), daemon=True),
        threading.Thread(target=_pump, args=(proc.stderr, "stderr", chunks), daemon=True),
    ]
    for pump in pumps:
        pump.start()
    open_streams = len(pumps)
    while open_streams:
        field, chunk = chunks.get()
        if not chunk:
            open_streams -= 1
            continue
        if field == "stdout":
            yield language_pb2.RunPluginResponse(stdout=chunk)
        else:
            yield language_pb2.RunPluginResponse(stderr=chunk)
    yield language_pb2.RunPluginResponse(exitcode=proc.wait())
