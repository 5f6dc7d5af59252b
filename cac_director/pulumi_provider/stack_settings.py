"""Every ``cac-director:*`` stack setting, checked in one place before any Director call.

The program (``program.run``) checks the stack config before it registers anything, so ``pulumi preview``
stops at once with one line per bad value; each provider process checks what ``configure`` receives
with the same rules (``ProviderSettings.from_config``). A problem names the key, the value (never for
secrets), what is allowed, and the ``pulumi config set`` that fixes it. Rules: docs/stacks.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cac_director.constants import CONFIG_NAMESPACE
from cac_director.conventions._values import check_director_url

NAMESPACE = CONFIG_NAMESPACE
Getter = Callable[[str], str | None]

MAX_SECONDS = 86_400.0
MAX_THREADS = 256
MAX_PROCESSES = 64
MAX_OBJECTS = 1_000_000
_TRUE, _FALSE = frozenset({"true"}), frozenset({"false"})


@dataclass(frozen=True)
class SettingProblem:
    key: str
    message: str
    fix: str

    def render(self) -> str:
        return f"stack setting {NAMESPACE}:{self.key} {self.message}; fix: {self.fix}"


def _set(key: str, example: str, *, secret: bool = False) -> str:
    flag = "--secret " if secret else ""
    return f"`pulumi config set {flag}{NAMESPACE}:{key} {example}` (or `pulumi config rm {NAMESPACE}:{key}`)"


class _Reader:
    """Typed access to the raw strings; every bad value becomes a problem instead of an exception."""

    def __init__(self, get: Getter) -> None:
        self._get = get
        self.problems: list[SettingProblem] = []

    def raw(self, key: str) -> str | None:
        value = self._get(key)
        return None if value is None else str(value)

    def bad(self, key: str, message: str, example: str, *, secret: bool = False) -> None:
        self.problems.append(SettingProblem(key, message, _set(key, example, secret=secret)))

    def boolean(self, key: str, default: bool) -> bool:
        value = self.raw(key)
        if value is None or value == "":
            return default
        text = value.strip().lower()
        if text in _TRUE | _FALSE:
            return text in _TRUE
        self.bad(key, f"is {value!r}: allowed are true or false", "true")
        return default

    def number(
        self, key: str, default: float, *, low: float, high: float, example: str, zero_ok: bool = False
    ) -> float:
        value = self.raw(key)
        if value is None or value == "":
            return default
        try:
            number = float(value.strip())
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or not (low < number <= high or (zero_ok and number == 0)):
            least = f"at least {low:g}" if zero_ok else f"greater than {low:g}"
            self.bad(key, f"is {value!r}: allowed are seconds {least} and at most {high:g}", example)
            return default
        return number

    def integer(self, key: str, default: int, *, low: int, high: int, example: str) -> int:
        value = self.raw(key)
        if value is None or value == "":
            return default
        text = value.strip()
        if not (text.isdigit() or (text[:1] == "-" and text[1:].isdigit())) or not low <= int(text) <= high:
            self.bad(key, f"is {value!r}: allowed are whole numbers from {low} to {high}", example)
            return default
        return int(text)

    def secret(self, key: str) -> str | None:
        value = self.raw(key)
        if value is None:
            return None
        # The value is never echoed: only what is wrong with it.
        if not value.strip():
            self.bad(key, "is empty", "<value>", secret=True)
        elif any(not char.isprintable() or char.isspace() for char in value):
            self.bad(key, "contains spaces or control characters (a copy-paste slip?)", "<value>", secret=True)
        return value or None

    def url(self, key: str) -> str | None:
        value = self.raw(key)
        if not value:
            return None
        try:
            return check_director_url(value)
        except ValueError as exc:
            self.bad(
                key,
                f"is invalid: {exc}; allowed is an https:// (or http://) URL with a host and an optional port",
                "https://director.example.net",
            )
            return None

    def path(self, key: str, *, base: Path, directory: bool) -> str | None:
        value = self.raw(key)
        if not value:
            return None
        path = Path(value) if Path(value).is_absolute() else base / value
        if directory and not path.is_dir():
            self.bad(key, f"is {value!r}: no such directory (absolute or relative to {base})", "templates")
            return None
        if not directory and not path.is_file():
            self.bad(key, f"is {value!r}: no such file (a PEM CA bundle, absolute or relative to {base})", "ca.pem")
            return None
        return str(path)


@dataclass(frozen=True)
class StackSettings:
    """Checked values of the stack settings; secrets stay raw strings here and become ``Secret`` in
    ``ProviderSettings`` (nothing but the providers' configuration ever holds them)."""

    token: str | None = None
    refresh_secret: str | None = None
    director_url: str | None = None
    ca_bundle: str | None = None
    templates: str | None = None
    """The templates root (``templates``), when not found next to the instance."""
    insecure_skip_verify: bool = False
    order_timeout: float = 300.0
    request_timeout: float = 60.0
    outage_tolerance: float = 60.0
    provider_threads: int = 32
    provider_processes: int = 4
    adopt_existing: bool = False
    protect: bool = False
    fast_apply_threshold: int = 300
    """``cac-director up`` skips checkpoints from this many declared objects on; 0: only with ``--fast``."""

    def __repr__(self) -> str:
        return f"StackSettings(director_url={self.director_url!r}, token=<hidden>, refresh_secret=<hidden>)"


def read_stack_settings(get: Getter, *, base: Path | None = None) -> tuple[StackSettings, list[SettingProblem]]:
    """Every setting checked; the values (defaults where bad) and one problem per bad value.

    ``get(key)`` returns the raw string of ``cac-director:<key>`` or None; ``base`` is where relative
    paths are relative to (the project directory: the program's working directory).
    """
    reader = _Reader(get)
    settings = StackSettings(
        token=reader.secret("token"),
        refresh_secret=reader.secret("refreshSecret"),
        director_url=reader.url("directorUrl"),
        ca_bundle=reader.path("caBundle", base=base or Path.cwd(), directory=False),
        templates=reader.path("templates", base=base or Path.cwd(), directory=True),
        insecure_skip_verify=reader.boolean("insecureSkipVerify", False),
        order_timeout=reader.number("orderTimeout", 300.0, low=0, high=MAX_SECONDS, example="300"),
        request_timeout=reader.number("requestTimeout", 60.0, low=0, high=MAX_SECONDS, example="60"),
        outage_tolerance=reader.number("outageTolerance", 60.0, low=0, high=MAX_SECONDS, example="60", zero_ok=True),
        provider_threads=reader.integer("providerThreads", 32, low=1, high=MAX_THREADS, example="32"),
        provider_processes=reader.integer("providerProcesses", 4, low=0, high=MAX_PROCESSES, example="4"),
        adopt_existing=reader.boolean("adoptExisting", False),
        protect=reader.boolean("protect", False),
        fast_apply_threshold=reader.integer("fastApplyThreshold", 300, low=0, high=MAX_OBJECTS, example="300"),
    )
    return settings, reader.problems


INSECURE_WARNING = (
    f"{NAMESPACE}:insecureSkipVerify is true: TLS certificates of the Director are NOT verified, so anyone on "
    f"the network path can read the token and change the configuration; set {NAMESPACE}:caBundle instead "
    f"(`pulumi config set {NAMESPACE}:caBundle ca.pem` and `pulumi config rm {NAMESPACE}:insecureSkipVerify`)"
)
