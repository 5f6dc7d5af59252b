"""The bad-input suite: one small file per careless or hostile input in fixtures/bad/, each replacing one file
of the mini tree. ``cac-director validate`` must exit 2 with the expected error at file:line and path, with a
hint, without a traceback, and quickly (the time bound is only a hang guard: the box may be loaded).

Each case file starts with three comment lines::

    # what is wrong
    # target: <file of the mini tree it replaces>
    # expect: code=<code> file=<file> path=<path or -> line=<line>
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from cac_director.cli.config_commands import register
from cac_director.config.loader import MAX_FILE_BYTES

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted((FIXTURES / "bad").glob("*.yaml"))
HANG_GUARD_SECONDS = 60.0
_EXPECT = re.compile(rb"^# expect: code=(\S+) file=(\S+) path=(.+) line=(\d+)$")


@dataclass(frozen=True)
class Expected:
    target: str
    code: str
    file: str
    path: str
    line: int


def _expected(case: Path) -> Expected:
    lines = case.read_bytes().split(b"\n")
    target = lines[1].decode().removeprefix("# target: ")
    found = _EXPECT.match(lines[2])
    assert found, f"{case.name}: third line must be '# expect: code=... file=... path=... line=...'"
    code, file, path, line = (part.decode() for part in found.groups())
    return Expected(target, code, file, "" if path == "-" else path, int(line))


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The working directory is tmp_path, so reported files are relative (``mini/...``)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _validate(root: Path, *args: str) -> Any:
    """``cac-director validate`` in a thread, so a hang fails the test instead of stalling the suite."""
    app = typer.Typer()
    register(app)
    outcome: list[Any] = []
    worker = threading.Thread(
        target=lambda: outcome.append(CliRunner().invoke(app, ["validate", str(root), *args])), daemon=True
    )
    worker.start()
    worker.join(HANG_GUARD_SECONDS)
    assert not worker.is_alive(), f"validate did not finish within {HANG_GUARD_SECONDS} s"
    return outcome[0]


def test_the_suite_has_at_least_150_distinct_cases() -> None:
    assert len(CASES) >= 150
    assert len({_expected(case).code for case in CASES}) >= 25


@pytest.mark.parametrize("case", CASES, ids=[case.stem for case in CASES])
def test_bad_input_is_refused_with_file_line_path_and_hint(case: Path, in_tmp: Path) -> None:
    expected = _expected(case)
    root = in_tmp / "mini"
    shutil.copytree(FIXTURES / "mini", root)
    (root / expected.target).write_bytes(case.read_bytes())

    result = _validate(root, "--json")
    assert result.exit_code == 2, result.output
    payload = json.loads(result.stdout)
    errors = [issue for issue in payload["issues"] if issue["severity"] == "error"]
    where = expected.file if expected.file.startswith("/") else f"mini/{expected.file}"
    matching = [
        issue
        for issue in errors
        if issue["code"] == expected.code
        and issue["file"] == where
        and issue["path"] == expected.path
        and issue["line"] == expected.line
    ]
    assert matching, json.dumps(errors, indent=1)
    for issue in errors:
        assert issue["message"] and issue["hint"] and issue["file"], issue

    text = _validate(root)
    assert text.exit_code == 2
    assert f"{where}:{expected.line}" in text.output
    assert f"error[{expected.code}]" in text.output and "hint:" in text.output
    for output in (result.output, text.output):
        assert "Traceback" not in output and "could not run" not in output


def test_a_file_above_the_size_limit_is_refused_without_being_parsed(in_tmp: Path) -> None:
    root = in_tmp / "mini"
    shutil.copytree(FIXTURES / "mini", root)
    instance = root / "cust" / "prod" / "instance.yaml"
    with instance.open("a") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: no real 16 MiB written
    result = _validate(root, "--json")
    assert result.exit_code == 2, result.output
    codes = {(issue["code"], issue["file"]) for issue in json.loads(result.stdout)["issues"]}
    assert ("file-too-large", "mini/cust/prod/instance.yaml") in codes
