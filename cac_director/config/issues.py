"""``Issue``: one problem found in the configuration, with where it is and what to do about it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Mark:
    """A position in a YAML file (line is 1-based), carried with every loaded value."""

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else self.file


@dataclass(frozen=True)
class Issue:
    """One finding of validation; errors block, warnings do not.

    ``code`` is a short stable slug that tests and CI scripts may match on; ``path`` names the value
    by resource names and ``_id``s (never list indexes when a name exists), e.g.
    ``routingPolicies[rp-windows].routing_criteria[crit-audit].repo``.
    """

    severity: Severity
    code: str
    message: str
    file: str = ""
    line: int | None = None
    path: str = ""
    hint: str = ""

    @property
    def location(self) -> str:
        if not self.file:
            return ""
        return f"{self.file}:{self.line}" if self.line is not None else self.file

    def render(self) -> str:
        """One-line (plus hint) human form: ``file:line: error[code] path: message``."""
        head = f"{self.location}: " if self.location else ""
        where = f"{self.path}: " if self.path else ""
        text = f"{head}{self.severity}[{self.code}] {where}{self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def to_json(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "path": self.path,
            "hint": self.hint,
        }


def visible(text: str) -> str:
    """``text`` with control and invisible characters escaped (``\\x07``, ``\\u200b``).

    Paths are built from names as written; a name with a newline or a zero-width space must still give
    one readable line, and a look-alike must look different.
    """
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else char.encode("unicode_escape").decode("ascii") for char in text)


@dataclass
class IssueCollector:
    """Accumulates issues so that every stage reports all it finds instead of stopping at the first."""

    issues: list[Issue] = field(default_factory=list)

    def add(
        self,
        severity: Severity,
        code: str,
        message: str,
        *,
        mark: Mark | None = None,
        path: str = "",
        hint: str = "",
    ) -> None:
        self.issues.append(
            Issue(
                severity=severity,
                code=code,
                message=message,
                file=mark.file if mark else "",
                line=mark.line if mark else None,
                path=visible(path),
                hint=hint,
            )
        )

    def error(self, code: str, message: str, *, mark: Mark | None = None, path: str = "", hint: str = "") -> None:
        self.add("error", code, message, mark=mark, path=path, hint=hint)

    def warning(self, code: str, message: str, *, mark: Mark | None = None, path: str = "", hint: str = "") -> None:
        self.add("warning", code, message, mark=mark, path=path, hint=hint)

    @property
    def errors(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.severity == "warning"]
