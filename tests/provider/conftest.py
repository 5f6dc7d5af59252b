"""Provider tests: the dynamic providers' methods called directly, talking to the emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pulumi.dynamic import Config, ConfigureRequest

from cac_director.director import runtime
from cac_director.emulator import Emulator, EmulatorConfig, NodeSpec, PoolSpec
from cac_director.pulumi_provider.base import DirectorProvider

POOL = "c0ffee00c0ffee00c0ffee00c0ffee00"
NODE = "5eed00005eed00005eed00005eed0000"
NODE2 = "5eed11115eed11115eed11115eed1111"
TOKEN = "provider-test-token-93d1f0"

# Start of the programs some tests run in a fresh interpreter: the SDK in mock mode, no engine needed.
MOCKED_PULUMI = """
import pulumi

class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args):
        return [args.name + "-id", args.inputs]

    def call(self, args):
        return {}

pulumi.runtime.set_mocks(Mocks(), preview=False)
"""


@pytest.fixture(scope="module")
def emu() -> Iterator[Any]:
    cfg = EmulatorConfig(
        pools=[
            PoolSpec(
                uuid=POOL,
                name="provider-tests",
                nodes=[
                    NodeSpec(identifier=NODE, name="dn-01", ip="10.20.0.11"),
                    NodeSpec(identifier=NODE2, name="dn-02", ip="10.20.0.12"),
                ],
            )
        ],
        token=TOKEN,
    )
    with Emulator.start(cfg, host="127.0.0.1", port=0) as emulator:
        yield emulator


@pytest.fixture
def fresh(emu: Any) -> Iterator[Any]:
    emu.reset()
    emu.clear_faults()
    emu.set_runtime_config(put_semantics="merge", returns_compiled_normalizer=False)
    emu.reset_request_log()
    # Each test is one "run" of a provider process: no caches carried over.
    runtime.reset()
    yield emu


@pytest.fixture
def target(fresh: Any) -> dict[str, str]:
    return {"url": fresh.url, "pool": POOL, "node": NODE, "node_name": "dn-01"}


@pytest.fixture
def make_provider() -> Callable[[type[DirectorProvider]], DirectorProvider]:
    def build(cls: type[DirectorProvider]) -> DirectorProvider:
        provider = cls()
        provider.configure(ConfigureRequest(Config({"cac-director:token": TOKEN}, "cac-director")))
        return provider

    return build
