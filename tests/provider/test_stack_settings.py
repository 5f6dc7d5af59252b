"""Stack settings: every bad value gives one problem naming it, what is allowed and the fix; secrets stay hidden."""

from __future__ import annotations

from pathlib import Path

import pytest

from cac_director.errors import ConfigError
from cac_director.pulumi_provider._settings import ProviderSettings
from cac_director.pulumi_provider.stack_settings import read_stack_settings

SECRET = "s3cr3t-token-value-9d1e"

# (key, bad value); the value must appear in the message unless the key is a secret.
BAD = [
    ("orderTimeout", "soon"),
    ("orderTimeout", "-5"),
    ("orderTimeout", "0"),
    ("orderTimeout", "nan"),
    ("orderTimeout", "inf"),
    ("orderTimeout", "1e9"),
    ("requestTimeout", "0"),
    ("requestTimeout", "-1"),
    ("requestTimeout", "a minute"),
    ("providerThreads", "lots"),
    ("providerThreads", "0"),
    ("providerThreads", "2.5"),
    ("providerThreads", "100000"),
    ("providerProcesses", "-1"),
    ("providerProcesses", "many"),
    ("providerProcesses", "1000"),
    ("insecureSkipVerify", "maybe"),
    ("insecureSkipVerify", "yes please"),
    ("adoptExisting", "sure"),
    ("protect", "2"),
    ("fastApplyThreshold", "-1"),
    ("fastApplyThreshold", "many"),
    ("caBundle", "/nonexistent/ca.pem"),
    ("caBundle", "."),
    ("templates", "/nonexistent/templates"),
    ("directorUrl", "not a url"),
    ("directorUrl", "ftp://director.example.net"),
    ("directorUrl", "https://director.example.net:99999"),
    ("directorUrl", "https://user:pw@director.example.net"),
    ("directorUrl", "https://"),
    ("token", ""),
    ("token", f"{SECRET} "),
    ("token", f"{SECRET}\n"),
    ("refreshSecret", " "),
    ("refreshSecret", f"a\x07{SECRET}"),
]


@pytest.mark.parametrize(("key", "value"), BAD, ids=[f"{k}={v!r}" for k, v in BAD])
def test_bad_setting_gives_one_clear_problem(key: str, value: str, tmp_path: Path) -> None:
    _, problems = read_stack_settings({key: value}.get, base=tmp_path)
    assert len(problems) == 1, problems
    text = problems[0].render()
    assert f"cac-director:{key}" in text
    assert f"pulumi config set {'--secret ' if key in ('token', 'refreshSecret') else ''}cac-director:{key}" in text
    assert "\n" not in text
    if key in ("token", "refreshSecret"):
        assert SECRET not in text
    else:
        assert repr(value) in text or value in text
        assert "allowed" in text or "e.g." in text or "no such " in text


def test_at_least_24_bad_settings() -> None:
    assert len(BAD) >= 24


def test_good_settings_are_read(tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    values = {
        "orderTimeout": "12.5",
        "requestTimeout": "30",
        "providerThreads": "8",
        "providerProcesses": "0",
        "insecureSkipVerify": "False",
        "adoptExisting": "true",
        "fastApplyThreshold": "0",
        "caBundle": "ca.pem",
        "directorUrl": "https://director.example.net:8443/api",
        "token": SECRET,
    }
    settings, problems = read_stack_settings(values.get, base=tmp_path)
    assert problems == []
    assert (settings.order_timeout, settings.request_timeout) == (12.5, 30.0)
    assert (settings.provider_threads, settings.provider_processes) == (8, 0)
    assert settings.adopt_existing and not settings.insecure_skip_verify
    assert settings.fast_apply_threshold == 0
    assert settings.ca_bundle == str(bundle)
    assert SECRET not in repr(settings)


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    values = {"orderTimeout": "soon", "providerThreads": "lots", "insecureSkipVerify": "maybe"}
    _, problems = read_stack_settings(values.get, base=tmp_path)
    assert [problem.key for problem in problems] == ["insecureSkipVerify", "orderTimeout", "providerThreads"]


def test_provider_configure_refuses_bad_values_with_the_same_lines() -> None:
    with pytest.raises(ConfigError) as caught:
        ProviderSettings.from_config({"orderTimeout": "soon", "token": f"{SECRET} "}.get)
    text = str(caught.value)
    assert "cac-director:orderTimeout is 'soon'" in text
    assert "cac-director:token contains spaces" in text
    assert SECRET not in text


def test_provider_settings_hold_secrets_as_secret_values() -> None:
    settings = ProviderSettings.from_config({"token": SECRET, "refreshSecret": SECRET + "-r"}.get)
    assert settings.token is not None and settings.token.reveal() == SECRET
    assert settings.refresh_secret is not None and settings.refresh_secret.reveal() == SECRET + "-r"
    for text in (repr(settings), str(settings), f"{settings}", repr(settings.client_settings("https://d", "p"))):
        assert SECRET not in text
    client = settings.client_settings("https://director.example.net", "a" * 32)
    assert client.token.reveal() == SECRET
