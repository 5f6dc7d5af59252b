"""Resources record only the program's frames as their stack trace; pins the SDK behaviour that relies on."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pulumi
from pulumi.runtime.proto import source_pb2

from cac_director.pulumi_provider import _stack_trace

# The program constructs a resource from a helper function; a launcher runs it through runpy (as the
# language host does) so that runtime frames lie under the program, and prints what the monitor received.
PROGRAM = textwrap.dedent(
    """
    import asyncio
    import json
    import sys

    import pulumi
    from pulumi.runtime.mocks import MockMonitor

    received = []

    class Monitor(MockMonitor):
        def RegisterResource(self, request):
            if request.type != "pulumi:pulumi:Stack":
                received.append({
                    "source": request.sourcePosition.uri + "#" + str(request.sourcePosition.line),
                    "frames": [(f.pc.uri, f.pc.line) if f.HasField("pc") else None for f in request.stackTrace.frames],
                })
            return super().RegisterResource(request)

    class Mocks(pulumi.runtime.Mocks):
        def new_resource(self, args):
            return [args.name + "-id", args.inputs]

        def call(self, args):
            return {}

    pulumi.runtime.set_mocks(Mocks(), preview=False, monitor=Monitor(Mocks()))

    import pulumi.runtime.resource as sdk_resource

    import cac_director.pulumi_provider  # installs the short stack traces
    from cac_director.pulumi_provider.resources import Repo

    if sys.argv[-1] == "sdk":
        sdk_resource._get_stack_trace = sdk_resource._get_stack_trace.__wrapped__

    def build():
        target = {"url": "http://127.0.0.1:1", "pool": "a" * 32, "node": "b" * 32, "node_name": "n"}
        return Repo("n/repo-1", {"name": "repo-1", "hiddenrepopath": [{"path": "/data/hot/", "retention": 30}],
                                 "target": target, "adopt": False, "ref_ids": {}})

    repo = build()
    asyncio.get_event_loop().run_until_complete(repo.urn.future())  # registration happens on the loop
    print("RECEIVED " + json.dumps(received))
    """
)
LAUNCHER = "import runpy, sys; runpy.run_path(sys.argv[1], run_name='__main__')"


def _registered(tmp_path: Path, mode: str) -> dict[str, object]:
    program = tmp_path / "program.py"
    program.write_text(PROGRAM)
    proc = subprocess.run(
        [sys.executable, "-c", LAUNCHER, str(program), mode],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(line for line in proc.stdout.splitlines() if line.startswith("RECEIVED "))
    received = json.loads(line.removeprefix("RECEIVED "))
    assert len(received) == 1
    return dict(received[0])


def _names(frames: object) -> list[str]:
    assert isinstance(frames, list)
    return [os.path.basename(frame[0]) if frame else "<no position>" for frame in frames]


def test_the_recorded_stack_stops_at_the_program(tmp_path: Path) -> None:
    got = _registered(tmp_path, "short")
    # Repo's constructor, the helper, the program's top level; nothing of runpy, the SDK or the launcher.
    assert _names(got["frames"]) == ["resources.py", "program.py", "program.py"]
    assert str(got["source"]).endswith("/cac_director/pulumi_provider/resources.py#" + str(got["frames"][0][1]))  # type: ignore[index]
    program_lines = [frame[1] for frame in got["frames"][1:]]  # type: ignore[index]
    source = (tmp_path / "program.py").read_text().splitlines()
    assert "Repo(" in source[program_lines[0] - 1]
    assert source[program_lines[1] - 1].strip() == "repo = build()"


def test_the_sdk_still_records_the_runtime_under_the_program(tmp_path: Path) -> None:
    """If this fails, the SDK stopped recording runtime frames (or changed its walk): recheck ``_stack_trace``."""
    short = _registered(tmp_path, "short")
    full = _registered(tmp_path, "sdk")
    names = _names(full["frames"])
    assert names[:3] == _names(short["frames"])
    assert full["frames"][:3] == short["frames"]  # type: ignore[index]
    # Below the program: runpy (frozen, so without a position) and the launcher's "<string>" frame.
    assert len(names) > 3
    assert all(name == "<no position>" for name in names[3:])
    assert full["source"] == short["source"]


def test_runtime_files_are_not_program_code() -> None:
    assert not _stack_trace.is_program_file(asyncio.__file__)
    assert not _stack_trace.is_program_file(pulumi.__file__)
    assert not _stack_trace.is_program_file("<frozen runpy>")
    assert not _stack_trace.is_program_file("")
    assert _stack_trace.is_program_file(__file__)
    assert _stack_trace.is_program_file(_stack_trace.__file__)


def test_frames_that_do_not_line_up_leave_the_trace_untouched() -> None:
    here = sys._getframe()
    trace = source_pb2.StackTrace(
        frames=[
            source_pb2.StackFrame(pc=source_pb2.SourcePosition(uri="file:///x.py", line=here.f_lineno + 1000)),
            source_pb2.StackFrame(),
        ]
    )
    assert _stack_trace.shorten(trace, [here, here]) is trace
    assert _stack_trace.shorten(trace, [here]) is trace
