"""Users' write-only password (docs/director-api.md §7.14, docs/secrets.md): applied through changePassword when
the configured secret changes, never by a replace, never sent in an Edit; a user is deactivated before Trash."""

from __future__ import annotations

from typing import Any

import pulumi

from cac_director.config import load_instance
from cac_director.conventions import by_section
from cac_director.pulumi_provider.program import _add_secrets, missing_secrets
from cac_director.pulumi_provider.providers import PROVIDERS
from tests.conftest import REPO_ROOT
from tests.contract.test_round_trips import CASES
from tests.provider.test_lifecycle import _create, _props


def _setup(make_provider, target) -> tuple[Any, dict[str, Any], Any]:
    prereqs, model, _ = CASES["users"]
    for section, prereq in prereqs:
        _create(make_provider, section, prereq, target)
    return _create(make_provider, "users", model, target)


def _stored(fresh, target, username: str) -> dict[str, Any]:
    return next(u for u in fresh.objects(target["pool"], target["node"], "Users") if u["username"] == username)


def test_a_new_password_is_applied_through_change_password_not_a_replace(fresh, target, make_provider) -> None:
    provider, inputs, created = _setup(make_provider, target)
    first = _stored(fresh, target, "alice")
    assert "password" not in first and first["password_change_date"]

    # Same secret: nothing to do (the diff compares with the value last applied; the Director cannot say).
    assert provider.diff(created.id, created.outs, inputs).changes is False

    news = provider.check(created.outs, {**inputs, "password": "an0ther-secret"}).inputs
    diff = provider.diff(created.id, created.outs, news)
    assert diff.changes is True and diff.replaces == []
    fresh.reset_request_log()
    after = provider.update(created.id, created.outs, news)
    counts = fresh.request_counts()
    assert any(key.startswith("POST") and key.endswith("/changePassword") for key in counts), counts
    assert _stored(fresh, target, "alice")["password_change_date"] != first["password_change_date"]
    assert _stored(fresh, target, "alice")["id"] == created.id
    assert provider.diff(created.id, after.outs, news).changes is False

    # Another field only: an Edit, and no second changePassword.
    edited = provider.check(after.outs, {**news, "lastname": "Dupont"}).inputs
    fresh.reset_request_log()
    provider.update(created.id, after.outs, edited)
    assert not any(key.endswith("/changePassword") for key in fresh.request_counts())
    assert _stored(fresh, target, "alice")["lastname"] == "Dupont"


def test_an_active_user_is_deactivated_then_deleted(fresh, target, make_provider) -> None:
    provider, _, created = _setup(make_provider, target)
    assert _stored(fresh, target, "alice")["active"] is True
    provider.delete(created.id, created.outs)
    assert [u["username"] for u in fresh.objects(target["pool"], target["node"], "Users")] == ["admin"]


def test_the_builtin_admin_is_refused(target, make_provider) -> None:
    _, model, _ = CASES["users"]
    users = make_provider(PROVIDERS["User"])
    failures = users.check({}, _props({**model, "username": "admin"}, target)).failures
    assert [f.property for f in failures] == ["username"]
    assert "built-in" in failures[0].reason


def test_a_missing_password_key_names_the_file_the_path_and_the_command() -> None:
    resolved = load_instance(REPO_ROOT / "fleets" / "bank-b" / "prod" / "instance.yaml")
    assert missing_secrets(resolved, {}) == [
        f"{resolved.path}: users[bankb-analyst].password_from: key 'bankb-analyst' is not in the stack's secret "
        "config cac-director:userPasswords; run "
        "`pulumi config set --secret --path 'cac-director:userPasswords.bankb-analyst' <value>`"
    ]
    assert missing_secrets(resolved, {"userPasswords": {"other": "x"}}) != []
    assert missing_secrets(resolved, {"userPasswords": {"bankb-analyst": "x"}}) == []


def test_the_password_reaches_the_resource_as_a_secret_only() -> None:
    props = {"username": "alice", "password_from": "alice"}
    fields = _add_secrets(by_section("users"), props, {"userPasswords": {"alice": "s3cret-one"}})
    assert fields == ["password"]
    assert isinstance(props["password"], pulumi.Output)
    assert "s3cret-one" not in repr(props)
