"""Conversions between the three shapes of an object (docs/architecture.md "Three shapes of one object").

``to_wire``: model -> wire write body; ``from_wire``: wire read object -> model; ``normalize``: the
canonical model shape diffs compare. Everything type-specific comes from the conventions table.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cac_director.constants import NONE
from cac_director.conventions import Reference, ResourceConventions
from cac_director.conventions.paths import DROP
from cac_director.conventions.paths import apply as apply_path
from cac_director.director.ownership import MARKER_FIELD, carries_marker
from cac_director.director.ownership import strip as strip_marker
from cac_director.director.resolver import remote_repo_name

if TYPE_CHECKING:
    from cac_director.director.resolver import NodeResolver


def _strip_internal(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_internal(v) for k, v in value.items() if not str(k).startswith("_")}
    if isinstance(value, list):
        return [_strip_internal(v) for v in value]
    return value


def _csv_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list):
        return [str(v) for v in value if v not in (None, "")]
    return [str(value)]


def _is_absent_ref(value: Any) -> bool:
    return value is None or value in ("", NONE)


def _flag_true(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("on", "true", "yes", "1")
    return bool(value)


def _as_int(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return value
        return int(number) if number.is_integer() else number
    return value


def _with_slash(value: Any) -> Any:
    return value if not isinstance(value, str) or value.endswith("/") else value + "/"


# -- model -> wire ------------------------------------------------------------------------------------


def to_wire(conv: ResourceConventions, model_props: dict[str, Any], resolver: NodeResolver) -> dict[str, Any]:
    """The wire write body for ``model_props`` on the node of ``resolver`` (names turned into ids)."""
    body: dict[str, Any] = _strip_internal(copy.deepcopy(dict(model_props)))
    if conv.writable_fields:
        body = {k: v for k, v in body.items() if k in conv.writable_fields and k not in conv.follow_up_fields}
    for ref in conv.references:
        apply_path(body, ref.path, _ref_to_wire(ref, resolver), whole_list=_is_whole(ref))
    for name, (on, off) in conv.flag_fields.items():
        if name in body:
            if _flag_true(body[name]):
                body[name] = on
            elif off is None:
                del body[name]
            else:
                body[name] = off
    for path in conv.int_fields:
        apply_path(body, path, lambda v: DROP if v is None else _as_int(v))
    for model_key, wire_key in conv.wire_keys.items():
        if model_key in body:
            body[wire_key] = body.pop(model_key)
    return conv.write_hook(body) if conv.write_hook else body


def _is_whole(ref: Reference) -> bool:
    return ref.wire in ("id_csv", "name_csv", "remote_repo")


def _ref_to_wire(ref: Reference, resolver: NodeResolver) -> Callable[[Any], Any]:
    def one(name: Any) -> Any:
        if _is_absent_ref(name):
            return NONE if ref.none_sentinel else DROP
        if ref.wire == "id":
            return resolver.id_of(ref.target, str(name))
        return resolver.require(ref.target, str(name))

    def convert(value: Any) -> Any:
        if ref.wire == "id_csv":
            return ",".join(resolver.id_of(ref.target, n) for n in _csv_list(value))
        if ref.wire == "name_csv":
            return ",".join(resolver.require(ref.target, n) for n in _csv_list(value))
        if ref.wire == "remote_repo":
            strings: list[str] = []
            for repo in _csv_list(value):
                strings.extend(s for s in resolver.remote_repos_for(repo) if s not in strings)
            return strings
        return one(value)

    return convert


# -- wire -> model ------------------------------------------------------------------------------------


def from_wire(conv: ResourceConventions, read_obj: dict[str, Any], resolver: NodeResolver) -> dict[str, Any]:
    """The model shape of a wire read object: write-side keys, names for references, computed fields dropped."""
    obj: dict[str, Any] = copy.deepcopy(dict(read_obj))
    if conv.read_hook:
        obj = conv.read_hook(obj)
    for nested in conv.read_flatten:
        inner = obj.pop(nested, None)
        if isinstance(inner, dict):
            for key, value in inner.items():
                obj.setdefault(key, value)
    for read_key, write_key in conv.read_renames.items():
        if read_key in obj:
            obj[write_key] = obj.pop(read_key)
    obj = _strip_internal(obj)
    if carries_marker(conv) and isinstance(obj.get(MARKER_FIELD), str):
        # Who manages the object is not part of its configuration: never drift, never exported.
        obj[MARKER_FIELD] = strip_marker(obj[MARKER_FIELD])
    keep = set(conv.writable_fields)
    obj = {k: v for k, v in obj.items() if (k in keep if keep else k not in conv.computed_fields)}
    for ref in conv.references:
        apply_path(obj, ref.path, _ref_from_wire(ref, resolver), whole_list=_is_whole(ref))
    for name in conv.flag_fields:
        if name in obj:
            obj[name] = _flag_true(obj[name])
    for path in conv.int_fields:
        apply_path(obj, path, lambda v: DROP if v is None else _as_int(v))
    return obj


def _ref_from_wire(ref: Reference, resolver: NodeResolver) -> Callable[[Any], Any]:
    def one(value: Any) -> Any:
        if _is_absent_ref(value):
            return DROP
        if ref.wire == "id":
            # An id no object carries is kept as it is, so an export still shows what the node holds.
            return resolver.name_of(ref.target, str(value)) or str(value)
        return value

    def convert(value: Any) -> Any:
        if ref.wire == "id_csv":
            return [resolver.name_of(ref.target, i) or i for i in _csv_list(value)]
        if ref.wire == "name_csv":
            return _csv_list(value)
        if ref.wire == "remote_repo":
            names: list[str] = []
            for remote in _csv_list(value):
                name = remote_repo_name(remote)
                if name not in names:
                    names.append(name)
            return names
        return one(value)

    return convert


# -- canonical form -----------------------------------------------------------------------------------


def _drop_empty(value: Any) -> Any:
    if isinstance(value, dict):
        cleaned = {k: _drop_empty(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v is not None and v not in ("", [], {})}
    if isinstance(value, list):
        return [_drop_empty(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _sort_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def normalize(conv: ResourceConventions, model_props: dict[str, Any]) -> dict[str, Any]:  # noqa: PLR0912
    """The canonical model shape: equal for desired and live exactly when the Director holds what is desired."""
    obj: dict[str, Any] = _strip_internal(copy.deepcopy(dict(model_props)))
    if conv.writable_fields:
        obj = {k: v for k, v in obj.items() if k in conv.writable_fields}
    for key, default in conv.defaults.items():
        if obj.get(key) is None:
            obj[key] = default
    for name in conv.flag_fields:
        if name in obj:
            obj[name] = _flag_true(obj[name])
    for ref in conv.references:
        if ref.none_sentinel:
            apply_path(obj, ref.path, lambda v: DROP if _is_absent_ref(v) else v)
        if _is_whole(ref):
            apply_path(obj, ref.path, lambda v: DROP if v is None else _csv_list(v), whole_list=True)
    for path in conv.int_fields:
        apply_path(obj, path, lambda v: DROP if v is None else _as_int(v))
    for path in conv.path_fields:
        apply_path(obj, path, lambda v: DROP if v is None else _with_slash(v))
    for key, value in list(obj.items()):
        if isinstance(value, list) and key not in conv.ordered_lists:
            unique: dict[str, Any] = {}
            for item in value:
                unique.setdefault(_sort_key(item), item)
            obj[key] = [unique[k] for k in sorted(unique)]
    result: dict[str, Any] = _drop_empty(obj)
    return result
