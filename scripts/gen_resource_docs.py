"""Write the reference page of every resource type, docs/resources/<section>.md, and their index.

    .venv/bin/python scripts/gen_resource_docs.py          # (re)write the pages
    .venv/bin/python scripts/gen_resource_docs.py --check  # exit 1 if a page is out of date

Everything on a page comes from what the code already declares: ``REGISTRY`` (the conventions of each type:
endpoint, name key, references and how they travel, built-ins, immutable fields, wire renames), the section
models (``SECTION_MODELS``, read through their JSON Schema: types, allowed values, bounds, defaults,
descriptions) and, when a type declares one, its ``docs`` text. The example is the type's own ``example`` (the
object its contract test creates). tests/test_resource_docs.py fails when a checked-in page differs from
what this script writes, so the pages cannot drift from the code. Dev-only: not part of the package.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from cac_director.config.models import SECTION_MODELS
from cac_director.conventions import (
    CHECKED_VALUES,
    LOOKUPS,
    REGISTRY,
    SECTIONS,
    DeviceApps,
    ResourceConventions,
    by_section,
)

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "resources"
# The type token prefix is pinned: every stack's state records it (docs/architecture.md).
TYPE_TOKEN = "pulumi-python:dynamic/cacdirector:{}"  # noqa: S105 - a type token, not a secret

_ROLES = {"data": "data nodes and AIOs", "search": "search heads and AIOs", "all": "data nodes, search heads and AIOs"}
_WIRE = {
    "name": "the target's name",
    "id": "the target's id on the node",
    "id_csv": "one comma-separated string of the targets' ids on the node",
    "name_csv": "one comma-separated string of the targets' names",
    "remote_repo": "every `ip:port/repo` string of `Repos/RemoteRepos/fetch` on the search head whose repo "
    "part is the name (a cluster's data nodes all carry the repo)",
}
_LISTING = {
    "list": "a GET of `{endpoint}` lists them",
    "fetch": "a fetch order (`{fetch_path}`) lists them",
    "col_apps": "the Director has no list for them: they are read from their holders' `col_apps` "
    "(the `{holders}` list)",
    "none": "they cannot be listed",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(value: object) -> str:
    text = value if isinstance(value, str) else yaml.safe_dump(value, default_flow_style=True).strip()
    if text.endswith("\n..."):
        text = text[: -len("\n...")]
    return f"`{text}`" if text != "" else '`""`'


def _strip_null(schema: dict[str, Any]) -> dict[str, Any]:
    options = [option for option in schema.get("anyOf", []) if option.get("type") != "null"]
    if len(options) == 1:
        merged = {key: value for key, value in schema.items() if key != "anyOf"}
        merged.update(options[0])
        return merged
    return schema


def _deref(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return dict(defs[ref.rsplit("/", 1)[-1]])
    return schema


def _limits(schema: dict[str, Any]) -> list[str]:
    parts: list[str] = []
    if "enum" in schema:
        parts.append(", ".join(_code(value) for value in schema["enum"]))
    if "minimum" in schema and "maximum" in schema:
        parts.append(f"{schema['minimum']} to {schema['maximum']}")
    elif "minimum" in schema:
        parts.append(f"≥ {schema['minimum']}")
    elif "maximum" in schema:
        parts.append(f"≤ {schema['maximum']}")
    low, high = schema.get("minLength"), schema.get("maxLength")
    if low is not None and high is not None:
        parts.append(f"{low} to {high} characters")
    elif high is not None:
        parts.append(f"at most {high} characters")
    elif low is not None:
        parts.append("not empty" if low == 1 else f"at least {low} characters")
    if "pattern" in schema:
        parts.append(f"pattern `{schema['pattern']}`")
    if schema.get("minItems"):
        parts.append("at least 1 item" if schema["minItems"] == 1 else f"at least {schema['minItems']} items")
    return parts


def _type_of(schema: dict[str, Any], defs: dict[str, Any]) -> tuple[str, dict[str, Any] | None, list[str]]:
    """(type text, the nested object schema if any, limits) of one property."""
    schema = _deref(_strip_null(schema), defs)
    if schema.get("type") == "array":
        item = _deref(_strip_null(schema.get("items", {})), defs)
        limits = _limits({"minItems": schema.get("minItems", 0)})
        if item.get("type") == "object":
            return "list of objects", item, limits
        each = _limits(item)
        return f"list of {item.get('type', 'values')}", None, (["each " + ", ".join(each)] if each else []) + limits
    if schema.get("type") == "object":
        return "object", schema, []
    return str(schema.get("type", "value")), None, _limits(schema)


def _rows(
    schema: dict[str, Any], defs: dict[str, Any], prefix: str, required: set[str], defaults: dict[str, object]
) -> Iterator[list[str]]:
    for name, prop in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        type_text, nested, limits = _type_of(prop, defs)
        default = defaults.get(name, prop.get("default"))
        yield [
            f"`{path}`",
            type_text,
            "yes" if name in required else "",
            "" if default is None else _code(default),
            _cell("; ".join(limits)),
            _cell(str(prop.get("description", ""))),
        ]
        if nested is not None:
            inner = "[]." if type_text.startswith("list") else "."
            yield from _rows(nested, defs, f"{path}{inner}", set(nested.get("required", [])), {})


def _fields(conv: ResourceConventions) -> list[str]:
    schema = SECTION_MODELS[conv.yaml_section].model_json_schema()
    defs = schema.get("$defs", {})
    required = {conv.name_key, *conv.required_fields}
    lines = [
        "| field | type | required | default | allowed values | description |",
        "|---|---|---|---|---|---|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in _rows(schema, defs, "", required, dict(conv.defaults))]
    lines += [
        "",
        "Required means the resolved object must have it; a template layer may leave it to a later layer. A path",
        "with `[]` is every element of a list. A default is filled in before comparing, so leaving the field out",
        "and writing the default are the same configuration.",
    ]
    return lines


def _target(target: str) -> str:
    if target in LOOKUPS and target in SECTIONS:
        return f"[`{target}`]({target}.md) declared on the same node, else the node's `{LOOKUPS[target].api_path}`"
    if target in LOOKUPS:
        return f"`{target}` (objects of the node the tool never manages: `{LOOKUPS[target].api_path}`)"
    return f"[`{target}`]({target}.md)"


def _references(conv: ResourceConventions) -> list[str]:
    if not conv.references:
        return ["None: this type names no other object."]
    lines = ["| field | refers to | on the wire |", "|---|---|---|"]
    for ref in conv.references:
        wire = _WIRE[ref.wire]
        if ref.wire in ("id", "id_csv"):
            if ref.target in LOOKUPS and ref.target in SECTIONS:
                wire += " (passed from the target's resource when the node declares it, which also orders the work;"
                wire += " else looked up by name on the node)"
            elif ref.target in LOOKUPS:
                wire += " (looked up by name on the node)"
            elif by_section(ref.target).builtins:
                wire += " (passed from the target's resource, which also orders the work; a built-in is looked up"
                wire += " by name on the node)"
            else:
                wire += " (passed from the target's resource, which also orders the work)"
        if ref.many:
            wire += "; a list"
        if ref.none_sentinel:
            wire += '; none is sent as the string `"None"`'
        lines.append(f"| `{ref.path}` | {_target(ref.target)} | {_cell(wire)} |")
    lines += [
        "",
        "In YAML every reference is a name. A reference to a managed type may name an object of that section or",
        "one of its built-ins; `validate` checks both offline, the pre-flight checks the others on every node.",
    ]
    checked = CHECKED_VALUES.get(conv.yaml_section, {})
    if checked:
        fields = ", ".join(f"`{field}` (one of `{lookup}`)" for field, lookup in sorted(checked.items()))
        lines += ["", f"Values the pre-flight checks against the node before anything is written: {fields}."]
    return lines


def _wire(conv: ResourceConventions) -> list[str]:
    saved = (
        f"One object per node, never created or deleted: a Save is a POST to `{conv.api_resource}` carrying "
        "every Save field, the live values for those the configuration does not set."
    )
    items: list[str] = [saved] if conv.singleton else []
    if conv.read_renames:
        renames = ", ".join(f"`{read}` → `{write}`" for read, write in sorted(conv.read_renames.items()))
        items.append(f"Read-side names differ from the write side: {renames}.")
    if conv.wire_keys:
        keys = ", ".join(f"`{model}` is sent as `{wire}`" for model, wire in sorted(conv.wire_keys.items()))
        items.append(f"Write keys: {keys}.")
    for name, (on, off) in sorted(conv.flag_fields.items()):
        sent_off = f"`{json.dumps(off)}`" if off is not None else "omitted"
        items.append(f"`{name}` is a boolean in YAML, sent as `{json.dumps(on)}` when true and {sent_off} when false.")
    if conv.read_flatten:
        flat = ", ".join(f"`{key}`" for key in conv.read_flatten)
        items.append(f"Reads nest some fields in {flat}; they are top-level fields in YAML.")
    if conv.activation_field:
        items.append(f"`{conv.activation_field}` is applied through `{{id}}/activate` / `{{id}}/deactivate`.")
    if conv.ordered_lists:
        ordered = ", ".join(f"`{key}`" for key in conv.ordered_lists)
        items.append(f"Compared in order: {ordered}; other lists compare as sets.")
    if conv.int_fields:
        ints = ", ".join(f"`{key}`" for key in conv.int_fields)
        items.append(f'Compared as integers (`30`, `30.0` and `"30"` are equal): {ints}.')
    if conv.path_fields:
        paths = ", ".join(f"`{key}`" for key in conv.path_fields)
        items.append(f"Directories, read back with a trailing slash: {paths}.")
    field_notes = (
        (conv.create_only_fields, "Sent on create only: {}."),
        (conv.kept_on_edit, "Copied from the live object into each edit that leaves them out (PUTs are complete): {}."),
        (conv.owned_when_set, "Owned only while the configuration sets them (else the live value is no drift): {}."),
        (conv.write_only_fields, "A read may not return {}: the recorded value is kept rather than reported removed."),
        (
            conv.follow_up_fields,
            "Sent after the object by its own actions, never read back (diffed with what was last sent): {}.",
        ),
    )
    for keys, sentence in field_notes:
        if keys:
            items.append(sentence.format(", ".join(f"`{key}`" for key in keys)))
    if conv.computed_fields:
        computed = ", ".join(f"`{key}`" for key in sorted(conv.computed_fields))
        items.append(f"Set by the Director only (ignored by diffs, dropped by export): {computed}.")
    return [f"- {item}" for item in items] or ["- Nothing beyond the fields above: the wire uses the YAML names."]


def _example(conv: ResourceConventions) -> list[str]:
    if conv.example is None:
        return ["The type declares no example."]
    body = yaml.safe_dump({"spec": {conv.yaml_section: [conv.example.model]}}, sort_keys=False, allow_unicode=True)
    needs = sorted({section for section, _ in conv.example.prerequisites} - {conv.yaml_section})
    listed = ", ".join(f"`{section}`" for section in needs)
    named = f"; it names {listed} objects declared beside it" if needs else ""
    # A singleton is saved, never created: tests/contract/test_system_settings.py has its own round trip.
    used = "" if conv.singleton else ": the object the contract test creates and updates on the emulator"
    where = (conv.model.__module__ if conv.model else "cac_director.conventions").replace(".", "/") + ".py"
    return [
        f"The example its type file declares (`{where}`, `example`{used}), as written in YAML{named}:",
        "",
        "```yaml",
        body.rstrip(),
        "```",
    ]


def _adoption(conv: ResourceConventions) -> list[str]:
    endpoint = f"{conv.api_resource}"
    holders = conv.listing_hook.devices_path if isinstance(conv.listing_hook, DeviceApps) else ""
    found = _LISTING[conv.listing].format(endpoint=endpoint, fetch_path=conv.fetch_path, holders=holders)
    if conv.singleton:
        return [
            f"- The node's one object is the single element of a GET of `{endpoint}`; it is always taken over, without "
            "`cac-director:adoptExisting`, and saved only if a managed field differs.",
            "- Destroying it, or removing it from the configuration, leaves the node's settings as they are.",
            f"- `cac-director export` writes it as `{conv.yaml_section}` with every field the node reports; "
            "keep only those you want to manage.",
        ]
    return [
        f"- Existing objects on a node: {found}.",
        f"- A create that finds an object with the same `{conv.name_key}` stops and names "
        "`cac-director:adoptExisting`; with it on, the object is taken over (updated only if it differs).",
        f"- `cac-director export` writes them as `{conv.yaml_section}` in the model shape above (Director-only "
        "fields dropped, references as names); `--import-file` writes `pulumi import` entries "
        f"of type `{TYPE_TOKEN.format(conv.type_name)}` (docs/onboarding.md).",
    ]


def render_page(conv: ResourceConventions) -> str:
    docs = str(getattr(conv, "docs", "") or "").strip()
    replace = ", ".join(f"`{key}`" for key in conv.immutable_fields)
    builtins = ", ".join(f"`{name}`" for name in sorted(conv.builtins))
    lines = [
        f"# {conv.type_name} (`{conv.yaml_section}`)",
        "",
        "<!-- Generated by scripts/gen_resource_docs.py from the code; do not edit by hand. -->",
        "",
        *([docs, ""] if docs else []),
        "| | |",
        "|---|---|",
        f"| YAML section | `spec.{conv.yaml_section}` |",
        f"| Deployed to | {_ROLES[conv.node_role]} of the targeted nodes |",
        f"| Name key | `{conv.name_key}`: unique per node, the merge key in templates, and the resource's "
        f"logical name `<node>/<{conv.name_key}>` |",
        f"| Director endpoint | `/configapi/{{pool}}/{{node}}/{conv.api_resource}` |",
        f"| Pulumi type token | `{TYPE_TOKEN.format(conv.type_name)}` |",
        "",
        "## Fields",
        "",
        *_fields(conv),
        "",
        "## References",
        "",
        *_references(conv),
        "",
        "## Built-ins",
        "",
        (
            f"Every node ships with {builtins}: references may name them without declaring them, and the tool "
            "never creates, changes or deletes them."
            if builtins
            else "None."
        ),
        "",
        "## Changes that replace",
        "",
        (
            f"The Director cannot edit {replace}: a change deletes the object and creates it again (delete "
            "first, because names are unique), and so does moving it to another node."
            if replace
            else "None, except moving the object to another node."
        ),
        "",
        "## On the wire",
        "",
        *_wire(conv),
        "",
        "## Example",
        "",
        *_example(conv),
        "",
        "## Adoption and export",
        "",
        *_adoption(conv),
    ]
    return "\n".join(lines) + "\n"


def render_index() -> str:
    lines = [
        "# Resource types",
        "",
        "<!-- Generated by scripts/gen_resource_docs.py from the code; do not edit by hand. -->",
        "",
        "One page per Director resource type cac-director manages, in the order the program registers them (a type",
        "only references types above it). Each page lists the YAML fields, references and how they travel, the",
        "built-ins, what replaces, an example and how existing objects are adopted and exported.",
        "",
        "| type | YAML section | deployed to | Director endpoint |",
        "|---|---|---|---|",
    ]
    for conv in REGISTRY:
        lines.append(
            f"| [{conv.type_name}]({conv.yaml_section}.md) | `{conv.yaml_section}` | {_ROLES[conv.node_role]} "
            f"| `{conv.api_resource}` |"
        )
    lines += [
        "",
        "Regenerate after changing a type: `.venv/bin/python scripts/gen_resource_docs.py` "
        "(tests/test_resource_docs.py fails while a page is out of date).",
    ]
    return "\n".join(lines) + "\n"


def render_all() -> dict[str, str]:
    """File name below docs/resources/ -> its content."""
    pages = {f"{conv.yaml_section}.md": render_page(conv) for conv in REGISTRY}
    pages["README.md"] = render_index()
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if a page differs from what would be written")
    args = parser.parse_args(argv)
    pages = render_all()
    stale = sorted(
        name
        for name, text in pages.items()
        if not (OUT / name).is_file() or (OUT / name).read_text(encoding="utf-8") != text
    )
    extra = sorted(path.name for path in OUT.glob("*.md") if path.name not in pages) if OUT.is_dir() else []
    if args.check:
        for name in stale + extra:
            print(f"docs/resources/{name} is out of date: run scripts/gen_resource_docs.py", file=sys.stderr)
        return 1 if stale or extra else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name in stale:
        (OUT / name).write_text(pages[name], encoding="utf-8")
    for name in extra:
        (OUT / name).unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
