"""The stack config beside each instance, the default parallelism, and the fleet's exit codes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from cac_director.errors import ConfigError
from cac_director.fleet import parallelism
from cac_director.fleet.runner import StackOutcome, _one_line, exit_code
from cac_director.fleet.stack_config import (
    configured_instance,
    ensure_stack_config,
    plain_settings,
    take_generated_salt,
)
from cac_director.pulumi_provider import fast_mode


def test_first_use_writes_the_instance_and_the_salt_and_keeps_what_exists(tmp_path: Path) -> None:
    path = tmp_path / "stack.yaml"
    assert ensure_stack_config(path, "fleets/a/prod/instance.yaml", "v1:salt")
    document = yaml.safe_load(path.read_text())
    assert document == {"config": {"cac-director:instance": "fleets/a/prod/instance.yaml"}, "encryptionsalt": "v1:salt"}
    assert not ensure_stack_config(path, "elsewhere.yaml", "v1:other")  # nothing missing: untouched

    path.write_text("config:\n  cac-director:directorUrl: http://127.0.0.1:1\n")
    assert ensure_stack_config(path, "fleets/a/prod/instance.yaml")
    assert configured_instance(path) == "fleets/a/prod/instance.yaml"
    assert yaml.safe_load(path.read_text())["config"]["cac-director:directorUrl"] == "http://127.0.0.1:1"


def test_a_malformed_stack_config_is_a_user_error(tmp_path: Path) -> None:
    path = tmp_path / "stack.yaml"
    path.write_text("config: [not, a, mapping]\n")
    with pytest.raises(ConfigError, match=r"stack\.yaml"):
        ensure_stack_config(path, "x")


def test_plain_settings_are_the_non_secret_cac_director_keys_as_pulumi_config_prints_them(tmp_path: Path) -> None:
    path = tmp_path / "stack.yaml"
    assert plain_settings(path) == {}  # no file yet: no settings
    path.write_text(
        "config:\n  cac-director:fastApplyThreshold: 20\n  cac-director:adoptExisting: true\n"
        "  cac-director:token: {secure: v1:abc}\n  aws:region: eu-west-1\n"
    )
    assert plain_settings(path) == {"fastApplyThreshold": "20", "adoptExisting": "true"}


def test_fast_mode_from_the_flag_else_the_threshold_of_the_stack_settings(tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    counted: list[int] = []

    def declared(count: int | None) -> Callable[[], int | None]:
        def count_objects() -> int | None:
            counted.append(1)
            return count

        return count_objects

    settings = {"fastApplyThreshold": "20"}
    assert fast_mode.choose(None, journal, settings.get, declared(20)).fast
    below = fast_mode.choose(None, journal, settings.get, declared(19))
    assert (below.fast, below.reason) == (False, "below the threshold")
    assert below.env == {"CAC_DIRECTOR_CREATE_JOURNAL": str(journal)}  # journaled in both modes
    assert below.announcement is None
    fast = fast_mode.choose(None, journal, {}.get, declared(300))  # the default threshold, 300
    assert fast.env == {"PULUMI_SKIP_CHECKPOINTS": "true", "CAC_DIRECTOR_CREATE_JOURNAL": str(journal)}
    assert fast.announcement is not None and "fastApplyThreshold = 300" in fast.announcement
    assert not fast_mode.choose(None, journal, {}.get, declared(None)).fast  # the instance does not load
    counted.clear()
    assert not fast_mode.choose(None, journal, {"fastApplyThreshold": "0"}.get, declared(10_000)).fast
    assert fast_mode.choose(True, journal, {"fastApplyThreshold": "0"}.get, declared(1)).reason == "--fast"
    assert not fast_mode.choose(False, journal, settings.get, declared(10_000)).fast
    assert counted == []  # 0 (only with --fast) and the flags never load the instance


def test_the_generated_root_file_is_removed_and_its_salt_returned(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.s.yaml").write_text("encryptionsalt: v1:abc\n")
    assert take_generated_salt(tmp_path, "s") == "v1:abc"
    assert not (tmp_path / "Pulumi.s.yaml").exists()
    assert take_generated_salt(tmp_path, "s") is None


def test_default_parallel_is_bounded_by_cpus_and_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal: 25000000 kB\nMemAvailable: 1048576 kB\n")
    assert parallelism.available_mib(meminfo) == 1024
    monkeypatch.setattr(parallelism, "usable_cpus", lambda: 8)
    monkeypatch.setattr(parallelism, "available_mib", lambda: 1024)
    assert parallelism.default_parallel() == 2  # memory-bound: 1 GiB / 512 MiB
    monkeypatch.setattr(parallelism, "available_mib", lambda: 64 * 1024)
    assert parallelism.default_parallel() == 16  # CPU-bound: 2 x 8
    monkeypatch.setattr(parallelism, "available_mib", lambda: 100)
    assert parallelism.default_parallel() == 1


def test_exit_codes() -> None:
    same = StackOutcome("a", "c", "e", same=3)
    changed = StackOutcome("b", "c", "e", update=1)
    drifted = StackOutcome("b", "c", "e", same=3, drift=1)
    failed = StackOutcome("d", "c", "e", result="failed", error="boom")
    assert exit_code([same]) == 0
    assert exit_code([same, changed]) == 1
    assert exit_code([drifted]) == 1
    assert exit_code([same, changed, failed]) == 2
    assert exit_code([]) == 0


def test_a_failed_stack_is_summed_up_in_one_line() -> None:
    traceback = (
        "Traceback (most recent call last):\n"
        '  File "base.py", line 88, in wrapper\n'
        "cac_director.errors.DirectorError: creating Repo 'r' on node dn-01: the Director refused the token (HTTP 401)"
    )
    assert _one_line(traceback) == "creating Repo 'r' on node dn-01: the Director refused the token (HTTP 401)"
    assert _one_line("update failed\nconfiguration is invalid: 1 error(s)\n  a.yaml:3: error") == (
        "configuration is invalid: 1 error(s)"
    )
