"""Record only the program's own frames as a resource's stack trace, not the runtime beneath them.

The Python SDK (3.274) sends, with every resource registration, the stack from the resource's constructor
down to the bottom of the process: after the program's frames come ``runpy``, the language host's exec
script, the SDK's ``stack.py`` and asyncio, ~15 frames in all. The engine stores them in the checkpoint
(``stackTrace``, ~1 KB per resource), and the file backend rewrites the whole checkpoint after every step,
so at 2,000 resources those runtime frames are a large part of what each step writes.

``install()`` wraps ``pulumi.runtime.resource._get_stack_trace`` so that the trace keeps its top frames as
long as they are program code (the project's ``__main__`` and the modules it calls, cac_director included)
and stops at the first frame of the Python standard library, the Pulumi SDK, or code that has no file
(``<frozen runpy>``). The first frame, which is the resource's ``sourcePosition`` (what Pulumi shows in
errors), is always kept. When the frames the SDK recorded cannot be matched to the live stack (the SDK's
walk changed), the SDK's trace is returned untouched. ``tests/provider/test_stack_trace.py`` pins the SDK
behaviour this relies on.
"""

from __future__ import annotations

import functools
import os
import sys
import sysconfig
import threading
import traceback
from collections.abc import Callable
from types import FrameType

import pulumi
import pulumi.runtime.resource as _sdk_resource
from pulumi.runtime.proto import source_pb2

_lock = threading.Lock()
_installed = False


@functools.cache
def _runtime_roots() -> tuple[str, ...]:
    """Directories whose frames are the runtime under the program, never the program itself."""
    paths = sysconfig.get_paths()
    roots = {paths["stdlib"], paths["platstdlib"], os.path.dirname(pulumi.__file__)}
    return tuple(os.path.join(os.path.realpath(root), "") for root in roots)


@functools.cache
def is_program_file(filename: str) -> bool:
    """True for a frame of the program's own code (a real file outside the stdlib and the Pulumi SDK)."""
    if not filename or filename.startswith("<"):
        return False
    return not os.path.realpath(filename).startswith(_runtime_roots())


def _outer_frames(start: FrameType | None) -> list[FrameType]:
    """The live stack from ``start`` outwards, outermost first (the order ``traceback.extract_stack`` uses)."""
    frames = [frame for frame, _ in traceback.walk_stack(start)]
    frames.reverse()
    return frames


def shorten(trace: source_pb2.StackTrace, recorded: list[FrameType]) -> source_pb2.StackTrace:
    """Keep the leading frames of ``trace`` that are program code; ``recorded[i]`` is the frame of ``trace.frames[i]``.

    Returns ``trace`` itself when the frames do not line up (line numbers differ) or nothing would be cut.
    """
    if len(recorded) != len(trace.frames) or len(recorded) < 2:
        return trace
    for frame, rpc in zip(recorded, trace.frames, strict=True):
        if rpc.HasField("pc") and rpc.pc.line != frame.f_lineno:
            return trace
    keep = 1
    while keep < len(recorded) and is_program_file(recorded[keep].f_code.co_filename):
        keep += 1
    if keep == len(recorded):
        return trace
    return source_pb2.StackTrace(frames=list(trace.frames)[:keep])


def _wrap(original: Callable[[], source_pb2.StackTrace]) -> Callable[[], source_pb2.StackTrace]:
    @functools.wraps(original)
    def get_stack_trace() -> source_pb2.StackTrace:
        trace = original()
        count = len(trace.frames)
        if count < 2:
            return trace
        # The SDK records the outermost ``count`` frames of the stack it sees, innermost first; the frames
        # outside this wrapper are the same ones.
        outer = _outer_frames(sys._getframe(1))
        if len(outer) < count:
            return trace
        recorded = outer[:count]
        recorded.reverse()
        return shorten(trace, recorded)

    return get_stack_trace


def install() -> None:
    """Shorten every stack trace the SDK records from now on. Idempotent."""
    global _installed  # noqa: PLW0603 (process-wide, install-once switch)
    with _lock:
        if _installed:
            return
        # register_resource and read_resource look the name up in the module at call time.
        _sdk_resource._get_stack_trace = _wrap(_sdk_resource._get_stack_trace)  # type: ignore[attr-defined]
        _installed = True
