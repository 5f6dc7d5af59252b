"""Template directories and ``extends`` chains (docs/configuration.md, "Templates and `extends`").

A template is a directory below the templates root; its id is its relative path. Every YAML file
in it is part of it. ``extends`` may be absolute (``logpoint/golden-base``) or relative to the
extending template (``../enterprise``, ``./sibling``), optionally pinned (``@1.2.0`` exact,
``@1.2`` / ``@1`` any matching prefix).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cac_director.config._schema_check import check_model
from cac_director.config.issues import IssueCollector, Mark
from cac_director.config.loader import PosDict, PosList, display_path, load_yaml_file, mark_of
from cac_director.config.models import API_VERSION, KINDS, ConfigTemplate
from cac_director.conventions import SECTIONS

DEFAULT_MAX_DEPTH = 10
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass
class Layer:
    """One level of the hierarchy as written: a template directory or an instance file."""

    ident: str
    """Template id, or the instance file path for the instance layer."""
    name: str
    extends: str | None
    version: str | None
    files: list[str]
    mark: Mark | None
    """Where ``extends`` (or the metadata) is written, for chain errors."""
    vars: PosDict = field(default_factory=PosDict)
    sections: dict[str, PosList] = field(default_factory=dict)


def find_templates_root(start: Path) -> Path | None:
    """The ``templates/`` directory of the nearest ancestor of ``start`` that has one."""
    for directory in [start, *start.parents] if start.is_dir() else start.parents:
        candidate = directory / "templates"
        if candidate.is_dir():
            return candidate
    return None


def split_ref(ref: str) -> tuple[str, str | None]:
    target, _, pin = ref.partition("@")
    return target, (pin or None)


def absolute_id(ref_target: str, from_id: str | None) -> str:
    """Template id of ``ref_target`` as written in the layer ``from_id``.

    Relative refs are relative to the extending template's directory, as in a shell:
    ``../enterprise`` from ``mssp/acme/profiles/banking`` is ``mssp/acme/profiles/enterprise``.
    """
    if ref_target.startswith(("./", "../")) and from_id is not None:
        return posixpath.normpath(posixpath.join(from_id, ref_target))
    return posixpath.normpath(ref_target)


def pin_matches(pin: str, version: str) -> bool:
    """``@1.2.0`` matches exactly; ``@1.2`` and ``@1`` match any version with that prefix."""
    pin_parts = pin.split(".")
    return version.split(".")[: len(pin_parts)] == pin_parts


def check_document_header(doc: Any, file: str, collector: IssueCollector, expected: str | None = None) -> str | None:
    """The document's kind if its header is usable (else None, with issues)."""
    if not isinstance(doc, dict):
        collector.error(
            "wrong-type",
            "a document must be a mapping with apiVersion, kind, metadata, spec",
            mark=mark_of(doc) or Mark(file, 1),
            hint="start the file with apiVersion: cac-director/v1 and kind: (see docs/configuration.md)",
        )
        return None
    kind = doc.get("kind")
    if kind not in KINDS:
        collector.error(
            "unknown-kind",
            f"unknown kind {kind!r}" if kind is not None else "the document has no kind",
            mark=mark_of(doc, "kind"),
            path="kind",
            hint=f"kind must be one of {', '.join(KINDS)}",
        )
        return None
    if doc.get("apiVersion") != API_VERSION:
        collector.error(
            "bad-api-version",
            f"apiVersion must be {API_VERSION!r}, got {doc.get('apiVersion')!r}",
            mark=mark_of(doc, "apiVersion"),
            path="apiVersion",
            hint=f"write apiVersion: {API_VERSION}",
        )
    if expected is not None and kind != expected:
        collector.error(
            "wrong-kind",
            f"expected a {expected} here, found a {kind}",
            mark=mark_of(doc, "kind"),
            path="kind",
            hint="templates live under the templates root, instances in fleets/<customer>/<env>/",
        )
        return None
    return str(kind)


def layer_sections(spec: Any, collector: IssueCollector) -> tuple[PosDict, dict[str, PosList]]:
    """Vars and sections of a spec, keeping only well-formed parts (the rest was reported by level 1)."""
    vars_: PosDict = PosDict()
    sections: dict[str, PosList] = {}
    if not isinstance(spec, dict):
        return vars_, sections
    raw_vars = spec.get("vars")
    if isinstance(raw_vars, PosDict):
        vars_ = raw_vars
    for section in SECTIONS:
        raw = spec.get(section)
        if isinstance(raw, list):
            kept = [item for item in raw if isinstance(item, dict)]
            sections[section] = PosList(kept, mark=mark_of(raw), item_marks=[mark_of(item) for item in kept])
    return vars_, sections


class TemplateStore:
    """Loads template directories below one templates root, once each."""

    def __init__(self, root: Path, collector: IssueCollector) -> None:
        self.root = root
        self.collector = collector
        self._layers: dict[str, Layer | None] = {}

    def get(self, template_id: str) -> Layer | None:
        if template_id not in self._layers:
            self._layers[template_id] = self._load(template_id)
        return self._layers[template_id]

    def exists(self, template_id: str) -> bool:
        return self.inside_root(template_id) and (self.root / template_id).is_dir()

    def inside_root(self, template_id: str) -> bool:
        """Whether the id names a directory below the root (symlinks resolved), never the root itself."""
        if template_id.startswith("/") or template_id in ("", "."):
            return False
        root = self.root.resolve()
        return (root / template_id).resolve().is_relative_to(root) and (root / template_id).resolve() != root

    def _load(self, template_id: str) -> Layer | None:
        directory = self.root / template_id
        files = sorted(p for p in directory.iterdir() if p.suffix in YAML_SUFFIXES and p.is_file())
        layer: Layer | None = None
        for path in files:
            for doc in load_yaml_file(path, self.collector) or []:
                file = display_path(path)
                if check_document_header(doc, file, self.collector, expected="ConfigTemplate") is None:
                    continue
                check_model(ConfigTemplate, doc, self.collector)
                layer = self._add_document(layer, template_id, doc, file)
        if layer is None:
            self.collector.error(
                "empty-template",
                f"template {template_id!r} has no ConfigTemplate document",
                mark=Mark(display_path(directory)),
                hint="add at least one YAML file with kind: ConfigTemplate",
            )
        return layer

    def _add_document(self, layer: Layer | None, template_id: str, doc: PosDict, file: str) -> Layer:
        raw_metadata = doc.get("metadata")
        metadata: PosDict = raw_metadata if isinstance(raw_metadata, PosDict) else PosDict()
        name, extends, version = metadata.get("name"), metadata.get("extends"), metadata.get("version")
        vars_, sections = layer_sections(doc.get("spec"), self.collector)
        if layer is None:
            return Layer(
                ident=template_id,
                name=str(name),
                extends=extends if isinstance(extends, str) else None,
                version=str(version) if version is not None else None,
                files=[file],
                mark=mark_of(metadata, "extends") if "extends" in metadata else mark_of(metadata),
                vars=vars_,
                sections=sections,
            )
        # All files of one template must agree on its identity (docs/configuration.md, "Templates and `extends`").
        for label, mine, theirs in (
            ("name", name, layer.name),
            ("extends", extends, layer.extends),
            ("version", version, layer.version),
        ):
            if mine != theirs and not (label == "name" and str(mine) == theirs):
                self.collector.error(
                    "inconsistent-template",
                    f"metadata.{label} is {mine!r} here but {theirs!r} in {layer.files[0]}",
                    mark=mark_of(metadata, label) or mark_of(metadata),
                    path=f"metadata.{label}",
                    hint="every file of a template directory must carry the same name, extends and version",
                )
        layer.files.append(file)
        for key, value in vars_.items():
            if key in layer.vars:
                self.collector.error(
                    "duplicate-name",
                    f"variable {key!r} is also defined in another file of template {template_id}",
                    mark=vars_.mark_of(key),
                    path=f"vars.{key}",
                )
                continue
            layer.vars[key] = value
            layer.vars.key_marks[key] = vars_.key_marks.get(key, vars_.mark) or Mark(file)
        for section, items in sections.items():
            existing = layer.sections.get(section)
            if existing is None:
                layer.sections[section] = items
            else:
                # Concatenation: a duplicate name across files is then caught like one inside a file.
                layer.sections[section] = PosList(
                    [*existing, *items], mark=existing.mark, item_marks=[*existing.item_marks, *items.item_marks]
                )
        return layer


def resolve_chain(  # noqa: PLR0911 - one early return per kind of chain error
    store: TemplateStore,
    extends: str | None,
    from_id: str | None,
    *,
    from_mark: Mark | None,
    collector: IssueCollector,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> list[Layer] | None:
    """Template layers root-first for a layer that ``extends`` the given ref, or None after reporting why."""
    chain: list[Layer] = []
    visited: list[tuple[str, str]] = []  # (template id, where it was referenced)
    ref, current_id, mark = extends, from_id, from_mark
    while ref is not None:
        target, pin = split_ref(ref)
        template_id = absolute_id(target, current_id)
        where = str(mark) if mark else str(current_id)
        if any(seen == template_id for seen, _ in visited) or template_id == from_id:
            cycle = " -> ".join([*(f"{seen} ({at})" for seen, at in visited), f"{template_id} ({where})"])
            collector.error(
                "extends-cycle",
                f"extends chain loops back: {from_id or 'instance'} -> {cycle}",
                mark=mark,
                path="metadata.extends",
                hint="a template may not (indirectly) extend itself",
            )
            return None
        if len(visited) >= max_depth:
            collector.error(
                "extends-too-deep",
                f"extends chain is deeper than {max_depth} levels (at {template_id})",
                mark=mark,
                path="metadata.extends",
                hint="flatten the hierarchy or raise the depth limit",
            )
            return None
        if not store.inside_root(template_id):
            collector.error(
                "template-outside-root",
                f"extends {ref!r} points outside the templates root {store.root}",
                mark=mark,
                path="metadata.extends",
                hint="template ids are directories below the templates root, written without a leading / "
                "(e.g. logpoint/golden-base); ../ may not climb above the root",
            )
            return None
        if not store.exists(template_id):
            collector.error(
                "missing-template",
                f"template {template_id!r} not found (no directory {store.root / template_id})",
                mark=mark,
                path="metadata.extends",
                hint=f"template ids are directories below {store.root}; relative ids start with ./ or ../",
            )
            return None
        layer = store.get(template_id)
        if layer is None:
            return None
        if pin is not None:
            if layer.version is None:
                collector.error(
                    "bad-pin",
                    f"extends pins {template_id}@{pin} but that template declares no metadata.version",
                    mark=mark,
                    path="metadata.extends",
                    hint=f"add metadata.version to {layer.files[0]} or drop the pin",
                )
                return None
            if not pin_matches(pin, layer.version):
                collector.error(
                    "bad-pin",
                    f"extends pins {template_id}@{pin} but the template is at version {layer.version} "
                    f"({layer.files[0]})",
                    mark=mark,
                    path="metadata.extends",
                    hint=f"pin @{layer.version} or a matching prefix",
                )
                return None
        visited.append((template_id, where))
        chain.append(layer)
        ref, current_id, mark = layer.extends, layer.ident, layer.mark
    chain.reverse()
    return chain
