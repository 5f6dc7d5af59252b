"""NormalizationPolicy (docs/director-api.md §7.3): CSV strings written, a package list read back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cac_director.emulator.kinds.common import Kind, SeedContext, duplicate, immutable, merge, name_on_create, used_by
from cac_director.emulator.validation import csv_string

if TYPE_CHECKING:
    from cac_director.emulator.config import EmulatorConfig
    from cac_director.emulator.store import NodeState


def validate(data: dict[str, Any], create: bool) -> None:
    name_on_create(data, create)
    csv_string(data, "norm_packages")
    csv_string(data, "compiled_normalizer")


def to_read(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    updates: list[tuple[str, Any]] = []
    for key, value in data.items():
        if key == "name":
            updates.append(("name", value))
        elif key == "norm_packages":
            updates.append(("normalization_packages", [p.strip() for p in value.split(",") if p.strip()]))
        elif key == "compiled_normalizer":
            # Stored as the CSV string that was sent; reads show it only when configured (``read_view``).
            updates.append(("compiled_normalizer", value))
    server = {
        "active": True,
        "tid": "",
        "normalization_packages": [],
        "compiled_normalizer": "",
        "ordered_signatures": [],
        "selected_signatures": [],
    }
    return merge(existing, updates, server, node)


def read_view(node: NodeState, obj: dict[str, Any], config: EmulatorConfig) -> dict[str, Any]:
    """Without ``compiled_normalizer`` unless configured: the documented Get/List examples lack it (§7.3)."""
    if config.returns_compiled_normalizer or "compiled_normalizer" not in obj:
        return obj
    return {k: v for k, v in obj.items() if k != "compiled_normalizer"}


def check(node: NodeState, data: dict[str, Any], existing: dict[str, Any] | None) -> list[str]:
    errors = duplicate(node, "NormalizationPolicy", "name", data, existing) + immutable(data, existing, ("name",))
    packages = node.objects("NormalizationPackage")
    for pkg in csv_string(data, "norm_packages") or []:
        if pkg not in packages:
            errors.append(f"normalization package id '{pkg}' does not exist on this LogPoint")
    compiled = {c["name"] for c in node.compiled_normalizers}
    for name in csv_string(data, "compiled_normalizer") or []:
        if name not in compiled:
            errors.append(f"compiled normalizer '{name}' does not exist on this LogPoint")
    return errors


def referenced_by(node: NodeState, obj: dict[str, Any]) -> list[str]:
    return used_by(node, "ProcessingPolicy", "policy_name", "norm_policy", obj["name"])


def seed(ctx: SeedContext) -> list[dict[str, Any]]:
    internal_pkg = ctx.oid("NormalizationPackage", "LP_LogPoint_Internal")
    return [
        {
            "id": ctx.oid("NormalizationPolicy", name),
            "name": name,
            "active": True,
            "tid": "",
            "normalization_packages": packages,
            "compiled_normalizer": "",
            "ordered_signatures": [],
            "selected_signatures": [],
        }
        for name, packages in (("_logpoint", [internal_pkg]), ("_LogPointAlerts", []))
    ]


KIND = Kind(
    "NormalizationPolicy",
    "Normalization policy",
    "name",
    validate,
    to_read,
    check,
    referenced_by,
    kept_on_replace=("name", "ordered_signatures", "selected_signatures"),
    read_view=read_view,
    seed=seed,
)
