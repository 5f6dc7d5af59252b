"""Export writes only below --out, never over a hand edit without --force, and deletes only its own files."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cac_director.cli import _register_all, app
from cac_director.errors import ConfigError
from cac_director.export import ExportFile
from cac_director.export.write import MANIFEST, write_files
from tests.conftest import REPO_ROOT
from tests.export.conftest import FLEET, STAGING, TOKEN, populate

_register_all()

SHARED = Path("templates") / "bank-a-shared"


def _export(emu: Any, out: Path, *args: str, fleet: Path = FLEET) -> Any:
    return CliRunner().invoke(
        app,
        ["export", "--fleet", str(fleet), "--director-url", emu.url, "--node", "dn-stg-01", "--out", str(out), *args],
        env={"DIRECTOR_TOKEN": TOKEN},
    )


def _snapshot(root: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in root.rglob("*") if path.is_file()}


def test_reexport_refuses_to_overwrite_a_hand_edit_until_forced(emu: Any, tmp_path: Path) -> None:
    populate(emu, STAGING)
    assert _export(emu, tmp_path).exit_code == 0
    edited = tmp_path / SHARED / "repos.yaml"
    edited.write_text(edited.read_text() + "# reviewed by ops\n")
    before = _snapshot(tmp_path)

    refused = _export(emu, tmp_path)
    assert refused.exit_code == 2, refused.output
    assert "repos.yaml" in refused.output and "--force" in refused.output and "nothing was written" in refused.output
    assert _snapshot(tmp_path) == before

    forced = _export(emu, tmp_path, "--force")
    assert forced.exit_code == 0, forced.output
    assert "# reviewed by ops" not in edited.read_text()
    assert _export(emu, tmp_path).exit_code == 0  # what it wrote is its own again


def test_only_files_export_wrote_unchanged_are_deleted(emu: Any, tmp_path: Path) -> None:
    populate(emu, STAGING)
    assert _export(emu, tmp_path).exit_code == 0
    mine = tmp_path / SHARED / "extra-by-hand.yaml"
    mine.write_text("# not written by export\n")
    edited_stale = tmp_path / SHARED / "deviceGroups.yaml"
    edited_stale.write_text(edited_stale.read_text() + "# kept\n")
    stale = tmp_path / SHARED / "syslogCollectors.yaml"
    assert stale.is_file()

    narrowed = _export(emu, tmp_path, "--only", "repos,routingPolicies", "--force")
    assert narrowed.exit_code in (0, 1), narrowed.output
    assert mine.read_text() == "# not written by export\n"
    assert edited_stale.read_text().endswith("# kept\n")
    assert "kept" in narrowed.output
    assert not stale.exists()
    assert (tmp_path / MANIFEST).is_file()


def test_out_pointed_at_the_fleets_tree_changes_nothing(emu: Any, tmp_path: Path) -> None:
    populate(emu, STAGING)
    fleets = tmp_path / "fleets"
    shutil.copytree(REPO_ROOT / "fleets", fleets)
    before = _snapshot(fleets)
    result = _export(emu, fleets, fleet=fleets / "bank-a" / "fleet.yaml")
    assert result.exit_code == 2, result.output
    assert "bank-a/fleet.yaml" in result.output
    assert _snapshot(fleets) == before


def test_names_that_would_escape_are_refused_before_anything_is_written(emu: Any, tmp_path: Path) -> None:
    hostile = tmp_path / "fleet.yaml"
    hostile.write_text(FLEET.read_text().replace("name: bank-a", "name: ../../x", 1))
    out = tmp_path / "deep" / "out"
    result = _export(emu, out, fleet=hostile)
    assert result.exit_code == 2, result.output
    assert "metadata.name" in result.output
    assert not (tmp_path / "deep").exists() and not (tmp_path / "x").exists()
    assert emu.request_counts() == {} or sum(emu.request_counts().values()) == 0

    escaping = [ExportFile(path="../outside.yaml", document={"kind": "Fleet"})]
    with pytest.raises(ConfigError, match="outside --out"):
        write_files(escaping, out)
    assert not (tmp_path / "deep" / "outside.yaml").exists()


def test_a_bad_director_url_override_is_refused_before_any_request(emu: Any, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["export", "--fleet", str(FLEET), "--director-url", "https://director.example.net:99999", "--node",
         "dn-stg-01", "--out", str(tmp_path / "out")],
        env={"DIRECTOR_TOKEN": TOKEN},
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "--director-url" in result.output and "65535" in result.output
    assert not (tmp_path / "out").exists()
