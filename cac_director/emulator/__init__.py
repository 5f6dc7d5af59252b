"""A faithful local emulator of the LogPoint Director Console API (docs/emulator.md).

>>> from cac_director.emulator import Emulator, EmulatorConfig, NodeSpec, PoolSpec
"""

from __future__ import annotations

from cac_director.emulator.config import DEFAULT_REPO_PATHS, EmulatorConfig, NodeSpec, PoolSpec, UserSpec
from cac_director.emulator.server import Emulator

__all__ = ["DEFAULT_REPO_PATHS", "Emulator", "EmulatorConfig", "NodeSpec", "PoolSpec", "UserSpec"]
