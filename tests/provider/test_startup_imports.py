"""What a provider process imports: only the layers a provider uses, and no pydantic model is built.

Every stack starts up to ``providerProcesses`` provider processes (and a fleet, that many per stack), each of
which imports what unpickling its provider imports (docs/performance.md "Start-up and per-operation cost").
These tests pin the module sets, not seconds, so a stray import cannot make every process slower unnoticed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from pulumi.dynamic.dynamic import serialize_provider

from cac_director.pulumi_provider.providers import PROVIDERS

# What `python -m pulumi.dynamic` has imported before it unpickles the first provider.
_PROVIDER_PROCESS = textwrap.dedent(
    """
    import base64, json, sys
    import dill, grpc, pulumi, pulumi.dynamic, pulumi.runtime
    from pulumi.dynamic import Config, ConfigureRequest

    before = set(sys.modules)
    provider = dill.loads(base64.b64decode(sys.argv[1]))
    provider.configure(ConfigureRequest(Config({"cac-director:orderTimeout": "30"}, "cac-director")))
    from cac_director.conventions._model import StrictModel

    def models(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from models(sub)

    print(json.dumps({
        "new": sorted(set(sys.modules) - before),
        "models": len(list(models(StrictModel))),
        "built": sorted(m.__qualname__ for m in models(StrictModel) if m.__pydantic_complete__),
    }))
    """
)

# The layers below the providers that a provider process needs (docs/architecture.md).
_PROVIDER_LAYERS = {
    "cac_director",
    "cac_director.constants",
    "cac_director.errors",
    "cac_director.conventions",
    "cac_director.director",
    "cac_director.pulumi_provider",
}
# Heavy modules of other paths: the CLI's terminal output and argument parsing, the YAML model.
_NEVER = {"rich", "typer", "click", "jsonschema", "cac_director.config", "cac_director.cli"}


def _provider_process(type_name: str) -> dict[str, object]:
    pickled = serialize_provider(PROVIDERS[type_name]())
    out = subprocess.run(
        [sys.executable, "-c", _PROVIDER_PROCESS, pickled], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def test_unpickling_a_provider_imports_only_the_provider_layers() -> None:
    seen = _provider_process("Repo")
    new = [str(name) for name in seen["new"]]  # type: ignore[attr-defined]
    ours = {".".join(name.split(".")[:2]) for name in new if name.split(".")[0] == "cac_director"}
    assert "cac_director.pulumi_provider" in ours  # the probe did load the provider
    assert ours <= _PROVIDER_LAYERS, sorted(ours - _PROVIDER_LAYERS)
    packages = {name.split(".")[0] for name in new} | ours
    assert not packages & _NEVER, sorted(packages & _NEVER)


def test_pydantic_models_are_defined_but_not_built_in_a_provider_process() -> None:
    # Building the schemas of every section's model is most of what the conventions cost at import; only
    # the YAML model (the program, the CLI) validates with them, and it builds them on first use.
    seen = _provider_process("AlertRule")
    assert int(str(seen["models"])) >= len(PROVIDERS)
    assert seen["built"] == []
