"""Diff answers carry the changed model fields and their paths: a real provider process, driven over gRPC.

The engine's display of those paths is pinned with the real CLI in tests/e2e/test_plan_reads_director.py.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from cac_director.pulumi_provider import _detailed_diff, _one_line_errors
from cac_director.pulumi_provider.providers import DeviceProvider, RoutingPolicyProvider, UserProvider
from tests.provider.conftest import NODE, POOL, TOKEN
from tests.provider.grpc_structs import provider_server, to_struct

# The SDK's Diff as pinned pulumi 3.272 writes it; _detailed_diff mirrors these steps. If this fails, read the
# SDK's new Diff and bring _detailed_diff._our_diff (and this copy) in line with it.
SDK_DIFF = """    @_abort_with_traceback
    def Diff(self, request, context):
        olds = rpc.deserialize_properties(request.olds, True)
        news = rpc.deserialize_properties(request.news, True)
        if news[PROVIDER_KEY] == rpc.UNKNOWN:
            provider = get_provider(olds, self._config)
        else:
            provider = get_provider(news, self._config)
        result = provider.diff(request.id, olds, news)
        fields = {}
        if result.changes is not None:
            if result.changes:
                fields["changes"] = proto.DiffResponse.DIFF_SOME
            else:
                fields["changes"] = proto.DiffResponse.DIFF_NONE
        else:
            fields["changes"] = proto.DiffResponse.DIFF_UNKNOWN
        if result.replaces is not None:
            fields["replaces"] = result.replaces
        if result.delete_before_replace is not None:
            fields["deleteBeforeReplace"] = result.delete_before_replace
        return proto.DiffResponse(**fields)
"""
KIND = provider_pb2.PropertyDiff.Kind
TARGET = {"node": NODE, "node_name": "dn-01"}
URN = "urn:pulumi:test::test::pulumi-python:dynamic/cacdirector:{type}::dn-01/{name}"


def test_the_pinned_sdk_diff_is_the_one_mirrored() -> None:
    spec = importlib.util.find_spec(_one_line_errors.SERVER_MODULE)
    assert spec is not None and spec.origin is not None
    source = Path(spec.origin).read_text()
    assert SDK_DIFF in source
    # The decorator keeps the function in its closure, which install() swaps.
    assert "def _abort_with_traceback(fn):\n    def wrapper(self, request, context):" in source
    assert "            return fn(self, request, context)\n" in source


def test_nothing_is_installed_outside_the_provider_server() -> None:
    assert not _detailed_diff.install()


@pytest.fixture(scope="module")
def server() -> Iterator[provider_pb2_grpc.ResourceProviderStub]:
    with provider_server() as stub:
        # No Director call is made: check and diff are offline.
        config = {
            "cac-director:token": TOKEN,
            "cac-director:directorUrl": "http://127.0.0.1:9",
            "cac-director:poolUuid": POOL,
        }
        stub.Configure(provider_pb2.ConfigureRequest(args=to_struct(config)))
        yield stub


def _diff(stub: Any, provider: Any, type_name: str, olds: dict[str, Any], news: dict[str, Any]) -> Any:
    pickled = serialize_provider(provider)
    olds, news = {**olds, "__provider": pickled}, {**news, "__provider": pickled}
    urn = URN.format(type=type_name, name="x")
    # As the engine does: a check first (it loads and configures the provider), then the diff.
    checked = stub.Check(provider_pb2.CheckRequest(urn=urn, olds=to_struct(olds), news=to_struct(news)))
    assert not checked.failures
    return stub.Diff(provider_pb2.DiffRequest(id="i" * 24, urn=urn, olds=to_struct(olds), news=to_struct(news)))


def _detail(response: Any) -> dict[str, int]:
    return {path: diff.kind for path, diff in response.detailedDiff.items()}


def _criterion(key: str, value: str, repo: str = "repo-a") -> dict[str, Any]:
    return {"type": "KeyPresentValueMatches", "key": key, "value": value, "repo": repo, "drop": "store"}


def _policy(*criteria: dict[str, Any]) -> dict[str, Any]:
    return {"policy_name": "rp", "catch_all": "default", "routing_criteria": list(criteria), "target": TARGET}


A, B, C, D = (_criterion(k, v) for k, v in (("a", "1"), ("b", "2"), ("c", "3"), ("d", "4")))


def test_a_moved_criterion_is_one_removal_and_one_addition(server: Any) -> None:
    response = _diff(server, RoutingPolicyProvider(), "RoutingPolicy", _policy(A, B, C, D), _policy(D, A, B, C))
    assert response.changes == provider_pb2.DiffResponse.DIFF_SOME
    assert response.hasDetailedDiff
    assert list(response.diffs) == ["routing_criteria"]
    assert _detail(response) == {"routing_criteria[3]": KIND.DELETE, "routing_criteria[0]": KIND.ADD}
    assert list(response.replaces) == [] and response.deleteBeforeReplace


def test_a_removed_criterion_and_a_changed_field_name_their_position(server: Any) -> None:
    removed = _diff(server, RoutingPolicyProvider(), "RoutingPolicy", _policy(A, B, C), _policy(A, C))
    assert _detail(removed) == {"routing_criteria[1]": KIND.DELETE}
    edited = _diff(
        server, RoutingPolicyProvider(), "RoutingPolicy", _policy(A, B), _policy(A, _criterion("b", "2", "x"))
    )
    assert _detail(edited) == {"routing_criteria[1].repo": KIND.UPDATE}


def test_a_new_name_replaces_and_says_so(server: Any) -> None:
    response = _diff(server, RoutingPolicyProvider(), "RoutingPolicy", _policy(A), {**_policy(A), "policy_name": "rp2"})
    assert list(response.replaces) == ["policy_name"]
    assert _detail(response) == {"policy_name": KIND.UPDATE_REPLACE}


def test_no_change_is_no_change(server: Any) -> None:
    response = _diff(server, RoutingPolicyProvider(), "RoutingPolicy", _policy(A, B), _policy(A, B))
    assert response.changes == provider_pb2.DiffResponse.DIFF_NONE
    assert list(response.diffs) == [] and _detail(response) == {}


def _device(group_id: str) -> dict[str, Any]:
    return {
        "name": "dev",
        "ip": ["10.0.0.1"],
        "availability": "Minor",
        "confidentiality": "Minor",
        "integrity": "Minor",
        "devicegroup": ["dg-other", "dg-web"],
        "ref_ids": {"devicegroup[]": {"dg-other": "o" * 24, "dg-web": group_id}},
        "target": TARGET,
    }


def test_a_replaced_upstream_names_the_reference_not_the_ids(server: Any) -> None:
    response = _diff(server, DeviceProvider(), "Device", _device("a" * 24), _device("b" * 24))
    # Still an update (the Director object must point at the new group), shown at the reference itself.
    assert response.changes == provider_pb2.DiffResponse.DIFF_SOME
    assert list(response.diffs) == ["devicegroup"]
    assert _detail(response) == {"devicegroup[1]": KIND.UPDATE}


def test_a_new_password_is_a_path_without_its_value(server: Any) -> None:
    user = {
        "username": "u1",
        "password_from": "u1",
        "password": "old-pass-1f0c",
        "firstname": "U",
        "lastname": "One",
        "email": "u1@example.com",
        "usergroup": ["ug"],
        "target": TARGET,
    }
    response = _diff(server, UserProvider(), "User", user, {**user, "password": "new-pass-9d2e"})
    assert _detail(response) == {"password": KIND.UPDATE}
    assert b"pass-" not in response.SerializeToString()
