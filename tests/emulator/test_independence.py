"""The emulator is an independent oracle: it never reads what the product believes about the Director."""

from __future__ import annotations

from pathlib import Path

import cac_director.emulator
from cac_director.emulator.kinds import KINDS, MODULES
from tests.imports import imported_modules

EMULATOR = Path(cac_director.emulator.__file__).parent
ALLOWED_OUTSIDE = ("cac_director.config.fleet", "cac_director.config.issues", "cac_director.errors")
"""Reading fleet files through the one fleet model, and the package's error type."""
ENTRY_POINT = ("__main__.py", "cac_director.cli.emulator")
"""``python -m cac_director.emulator`` hands over to the CLI command; nothing of the oracle runs through it."""


def test_emulator_imports_nothing_of_the_product_but_the_fleet_model() -> None:
    files = sorted(EMULATOR.rglob("*.py"))
    assert len(files) > 10
    outside = {
        f"{path.relative_to(EMULATOR)}: {name}"
        for path in files
        for name in imported_modules(path)
        if name.startswith("cac_director") and not name.startswith("cac_director.emulator")
        and name not in ALLOWED_OUTSIDE and (path.name, name) != ENTRY_POINT
    }  # fmt: skip
    assert not outside, sorted(outside)


def test_the_check_sees_imports() -> None:
    # Guards the test above against passing vacuously: it does find the allowed fleet import.
    assert "cac_director.config.fleet" in imported_modules(EMULATOR / "config.py")


def test_every_kind_module_is_registered_once_under_its_path() -> None:
    kind_files = {p.stem for p in (EMULATOR / "kinds").glob("*.py")} - {
        "__init__",
        "common",
        "syslog_collectors",
        "alert_notifications",
    }
    assert {m.__name__.rsplit(".", 1)[-1] for m in MODULES} == kind_files
    assert len(KINDS) == len(MODULES)
