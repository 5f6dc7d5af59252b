"""The size-matched baseline: cac-director's own program, with resource classes whose providers do no I/O.

Same stack config as the real project (``cac-director:instance``, ``directorUrl``, ``token``,
``providerProcesses``), same synthetic tree, same registration code (``program.run``): every resource gets
the real inputs, references become the same outputs and dependencies, nodes share the same explicit
providers. Only the provider behind each type token is swapped for one that echoes (``echo_provider``), so a
run measures the engine, the file backend and the provider RPCs on state of the real size, and no Director.

The benchmark copies only this file into the run's project directory and puts ``bench/`` on PYTHONPATH
(inherited by the provider processes, which unpickle ``sized_trivial_project.echo_provider.*``).
The swap replaces the classes table that ``program.register`` looks up at call time; the benchmark checks
that it covers the same type names, so a new Director type cannot silently fall back to the real provider.
"""

from __future__ import annotations

from cac_director.pulumi_provider import preflight, program
from sized_trivial_project.echo_resources import ECHO_CLASSES

if set(ECHO_CLASSES) != set(program.RESOURCE_CLASSES):
    raise RuntimeError(
        f"echo classes {sorted(ECHO_CLASSES)} do not match the program's {sorted(program.RESOURCE_CLASSES)}: "
        "add the missing ones to bench/sized_trivial_project/echo_resources.py"
    )
program.RESOURCE_CLASSES = ECHO_CLASSES  # type: ignore[assignment]
# No Director behind this baseline: its pre-flight check would fail, and it is Director time, not engine time.
preflight.check_director = lambda *_args: None
program.run()
