"""How providers travel in state: by reference, tiny, secret-free, and safe at thousands of resources."""

from __future__ import annotations

import base64
import pickle
import subprocess
import sys
import textwrap
import threading
from concurrent.futures import ThreadPoolExecutor

import pulumi.dynamic.dynamic as sdk_dynamic
import pytest
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.dynamic.dynamic import serialize_provider

from cac_director.pulumi_provider.providers import PROVIDERS
from tests.provider.conftest import MOCKED_PULUMI

SCALE_PROGRAM = MOCKED_PULUMI + textwrap.dedent(
    """
    import sys
    import pulumi.dynamic.dynamic as sdk_dynamic

    import cac_director.pulumi_provider  # installs the guard
    from cac_director.pulumi_provider.resources import Repo

    if sys.argv[1] == "unguarded":
        sdk_dynamic.serialize_provider = sdk_dynamic.serialize_provider.__wrapped__

    target = {"url": "http://127.0.0.1:1", "pool": "a" * 32, "node": "b" * 32, "node_name": "n"}
    for i in range(int(sys.argv[2])):
        Repo(f"n/repo-{i}", {"name": f"repo-{i}", "hiddenrepopath": [{"path": "/data/hot/", "retention": 30}],
                             "target": target})
    print("constructed", sys.argv[2])
    """
)


@pytest.mark.parametrize("type_name", sorted(PROVIDERS))
def test_provider_pickles_by_reference_small_and_stable(type_name: str) -> None:
    provider = PROVIDERS[type_name]()
    first, second = serialize_provider(provider), serialize_provider(PROVIDERS[type_name]())
    assert first == second
    assert len(first) < 200
    # The provider process must be able to load it by importing the package, with empty state.
    code = (
        "import base64, dill, sys; p = dill.loads(base64.b64decode(sys.argv[1])); "
        "print(type(p).__module__, type(p).__name__, p.conventions.type_name)"
    )
    out = subprocess.run([sys.executable, "-c", code, first], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["cac_director.pulumi_provider.providers", f"{type_name}Provider", type_name]


def test_configured_token_is_not_pickled() -> None:
    provider = PROVIDERS["Repo"]()
    provider.configure(ConfigureRequest(Config({"cac-director:token": "s3cr3t-token-value"}, "cac-director")))
    encoded = serialize_provider(provider)
    assert b"s3cr3t-token-value" not in base64.b64decode(encoded)
    assert encoded == serialize_provider(PROVIDERS["Repo"]())


def _construct_resources(mode: str, count: int) -> subprocess.CompletedProcess[str]:
    """Build ``count`` resources under mocks in a fresh interpreter (the pickler patch is process-wide)."""
    return subprocess.run(
        [sys.executable, "-c", SCALE_PROGRAM, mode, str(count)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.slow
def test_two_thousand_resources_construct_with_the_guard() -> None:
    guarded = _construct_resources("guarded", 2000)
    assert guarded.returncode == 0, guarded.stderr[-2000:]
    assert "constructed 2000" in guarded.stdout


@pytest.mark.slow
def test_the_sdk_still_needs_the_guard() -> None:
    """If this starts passing, the SDK fixed its pickler leak and the guard can be retired."""
    unguarded = _construct_resources("unguarded", 2000)
    assert unguarded.returncode != 0
    assert "RecursionError" in unguarded.stderr


def test_serialization_from_several_threads_leaves_the_pickler_as_found() -> None:
    """Inline programs of `cac-director fleet` register resources from several threads at once; the SDK swaps
    ``pickle.Pickler`` process-wide during each serialization, so unguarded threads leave it swapped."""
    before = (pickle.Pickler, pickle._Pickler._batch_setitems)  # type: ignore[attr-defined]
    expected = {name: sdk_dynamic.serialize_provider(PROVIDERS[name]()) for name in sorted(PROVIDERS)}
    start = threading.Barrier(8)

    def serialize_all() -> dict[str, set[str]]:
        start.wait()
        seen: dict[str, set[str]] = {name: set() for name in expected}
        for _ in range(50):
            for name in expected:
                seen[name].add(sdk_dynamic.serialize_provider(PROVIDERS[name]()))
        return seen

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: serialize_all(), range(8)))
    for seen in results:
        assert seen == {name: {value} for name, value in expected.items()}
    assert (pickle.Pickler, pickle._Pickler._batch_setitems) == before  # type: ignore[attr-defined]
