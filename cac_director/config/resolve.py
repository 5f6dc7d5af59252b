"""Folding layers root-first into one merged configuration, with resolved templates cached by id."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cac_director.config.chain import DEFAULT_MAX_DEPTH, Layer, TemplateStore, resolve_chain
from cac_director.config.issues import IssueCollector, Mark
from cac_director.config.loader import PosDict, PosList, mark_of
from cac_director.config.merge import MergeContext, merge_keyed_list
from cac_director.conventions import SECTIONS, by_section


@dataclass(frozen=True)
class Folded:
    """The merged result of a chain of layers: vars, sections (resources still located), deletions."""

    vars: PosDict
    sections: dict[str, PosList]
    deleted: dict[tuple[str, str], Mark | None] = field(default_factory=dict)
    chain: tuple[str, ...] = ()


EMPTY = Folded(vars=PosDict(), sections={section: PosList() for section in SECTIONS})


def _name_key_fn(name_key: str):  # type: ignore[no-untyped-def]
    def key_of(resource: PosDict) -> object:
        return resource.get(name_key)

    return key_of


_KEY_FNS = {section: _name_key_fn(by_section(section).name_key) for section in SECTIONS}


def fold(parent: Folded, layer: Layer, collector: IssueCollector) -> Folded:
    """``layer`` applied over ``parent`` (docs/configuration.md, "Merge rules")."""
    ctx = MergeContext(collector=collector, deleted=dict(parent.deleted))
    sections: dict[str, PosList] = {}
    for section in SECTIONS:
        inherited = parent.sections.get(section, PosList())
        written = layer.sections.get(section)
        if not written:
            sections[section] = inherited
            continue
        name_key = by_section(section).name_key
        usable = PosList(mark=written.mark)
        for index, resource in enumerate(written):
            name = resource.get(name_key)
            if isinstance(name, str) and name:
                usable.append(resource)
                usable.item_marks.append(mark_of(written, index))
                # A name re-declared after a delete in a parent layer is a new object again.
                ctx.deleted.pop((section, name), None)
            else:
                collector.error(
                    "missing-name",
                    f"a resource in {section} has no {name_key!r}"
                    if name is None
                    else f"{name_key} must be a non-empty string, got {name!r}",
                    mark=mark_of(resource, name_key) if name is not None else mark_of(resource),
                    path=f"{section}[{index}].{name_key}",
                    hint=by_section(section).name_hint or f"{name_key} names the resource and is how layers match it",
                )
        sections[section] = merge_keyed_list(
            inherited, usable, ctx, (section,), key_fn=_KEY_FNS[section], kind="resource", section=section
        )
    vars_ = PosDict(parent.vars, mark=layer.vars.mark or parent.vars.mark, key_marks=dict(parent.vars.key_marks))
    for key, value in layer.vars.items():
        if value is None:
            vars_.pop(key, None)
            continue
        vars_[key] = value
        vars_.key_marks[key] = layer.vars.mark_of(key) or Mark(layer.files[0])
    return Folded(vars=vars_, sections=sections, deleted=ctx.deleted, chain=(*parent.chain, layer.ident))


class Resolver:
    """Resolves templates below one root; a template shared by many instances is folded once."""

    def __init__(self, templates_root: Path | None, collector: IssueCollector, max_depth: int = DEFAULT_MAX_DEPTH):
        self.templates_root = templates_root
        self.collector = collector
        self.max_depth = max_depth
        self.store = TemplateStore(templates_root, collector) if templates_root is not None else None
        self._folded: dict[str, Folded | None] = {}

    def parent_of(self, extends: str | None, from_id: str | None, mark: Mark | None) -> Folded | None:
        """The folded configuration a layer with this ``extends`` starts from (EMPTY without one)."""
        if extends is None:
            return EMPTY
        if self.store is None:
            self.collector.error(
                "missing-templates-root",
                f"extends {extends!r} but no templates directory was found",
                mark=mark,
                path="metadata.extends",
                hint="create fleets/templates/ above the instance, or pass --templates DIR",
            )
            return None
        chain = resolve_chain(
            self.store, extends, from_id, from_mark=mark, collector=self.collector, max_depth=self.max_depth
        )
        if chain is None:
            return None
        folded = EMPTY
        for layer in chain:
            cached = self._folded.get(layer.ident)
            if cached is None:
                cached = fold(folded, layer, self.collector)
                self._folded[layer.ident] = cached
            folded = cached
        return folded

    def template(self, template_id: str) -> Folded | None:
        """A template resolved on its own (used when validating a whole directory)."""
        if self.store is None:
            return None
        return self.parent_of(template_id, None, Mark(str(self.store.root / template_id)))
