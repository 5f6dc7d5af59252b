"""A ``pulumi import --file`` document for exported objects (docs/onboarding.md, "Import single objects").

Pulumi CLI v3.274.1 skips the provider's ``Read`` for an import entry that carries ``outputs``
(``pkg/resource/deploy/step.go``, ``ImportStep.Apply``): that is what makes import work for dynamic
providers, whose server cannot read without the pickled provider (docs/pulumi-sdk-notes.md §5). Each
entry therefore carries what the program would send (model, ``target``, ``ref_ids``, the pickled provider
under ``__provider``) as inputs and outputs; the refresh before the next operation replaces the outputs
with the live object. Entries name the stack's first explicit provider (``cac-director-00``), which must
already be in the stack: an import under the default provider records a provider without the pool.
"""

from __future__ import annotations

from typing import Any

from pulumi.dynamic.dynamic import PROVIDER_KEY, serialize_provider

from cac_director.constants import TYPE_PREFIX
from cac_director.conventions import LOOKUPS, SECTIONS, by_section
from cac_director.export.read import NodeExport
from cac_director.pulumi_provider._paths import names_at
from cac_director.pulumi_provider.resources import RESOURCE_CLASSES

PROVIDER_NAME = "cac-director-00"
"""The first explicit provider the program registers (``program._node_providers``)."""

_TYPE = TYPE_PREFIX + "{}"


def _ref_ids(section: str, model: dict[str, Any], export: NodeExport) -> dict[str, Any]:
    """``{path: {name: id}}`` for the id references to managed objects, as ``program._wire_references``."""
    result: dict[str, Any] = {}
    for ref in by_section(section).references:
        # A lookup that is also a section (users) counts where the node's export has the object, as in the program.
        if (ref.target in LOOKUPS and ref.target not in SECTIONS) or ref.wire not in ("id", "id_csv"):
            continue
        ids = {
            name: export.ids[(ref.target, name)]
            for name in names_at(model, ref.path)
            if (ref.target, name) in export.ids
        }
        if ids:
            result[ref.path] = ids
    return result


def import_document(exports: list[NodeExport], *, stack: str, project: str) -> dict[str, Any]:
    """Every exported object of ``exports`` as one entry of a ``pulumi import --file`` document."""
    provider_urn = f"urn:pulumi:{stack}::{project}::pulumi:providers:pulumi-python::{PROVIDER_NAME}"
    resources: list[dict[str, Any]] = []
    for export in exports:
        target = {"node": export.node.logpoint_id, "node_name": export.node.name}
        for section, objects in export.sections.items():
            conv = by_section(section)
            pickled = serialize_provider(RESOURCE_CLASSES[conv.type_name]._provider_class())
            for model in objects:
                name = str(model[conv.name_key])
                obj_id = export.ids.get((section, name))
                if obj_id is None:
                    continue
                props: dict[str, Any] = {PROVIDER_KEY: pickled, **model, "target": target}
                ref_ids = _ref_ids(section, model, export)
                if ref_ids:
                    props["ref_ids"] = ref_ids
                resources.append(
                    {
                        "type": _TYPE.format(conv.type_name),
                        "name": f"{export.node.name}/{name}",
                        "id": obj_id,
                        "provider": PROVIDER_NAME,
                        "inputs": props,
                        "outputs": props,
                    }
                )
    return {"nameTable": {PROVIDER_NAME: provider_urn}, "resources": resources}
