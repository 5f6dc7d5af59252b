"""NormalizationPolicy (docs/director-api.md §7.3). Packages travel as a CSV of ids, normalizers as a CSV of names."""

from __future__ import annotations

from pydantic import Field

from cac_director.conventions._base import Example, Reference, ResourceConventions
from cac_director.conventions._model import Name, RefName, StrictModel


class NormalizationPolicy(StrictModel):
    name: Name | None = None
    norm_packages: list[RefName] | None = Field(default=None, description="Normalization package names.")
    compiled_normalizer: list[RefName] | None = Field(default=None, description="Compiled normalizer names.")


NORMALIZATION_POLICIES = ResourceConventions(
    type_name="NormalizationPolicy",
    model=NormalizationPolicy,
    docs=__doc__ or "",
    yaml_section="normalizationPolicies",
    api_resource="NormalizationPolicy",
    name_key="name",
    references=(
        Reference("norm_packages[]", "normalizationPackages", wire="id_csv", many=True),
        Reference("compiled_normalizer[]", "compiledNormalizers", wire="name_csv", many=True),
    ),
    builtins=frozenset({"_logpoint", "_LogPointAlerts"}),
    writable_fields=("name", "norm_packages", "compiled_normalizer"),
    required_fields=("name",),
    immutable_fields=("name",),
    read_renames={"normalization_packages": "norm_packages"},
    # Absent from the documented Get/List responses (§7.3): never rely on reading it back.
    write_only_fields=("compiled_normalizer",),
    computed_fields=frozenset({"id", "active", "tid", "user", "ordered_signatures", "selected_signatures"}),
    example=Example(
        model={
            "name": "np-win",
            "norm_packages": ["LP_Windows"],
            "compiled_normalizer": ["WindowsXMLCompiledNormalizer"],
        },
        updated={
            "name": "np-win",
            "norm_packages": ["LP_Linux_Syslog", "LP_Windows"],
            "compiled_normalizer": ["JSONCompiledNormalizer", "WindowsXMLCompiledNormalizer"],
        },
    ),
)
