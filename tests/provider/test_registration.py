"""Resources register without a stack trace; pins what the SDK sends without ``_registration`` (its own trace).

The program runs through runpy (as the language host runs programs) against a mock monitor that prints the
requests it received, so runtime frames lie under the program just as in a real deployment.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from cac_director.conventions import REGISTRY, SECTIONS
from cac_director.pulumi_provider.program import _REGISTRATION_ORDER

PROGRAM = textwrap.dedent(
    """
    import asyncio
    import json
    import sys

    import pulumi
    from pulumi.runtime.mocks import MockMonitor

    received = {}

    class Monitor(MockMonitor):
        def RegisterResource(self, request):
            if request.type != "pulumi:pulumi:Stack":
                received[request.name] = {
                    "source": request.sourcePosition.uri if request.HasField("sourcePosition") else None,
                    "frames": len(request.stackTrace.frames),
                    "property_dependencies": {k: list(v.urns) for k, v in request.propertyDependencies.items()},
                    "dependencies": list(request.dependencies),
                }
            return super().RegisterResource(request)

    class Mocks(pulumi.runtime.Mocks):
        def new_resource(self, args):
            return [args.name + "-id", args.inputs]

        def call(self, args):
            return {}

    pulumi.runtime.set_mocks(Mocks(), preview=False, monitor=Monitor(Mocks()))

    import pulumi.runtime.resource as sdk_resource

    import cac_director.pulumi_provider  # installs the trimmed registrations
    from cac_director.pulumi_provider import _registration
    from cac_director.pulumi_provider.resources import Repo, RoutingPolicy

    if sys.argv[-1] == "sdk":
        for name, original in _registration.ORIGINALS.items():
            setattr(sdk_resource, name, original)

    def build():
        target = {"url": "http://127.0.0.1:1", "pool": "a" * 32, "node": "b" * 32, "node_name": "n"}
        repo = Repo("n/repo-1", {"name": "repo-1", "hiddenrepopath": [{"path": "/data/hot/", "retention": 30}],
                                 "target": target})
        policy = RoutingPolicy("n/rp-1", {"policy_name": "rp-1", "catch_all": repo.name, "routing_criteria": [],
                                          "target": target})
        return policy

    policy = build()
    asyncio.get_event_loop().run_until_complete(policy.urn.future())  # registration happens on the loop
    print("RECEIVED " + json.dumps(received))
    """
)
LAUNCHER = "import runpy, sys; runpy.run_path(sys.argv[1], run_name='__main__')"


def _registered(tmp_path: Path, mode: str) -> dict[str, Any]:
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
    received: dict[str, Any] = json.loads(line.removeprefix("RECEIVED "))
    assert set(received) == {"n/repo-1", "n/rp-1"}
    return received


def test_registrations_carry_no_stack_trace_or_source_position(tmp_path: Path) -> None:
    got = _registered(tmp_path, "trimmed")
    repo, policy = got["n/repo-1"], got["n/rp-1"]
    assert repo["frames"] == 0 and repo["source"] is None
    assert policy["frames"] == 0 and policy["source"] is None
    # Nothing else about the registration changes: the reference still makes a dependency.
    (repo_urn,) = policy["property_dependencies"]["catch_all"]
    assert repo_urn.endswith("::n/repo-1")
    assert policy["dependencies"] == [repo_urn]


def test_the_sdk_alone_sends_the_stack_under_the_resource(tmp_path: Path) -> None:
    """If this fails, the SDK changed what it registers: recheck ``_registration`` (it may be unneeded now)."""
    got = _registered(tmp_path, "sdk")
    repo = got["n/repo-1"]
    # The constructor, the helper, the program's top level, then runpy and the launcher.
    assert repo["frames"] > 3
    assert str(repo["source"]).endswith("/cac_director/pulumi_provider/resources.py")
    # One entry per input key, empty where no output of another resource flows in (the engine keeps them).
    assert repo["property_dependencies"] == {"__provider": [], "name": [], "hiddenrepopath": [], "target": []}


def test_every_type_registers_after_the_sections_it_references() -> None:
    order = [conv.yaml_section for conv in _REGISTRATION_ORDER]
    assert sorted(order) == sorted(SECTIONS)
    assert _REGISTRATION_ORDER[0].singleton is not None  # a node's settings first
    for conv in REGISTRY:
        for ref in conv.references:
            if ref.target in SECTIONS and ref.target != conv.yaml_section:
                assert order.index(ref.target) < order.index(conv.yaml_section), (conv.yaml_section, ref.path)
    # Users are both a section and a node lookup: a node's users come before the alert rules they may own.
    assert order.index("users") < order.index("alertRules")
