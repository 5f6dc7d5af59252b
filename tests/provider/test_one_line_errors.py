"""The provider server answers our errors with their message alone; the real CLI proof is in tests/e2e."""

from __future__ import annotations

import importlib.util
import sys
import traceback
from collections.abc import Iterator
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType

import pytest

from cac_director.errors import DirectorError
from cac_director.pulumi_provider import _one_line_errors


@pytest.fixture
def server_module() -> Iterator[ModuleType]:
    """A stand-in for ``python -m pulumi.dynamic`` (importing the real one starts a gRPC server)."""
    module = ModuleType("__main__")
    module.__spec__ = ModuleSpec(_one_line_errors.SERVER_MODULE, None)
    module.traceback = traceback  # type: ignore[attr-defined]
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = module
    yield module
    if saved is not None:
        sys.modules["__main__"] = saved


def test_the_pinned_sdk_formats_errors_where_the_patch_applies() -> None:
    spec = importlib.util.find_spec(_one_line_errors.SERVER_MODULE)
    assert spec is not None and spec.origin is not None
    source = Path(spec.origin).read_text()
    assert "import traceback" in source
    assert "context.abort(grpc.StatusCode.UNKNOWN, traceback.format_exc())" in source


def test_our_errors_lose_their_traceback_and_bugs_keep_it(server_module: ModuleType) -> None:
    assert _one_line_errors.install()
    assert _one_line_errors.install()  # idempotent
    formatter = server_module.traceback
    try:
        raise DirectorError("updating Repo 'r' on node dn1: HTTP 400: bad retention")
    except DirectorError:
        assert formatter.format_exc() == "updating Repo 'r' on node dn1: HTTP 400: bad retention"
    try:
        raise ValueError("a bug")
    except ValueError:
        assert formatter.format_exc().startswith("Traceback")


def test_nothing_is_patched_outside_the_provider_server() -> None:
    # Under pytest, ``__main__`` is pytest's own entry point.
    assert not _one_line_errors.install()
