"""Shape checks on write payloads: a failure is a synchronous 400 (``Invalid``), never a failed order."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class Invalid(Exception):
    """The payload is malformed; answered 400 {"status":"Failed","message": str(exc)}."""


def need_str(data: dict[str, Any], key: str, *, allow_empty: bool = False) -> str:
    if key not in data:
        raise Invalid(f"'{key}' is mandatory")
    return _str(data, key, allow_empty=allow_empty)


def opt_str(data: dict[str, Any], key: str, *, allow_empty: bool = True) -> str | None:
    if key not in data:
        return None
    return _str(data, key, allow_empty=allow_empty)


def _str(data: dict[str, Any], key: str, *, allow_empty: bool) -> str:
    value = data[key]
    if not isinstance(value, str):
        raise Invalid(f"'{key}' must be a string, got {type(value).__name__}")
    if not allow_empty and not value.strip():
        raise Invalid(f"'{key}' must not be empty")
    return value


def need_enum(data: dict[str, Any], key: str, allowed: Iterable[str], *, required: bool = True) -> str | None:
    if key not in data and not required:
        return None
    value = need_str(data, key, allow_empty=True)
    choices = tuple(allowed)
    if value not in choices:
        raise Invalid(f"'{key}' must be one of {', '.join(choices)}; got {value!r}")
    return value


def need_int(data: dict[str, Any], key: str, *, minimum: int | None = None, maximum: int | None = None,
             required: bool = True) -> int | None:  # fmt: skip
    if key not in data:
        if required:
            raise Invalid(f"'{key}' is mandatory")
        return None
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"'{key}' must be an integer, got {type(value).__name__}")
    if minimum is not None and value < minimum:
        raise Invalid(f"'{key}' must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise Invalid(f"'{key}' must be at most {maximum}")
    return value


def need_list(data: dict[str, Any], key: str, *, required: bool = True, non_empty: bool = False) -> list[Any] | None:
    if key not in data:
        if required:
            raise Invalid(f"'{key}' is mandatory")
        return None
    value = data[key]
    if not isinstance(value, list):
        raise Invalid(f"'{key}' must be a list, got {type(value).__name__}")
    if non_empty and not value:
        raise Invalid(f"'{key}' must not be empty")
    return value


def str_list(data: dict[str, Any], key: str, *, required: bool = False, non_empty: bool = False) -> list[str] | None:
    items = need_list(data, key, required=required, non_empty=non_empty)
    if items is None:
        return None
    for index, item in enumerate(items):
        if not isinstance(item, str):
            raise Invalid(f"'{key}[{index}]' must be a string, got {type(item).__name__}")
    return items


def need_bool(data: dict[str, Any], key: str, *, required: bool = False) -> bool | None:
    if key not in data:
        if required:
            raise Invalid(f"'{key}' is mandatory")
        return None
    if not isinstance(data[key], bool):
        raise Invalid(f"'{key}' must be a boolean")
    return bool(data[key])


def csv_string(data: dict[str, Any], key: str) -> list[str] | None:
    """A comma-separated string field; a JSON array here is refused (docs/director-api.md §10 item 5)."""
    if key not in data:
        return None
    value = data[key]
    if isinstance(value, list):
        raise Invalid(f"'{key}' must be a comma-separated string, not a list")
    if not isinstance(value, str):
        raise Invalid(f"'{key}' must be a comma-separated string")
    return [part.strip() for part in value.split(",") if part.strip()]


def mapping_items(
    data: dict[str, Any], key: str, *, required: bool = True, non_empty: bool = False
) -> list[dict[str, Any]]:
    items = need_list(data, key, required=required, non_empty=non_empty) or []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise Invalid(f"'{key}[{index}]' must be an object")
    return items


def sub(where: str, exc: Invalid) -> Invalid:
    return Invalid(f"{where}: {exc}")
