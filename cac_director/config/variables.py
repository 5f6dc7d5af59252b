"""``${...}`` interpolation and the final pass that turns merged layers into plain model data.

Rules (docs/configuration.md, "Merge rules" 6-7): ``${vars.NAME}``, ``${instance.name}``, ``${fleet.name}``;
``$${`` is a literal ``${``; an undefined name is an error at the string's location. A string that
is exactly one placeholder takes the variable's own type, so ``retention: ${vars.hotDays}`` stays
an integer. Variables may use other variables; a loop is an error. Keys starting with ``_`` and
null values never leave this pass.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from cac_director.config._paths import PathT, element_segment, join
from cac_director.config.issues import IssueCollector, Mark
from cac_director.config.loader import mark_of

_WHOLE = re.compile(r"^\$\{\s*([^}]*?)\s*\}$")
_VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


class Interpolator:
    """Substitutes placeholders from one instance's scope: merged vars, instance and fleet names."""

    def __init__(self, vars_: Mapping[str, Any], scope: Mapping[str, Any], collector: IssueCollector) -> None:
        self.raw_vars = vars_
        self.scope = dict(scope)  # "instance.name" -> value, "fleet.name" -> value
        self.collector = collector
        self.vars: dict[str, Any] = {}
        self._resolving: list[str] = []
        for name in vars_:
            self._var(name, mark_of(vars_, name), ("vars", name))

    def _var(self, name: str, mark: Mark | None, path: PathT) -> Any:
        if name in self.vars:
            return self.vars[name]
        if name not in self.raw_vars:
            return _MISSING
        if name in self._resolving:
            self.collector.error(
                "variable-cycle",
                f"variables refer to each other in a loop: {' -> '.join([*self._resolving, name])}",
                mark=mark_of(self.raw_vars, name),
                path=f"vars.{name}",
                hint="give one of these variables a plain value",
            )
            return ""
        self._resolving.append(name)
        value = self.raw_vars[name]
        if isinstance(value, str):
            value = self.string(value, mark_of(self.raw_vars, name), ("vars", name))
        self._resolving.pop()
        self.vars[name] = value
        return value

    def lookup(self, expr: str, mark: Mark | None, path: PathT) -> Any:
        namespace, _, name = expr.partition(".")
        if namespace == "vars" and _VAR_NAME.match(name):
            value = self._var(name, mark, path)
            if value is not _MISSING:
                return value
            known = ", ".join(sorted(self.raw_vars)) or "(none)"
            self.collector.error(
                "undefined-variable",
                f"variable {name!r} is not defined (in ${{{expr}}})",
                mark=mark,
                path=join(path),
                hint=f"define it under spec.vars of the instance or a template; defined: {known}",
            )
            return ""
        if expr in self.scope:
            return self.scope[expr]
        self.collector.error(
            "undefined-variable",
            f"unknown placeholder ${{{expr}}}",
            mark=mark,
            path=join(path),
            hint="use ${vars.NAME}, ${instance.name} or ${fleet.name}; write $${ for a literal ${",
        )
        return ""

    def string(self, text: str, mark: Mark | None, path: PathT) -> Any:
        if "$" not in text:
            return text
        whole = _WHOLE.match(text)
        if whole:
            return self.lookup(whole.group(1), mark, path)
        out: list[str] = []
        position = 0
        while True:
            dollar = text.find("$", position)
            if dollar < 0:
                out.append(text[position:])
                break
            if text.startswith("$${", dollar):
                out.append(text[position:dollar] + "${")
                position = dollar + 3
                continue
            if text.startswith("${", dollar):
                end = text.find("}", dollar)
                if end < 0:
                    self.collector.error(
                        "bad-interpolation",
                        "unterminated ${ in string",
                        mark=mark,
                        path=join(path),
                        hint="close it with }, or write $${ for a literal ${",
                    )
                    out.append(text[position:])
                    break
                value = self.lookup(text[dollar + 2 : end].strip(), mark, path)
                out.append(text[position:dollar] + _as_text(value))
                position = end + 1
                continue
            out.append(text[position : dollar + 1])
            position = dollar + 1
        return "".join(out)

    def finalize(self, value: Any, mark: Mark | None, path: PathT) -> Any:
        """Plain data: placeholders substituted, ``_`` keys and nulls removed."""
        if isinstance(value, dict):
            result: dict[str, Any] = {}
            for key, item in value.items():
                if key[:1] == "_" or item is None:
                    continue
                if isinstance(item, str):
                    result[key] = self.string(item, mark_of(value, key) or mark, (*path, key)) if "$" in item else item
                elif isinstance(item, dict | list):
                    result[key] = self.finalize(item, mark_of(value, key) or mark, (*path, key))
                else:
                    result[key] = item
            return result
        if isinstance(value, list):
            field = path[-1] if path else ""
            out = []
            for index, item in enumerate(value):
                item_mark = mark_of(value, index) or mark
                if isinstance(item, str):
                    out.append(self.string(item, item_mark, path))
                elif isinstance(item, dict | list):
                    out.append(self.finalize(item, item_mark, (*path[:-1], element_segment(field, item, index))))
                else:
                    out.append(item)
            return out
        if isinstance(value, str):
            return self.string(value, mark, path)
        return value


class _Missing:
    pass


_MISSING: Any = _Missing()


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
