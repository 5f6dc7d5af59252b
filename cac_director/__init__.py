"""cac-director: configuration as code for LogPoint SIEMs, applied through the LogPoint Director API by Pulumi.

The package is split along the data flow (see docs/architecture.md):
YAML files -> ``config`` (load, resolve, validate) -> ``pulumi_provider`` (program + dynamic providers)
-> ``director`` (HTTP client) -> a Director, or the ``emulator`` that ships with the project.
``conventions`` holds the per-resource-type facts every stage reads.
"""

import sys

# httpx imports its own command-line tool (click, rich, pygments: 35-50 ms) whenever those are installed, and
# typer installs them. No cac-director process uses that tool, and every Pulumi program and provider process of
# every stack paid for it (bench/results/HISTORY.md, "Per-stack floor"). A None entry in sys.modules makes that one
# optional import fail the way httpx handles (it defines a stub `main` instead).
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]  # None is what blocks an import

__version__ = "0.2.0"

__all__ = ["__version__"]
