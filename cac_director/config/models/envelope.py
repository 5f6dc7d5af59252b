"""Pydantic models of the three file kinds: ``Fleet``, ``ConfigTemplate``, ``TopologyInstance``.

Section contents are typed loosely here (lists of mappings) because a layer is partial and may
carry directives; resources are checked against ``resources.SECTION_MODELS`` after resolution.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, StringConstraints, create_model

from cac_director.config.models._common import Name, StrictModel
from cac_director.config.models._values import DirectorURL, IPAddress, PathSafeName, RepoStoragePath, printable
from cac_director.conventions import SECTIONS

KINDS = ("Fleet", "ConfigTemplate", "TopologyInstance")

Hex32 = Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{32}$")]
TagValue = Annotated[str, StringConstraints(min_length=1), printable]
VarValue = str | int | float | bool
# Template ids are paths below the templates root; "./x" and "../x" are relative to the extending template.
TemplateRef = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_./-]+(?:@[0-9]+(?:\.[0-9]+){0,2})?$")]
Version = Annotated[str, StringConstraints(pattern=r"^[0-9]+\.[0-9]+\.[0-9]+$")]
Resources = list[dict[str, Any]]


class DirectorRef(StrictModel):
    url: DirectorURL
    poolUuid: Hex32


class FleetNode(StrictModel):
    name: PathSafeName
    logpointId: Hex32
    tags: dict[str, TagValue] = Field(default_factory=dict)
    privateIp: IPAddress | None = Field(
        default=None, description="The node's private IP (the emulator serves it; default 10.10.<pool>.<11+n>)."
    )
    repoPaths: Annotated[list[RepoStoragePath], Field(min_length=1)] | None = Field(
        default=None, description="Storage paths the emulator offers on this node (default: docs/emulator.md)."
    )


class FleetNodes(StrictModel):
    dataNodes: list[FleetNode] = Field(default_factory=list)
    searchHeads: list[FleetNode] = Field(default_factory=list)
    aios: list[FleetNode] = Field(default_factory=list)


class FleetSpec(StrictModel):
    director: DirectorRef
    nodes: FleetNodes


class FleetMetadata(StrictModel):
    name: PathSafeName
    description: str | None = None


class Fleet(StrictModel):
    apiVersion: Literal["cac-director/v1"]
    kind: Literal["Fleet"]
    metadata: FleetMetadata
    spec: FleetSpec


class _VarsSpec(StrictModel):
    vars: dict[str, VarValue] = Field(default_factory=dict)


# One list field per REGISTRY section, in REGISTRY order (the order the JSON Schema lists them). Type checkers
# see the base only: the section fields are never read as attributes (sections travel as validated dicts).
if TYPE_CHECKING:
    _SectionsSpec = _VarsSpec
else:
    _SectionsSpec = create_model(
        "_SectionsSpec",
        __base__=_VarsSpec,
        __module__=__name__,
        **{section: (Resources, Field(default_factory=list)) for section in SECTIONS},
    )


class TemplateMetadata(StrictModel):
    name: Name
    extends: TemplateRef | None = None
    version: Version | None = None
    description: str | None = None


class ConfigTemplate(StrictModel):
    apiVersion: Literal["cac-director/v1"]
    kind: Literal["ConfigTemplate"]
    metadata: TemplateMetadata
    spec: _SectionsSpec = Field(default_factory=_SectionsSpec)


Selector = dict[str, TagValue | Annotated[list[TagValue], Field(min_length=1)]]


class Targets(StrictModel):
    dataNodes: Selector | None = None
    searchHeads: Selector | None = None
    aios: Selector | None = None


SectionName = Literal[SECTIONS]  # type: ignore[valid-type]  # a Literal of the REGISTRY's section names
"""Any REGISTRY section name (``spec.protect: {repos: true}``)."""


class InstanceSpec(_SectionsSpec):
    targets: Targets | None = None
    protect: bool | dict[SectionName, bool] | None = Field(
        default=None, description="Protect every object (true) or whole sections ({repos: true}) from deletion."
    )


class InstanceMetadata(StrictModel):
    name: Name
    extends: TemplateRef | None = None
    fleetRef: str = "../fleet.yaml"
    description: str | None = None


class TopologyInstance(StrictModel):
    apiVersion: Literal["cac-director/v1"]
    kind: Literal["TopologyInstance"]
    metadata: InstanceMetadata
    spec: InstanceSpec = Field(default_factory=InstanceSpec)


KIND_MODELS: dict[str, type[StrictModel]] = {
    "Fleet": Fleet,
    "ConfigTemplate": ConfigTemplate,
    "TopologyInstance": TopologyInstance,
}
