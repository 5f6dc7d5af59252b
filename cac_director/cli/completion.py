"""``cac-director completion SHELL``: print the shell-completion script for one named shell.

Typer's ``--install-completion``/``--show-completion`` guess the shell from the parent process; this command
names it, so the script can be generated in a Dockerfile, a dotfiles repo or CI (docs/editor-and-ci.md).
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

# Typer's own generator (re-exported by typer.completion, which mypy does not see as public).
from typer._completion_shared import get_completion_script

PROG_NAME = "cac-director"
COMPLETE_VAR = "_CAC_DIRECTOR_COMPLETE"


class Shell(StrEnum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"
    powershell = "powershell"


def register(app: typer.Typer) -> None:
    def completion(shell: Annotated[Shell, typer.Argument(help="The shell to print the script for.")]) -> None:
        # The same script `--show-completion` prints, for the shell named rather than the one detected.
        sys.stdout.write(get_completion_script(prog_name=PROG_NAME, complete_var=COMPLETE_VAR, shell=shell.value))
        sys.stdout.write("\n")

    app.command("completion", help="Print the completion script of a shell (bash, zsh, fish, powershell).")(completion)
