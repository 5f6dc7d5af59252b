"""The token the stack config holds now, for a provider recorded in the stack with an older one.

A refresh that runs before the program (a plain ``pulumi refresh``, the refresh of ``preview``/``up``/``destroy``
under ``refresh: always``) and the deletes of ``pulumi destroy`` configure each explicit provider with the inputs
the state recorded at the last ``up``. Pulumi CLI 3.274.1 offers no supported way to hand such a provider the
current ``cac-director:*`` config: the engine passes a dynamic provider process only its own package's keys
(``pulumi-python:*``, in ``PULUMI_CONFIG``), and running the program first is a flag or ``PULUMI_RUN_PROGRAM``,
never a project option (docs/plan.md "The token in force"). So, only when the recorded token is refused, the
provider asks the CLI for the stack config's token as it is now, once per process:
``pulumi config get cac-director:token --stack <stack>`` in its working directory, which the engine sets to the
project directory. The value is held as a ``Secret`` and never printed; the CLI's output is never shown.
"""

from __future__ import annotations

import shutil
import subprocess
import threading

from cac_director.director.settings import Secret
from cac_director.pulumi_provider.stack_settings import NAMESPACE

__all__ = ["current_token"]

TIMEOUT = 60.0
"""Seconds one ``pulumi config get`` may take (a cloud backend decrypts through its service)."""

_lock = threading.Lock()
_found: dict[str, Secret | None] = {}


def current_token(stack: str) -> Secret | None:
    """The stack config's ``cac-director:token`` now, or None if the CLI cannot tell (asked once per stack)."""
    with _lock:
        if stack not in _found:
            _found[stack] = _ask_cli(stack)
        return _found[stack]


def _ask_cli(stack: str) -> Secret | None:
    pulumi = shutil.which("pulumi")
    if pulumi is None:
        return None
    command = [pulumi, "--non-interactive", "config", "get", f"{NAMESPACE}:token", "--stack", stack]
    try:
        proc = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT, check=False, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.SubprocessError):
        return None
    value = proc.stdout.strip()
    return Secret(value) if proc.returncode == 0 and value else None
