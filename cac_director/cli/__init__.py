"""The ``cac-director`` command line.

Each command lives in its own module and registers itself through ``register(app)``;
``COMMAND_MODULES`` is the one list to extend when a command is added.
"""

from __future__ import annotations

import importlib

import typer

COMMAND_MODULES: tuple[str, ...] = (
    "cac_director.cli.emulator",
    "cac_director.cli.config_commands",
    "cac_director.cli.export",
    "cac_director.cli.completion",
    "cac_director.cli.plan",
    "cac_director.cli.fleet",
    "cac_director.cli.rollback",
)

app = typer.Typer(
    name="cac-director",
    help="Configuration as code for LogPoint SIEMs through the LogPoint Director API.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion, --show-completion (docs/editor-and-ci.md)
    pretty_exceptions_enable=False,
    # Help texts contain literal brackets (POOL/NODE[/NAME]); never read them as rich markup.
    rich_markup_mode=None,
)


def _register_all() -> None:
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            # Only tolerate the command module itself being absent (a command not built yet);
            # a missing dependency inside it must still fail loudly.
            if exc.name == module_name:
                continue
            raise
        module.register(app)


def main() -> None:
    """Entry point of the ``cac-director`` console script."""
    _register_all()
    app()
