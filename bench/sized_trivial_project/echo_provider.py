"""Providers that echo: the size-matched baseline's resources keep the real inputs but do no I/O.

``create`` returns the inputs as outputs (with a 24-hex id, the length of a Director ObjectId), ``read``
echoes the recorded outputs and ``diff`` compares inputs with outputs, so the engine stores and compares
resource bodies as large as the real ones while no request leaves the process. One class per Director
type, in a module of the repository, so each resource pickles its provider by reference as the real ones do
(``sized_trivial_project.echo_provider.RepoProvider`` against ``cac_director.pulumi_provider.providers.RepoProvider``).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pulumi.dynamic import CreateResult, DiffResult, ReadResult, ResourceProvider, UpdateResult

_PROVIDER_KEY = "__provider"


class EchoProvider(ResourceProvider):
    serialize_as_secret_always = False

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        keys = (olds.keys() | news.keys()) - {_PROVIDER_KEY}
        return DiffResult(changes=any(olds.get(k) != news.get(k) for k in keys))

    def create(self, props: dict[str, Any]) -> CreateResult:
        body = json.dumps(props, sort_keys=True, default=str)
        return CreateResult(hashlib.sha256(body.encode()).hexdigest()[:24], dict(props))

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(dict(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_, dict(props))

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None


class RepoProvider(EchoProvider):
    pass


class RoutingPolicyProvider(EchoProvider):
    pass


class NormalizationPolicyProvider(EchoProvider):
    pass


class EnrichmentPolicyProvider(EchoProvider):
    pass


class ProcessingPolicyProvider(EchoProvider):
    pass


class DeviceGroupProvider(EchoProvider):
    pass


class DeviceProvider(EchoProvider):
    pass


class SyslogCollectorProvider(EchoProvider):
    pass


class AlertRuleProvider(EchoProvider):
    pass
