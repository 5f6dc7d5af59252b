"""Level 1 (syntax and schema) for file envelopes: pydantic errors turned into located issues."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from cac_director.config._paths import PathT, element_segment, join
from cac_director.config.issues import IssueCollector, Mark
from cac_director.config.loader import mark_of

_CODES = {
    "missing": ("missing-field", "add the field"),
    "extra_forbidden": ("unknown-field", "check the spelling against `cac-director schema`"),
    "literal_error": ("bad-enum", "use one of the values listed"),
    "enum": ("bad-enum", "use one of the values listed"),
    "value_error": ("bad-value", "docs/configuration.md (Values) lists what each field accepts"),
    "string_pattern_mismatch": ("bad-format", "docs/configuration.md (Values) lists what each field accepts"),
    "string_too_short": ("bad-format", "the value may not be empty"),
    "string_too_long": ("bad-format", "shorten the value"),
    "too_short": ("too-few", "add at least one element"),
    "too_long": ("too-many", "remove elements"),
    "greater_than_equal": ("out-of-bounds", "use a value within the bounds"),
    "greater_than": ("out-of-bounds", "use a value within the bounds"),
    "less_than_equal": ("out-of-bounds", "use a value within the bounds"),
    "less_than": ("out-of-bounds", "use a value within the bounds"),
}
_WRONG_TYPE_HINT = "write the value as the type named (quote numbers meant as text; `cac-director schema` has them all)"


def locate(root: Any, loc: tuple[int | str, ...], base: PathT) -> tuple[str, Mark | None]:
    """Human path and best mark of the value at pydantic ``loc`` below ``root``."""
    node = root
    parts = list(base)
    mark = mark_of(root)
    for step in loc:
        if isinstance(node, dict) and isinstance(step, str) and step in node:
            mark = mark_of(node, step) or mark
            parts.append(step)
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            mark = mark_of(node, step) or mark
            field = parts.pop() if parts else ""
            parts.append(element_segment(field, node[step], step))
            node = node[step]
        else:
            # A missing key, or a pydantic union/tag step: the path still names it, the mark stays on the parent.
            if isinstance(step, str) and not step[:1].isupper() and "[" not in step and "-" not in step:
                parts.append(step)
            node = None
    return join(tuple(parts)), mark


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def report_validation_error(
    exc: ValidationError, root: Any, collector: IssueCollector, base: PathT = (), fallback: Mark | None = None
) -> None:
    """Every pydantic error of ``exc`` as an issue at its path in ``root``."""
    for error in exc.errors(include_url=False):
        loc = tuple(
            step
            for step in error["loc"]
            if not (
                isinstance(step, str)
                and (
                    "[" in step
                    or step in {"str", "int", "list", "dict", "bool", "float", "function-after", "constrained-str"}
                )
            )
        )
        path, mark = locate(root, loc, base)
        kind = error["type"]
        code, hint = _CODES.get(kind, ("wrong-type", _WRONG_TYPE_HINT))
        if kind.endswith("_type") or kind in {"model_type", "dict_type", "list_type", "bool_type", "int_type"}:
            code, hint = "wrong-type", _WRONG_TYPE_HINT
        message = error["msg"]
        if kind == "extra_forbidden":
            message = f"unknown field {path.rsplit('.', 1)[-1]!r}"
        elif kind == "value_error":
            message = message.removeprefix("Value error, ")  # our validators name the value themselves
        elif kind != "missing":
            message = f"{message} (got {_describe(error.get('input'))})"
        collector.error(code, message, mark=mark or fallback, path=path, hint=hint)


def check_model(
    model: type[BaseModel],
    data: Any,
    collector: IssueCollector,
    *,
    base: PathT = (),
    fallback: Mark | None = None,
    root: Any = None,
) -> BaseModel | None:
    """``model`` validated from ``data``, or None after reporting every error.

    ``root`` is the located (``PosDict``) form of ``data`` when ``data`` is plain output.
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        report_validation_error(exc, data if root is None else root, collector, base, fallback)
        return None
