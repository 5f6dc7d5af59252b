"""``python -m cac_director.emulator [options]``: the ``cac-director emulator`` command, standalone."""

from __future__ import annotations

import typer

from cac_director.cli.emulator import emulator

if __name__ == "__main__":
    typer.run(emulator)
