"""The names existing Pulumi state records: provider classes (pickled by reference) and type tokens.

Both are generated from ``conventions.REGISTRY``; this list is written out by hand on purpose, so that a
renamed type, a moved module or a dropped type fails here instead of breaking every stack that holds it.
A new type appends its pair; an existing pair never changes.
"""

from __future__ import annotations

import base64
import subprocess
import sys

import dill
from pulumi.dynamic.dynamic import serialize_provider

from cac_director.conventions import REGISTRY
from cac_director.pulumi_provider import providers, resources

RECORDED_IN_STATE: tuple[tuple[str, str], ...] = (
    ("cac_director.pulumi_provider.providers.RepoProvider", "pulumi-python:dynamic/cacdirector:Repo"),
    ("cac_director.pulumi_provider.providers.RoutingPolicyProvider", "pulumi-python:dynamic/cacdirector:RoutingPolicy"),
    (
        "cac_director.pulumi_provider.providers.NormalizationPolicyProvider",
        "pulumi-python:dynamic/cacdirector:NormalizationPolicy",
    ),
    (
        "cac_director.pulumi_provider.providers.EnrichmentPolicyProvider",
        "pulumi-python:dynamic/cacdirector:EnrichmentPolicy",
    ),
    (
        "cac_director.pulumi_provider.providers.ProcessingPolicyProvider",
        "pulumi-python:dynamic/cacdirector:ProcessingPolicy",
    ),
    ("cac_director.pulumi_provider.providers.DeviceGroupProvider", "pulumi-python:dynamic/cacdirector:DeviceGroup"),
    (
        "cac_director.pulumi_provider.providers.LogCollectionPolicyProvider",
        "pulumi-python:dynamic/cacdirector:LogCollectionPolicy",
    ),
    ("cac_director.pulumi_provider.providers.DeviceProvider", "pulumi-python:dynamic/cacdirector:Device"),
    (
        "cac_director.pulumi_provider.providers.SyslogCollectorProvider",
        "pulumi-python:dynamic/cacdirector:SyslogCollector",
    ),
    ("cac_director.pulumi_provider.providers.AlertRuleProvider", "pulumi-python:dynamic/cacdirector:AlertRule"),
    (
        "cac_director.pulumi_provider.providers.SystemSettingsGeneralProvider",
        "pulumi-python:dynamic/cacdirector:SystemSettingsGeneral",
    ),
    (
        "cac_director.pulumi_provider.providers.PermissionGroupProvider",
        "pulumi-python:dynamic/cacdirector:PermissionGroup",
    ),
    ("cac_director.pulumi_provider.providers.UserGroupProvider", "pulumi-python:dynamic/cacdirector:UserGroup"),
    ("cac_director.pulumi_provider.providers.StaticListProvider", "pulumi-python:dynamic/cacdirector:StaticList"),
    ("cac_director.pulumi_provider.providers.DynamicListProvider", "pulumi-python:dynamic/cacdirector:DynamicList"),
    ("cac_director.pulumi_provider.providers.UserProvider", "pulumi-python:dynamic/cacdirector:User"),
    (
        "cac_director.pulumi_provider.providers.PolicySyslogCollectorProvider",
        "pulumi-python:dynamic/cacdirector:PolicySyslogCollector",
    ),
)


def _token(type_name: str) -> str:
    # pulumi.dynamic prefixes the class's own part with the Python dynamic provider's package name.
    return f"pulumi-python:{resources.RESOURCE_CLASSES[type_name]._resource_type_name}"


def test_every_recorded_provider_and_token_is_still_produced() -> None:
    produced = tuple(
        (f"{cls.__module__}.{cls.__qualname__}", _token(type_name)) for type_name, cls in providers.PROVIDERS.items()
    )
    assert produced[: len(RECORDED_IN_STATE)] == RECORDED_IN_STATE


def test_registry_providers_and_resource_classes_agree() -> None:
    names = [conv.type_name for conv in REGISTRY]
    assert list(providers.PROVIDERS) == names
    assert list(resources.RESOURCE_CLASSES) == names
    for conv in REGISTRY:
        provider_cls = providers.PROVIDERS[conv.type_name]
        resource_cls = resources.RESOURCE_CLASSES[conv.type_name]
        assert provider_cls.conventions is conv
        assert resource_cls._provider_class is provider_cls
        assert getattr(providers, provider_cls.__qualname__) is provider_cls
        assert getattr(resources, conv.type_name) is resource_cls
        assert (resource_cls.__module__, resource_cls.__qualname__) == (
            "cac_director.pulumi_provider.resources",
            conv.type_name,
        )


def test_recorded_provider_paths_load_in_a_fresh_process() -> None:
    # What the provider process does with state written by any earlier version: unpickle by path.
    pickled = [serialize_provider(providers.PROVIDERS[conv.type_name]()) for conv in REGISTRY]
    code = (
        "import base64, dill, sys\n"
        "for arg in sys.argv[1:]:\n"
        "    p = dill.loads(base64.b64decode(arg)); print(f'{type(p).__module__}.{type(p).__qualname__}')"
    )
    out = subprocess.run([sys.executable, "-c", code, *pickled], capture_output=True, text=True, check=True).stdout
    assert tuple(out.split())[: len(RECORDED_IN_STATE)] == tuple(path for path, _ in RECORDED_IN_STATE)
    assert dill.loads(base64.b64decode(pickled[0])).conventions.type_name == "Repo"
