"""Value types the Director would refuse or that make no sense, refused offline (docs/configuration.md "Values").

Each type is a ``str``/``int`` annotated with pydantic constraints or an ``AfterValidator`` whose
``ValueError`` text becomes the issue's message, so every rule lives next to its reason and flows into
the JSON Schema where JSON Schema can express it.
"""

from __future__ import annotations

import ipaddress
import posixpath
import re
import unicodedata
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, StringConstraints

# Unicode categories that never belong in a name: controls (BEL, ESC...), format characters (zero-width
# space/joiners, bidi overrides: look-alikes of an existing name), private-use, surrogates, unassigned,
# and line/paragraph separators. Spaces other than U+0020 (no-break, em...) are look-alikes too.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})

MAX_RETENTION_DAYS = 36_500
"""100 years: the Director documents no upper bound; anything above is a typo (e.g. 10^23)."""


def _printable(value: str) -> str:
    for index, char in enumerate(value):
        category = unicodedata.category(char)
        if category in _INVISIBLE_CATEGORIES or (category == "Zs" and char != " "):
            kind = "a control character" if category == "Cc" else unicodedata.name(char, "an invisible character")
            raise ValueError(
                f"character {index + 1} of {value!r} is U+{ord(char):04X} ({kind.lower()}); only printable "
                "characters are allowed (a look-alike of another name, or a copy-paste slip?)"
            )
    return value


def _ip(value: str) -> str:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        raise ValueError(f"{value!r} is not an IPv4 or IPv6 address (e.g. 10.0.0.12)") from None
    return value


def _cidr(value: str) -> str:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise ValueError(f"{value!r} is not a valid CIDR (e.g. 10.0.0.0/24; IPv4 prefixes are 0-32)") from None
    return value


_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


def _hostname(value: str) -> str:
    labels = value.rstrip(".").split(".")
    # RFC 1123 §2.1: a name of digits and dots only is an address, never a host name (10.0.0.999 is a typo).
    if len(value) > 253 or not all(_HOST_LABEL.match(label) for label in labels) or labels[-1].isdigit():
        raise ValueError(f"{value!r} is not a host name (RFC 1123: letters, digits, '-', dot-separated labels)")
    return value


def _device_address(value: str) -> str:
    """What a device's ``ip`` list takes (docs/director-api.md §7.7): an IP, a CIDR or a host name."""
    if "/" in value:
        return _cidr(value)
    if ":" in value or value.replace(".", "").isdigit():
        try:
            return _ip(value)
        except ValueError:
            raise ValueError(
                f"{value!r} is not an IP address (IPv4: four numbers 0-255; no port; IPv6 in full or :: form)"
            ) from None
    try:
        return _hostname(value)
    except ValueError:
        raise ValueError(f"{value!r} is neither an IP address, a CIDR nor a host name") from None


def _repo_path(value: str) -> str:
    body = value.rstrip("/")
    if not value.startswith("/") or not body:
        raise ValueError(f"{value!r} must be an absolute storage path below / (e.g. /opt/immune/storage/)")
    if posixpath.normpath(body) != body or "//" in value:
        raise ValueError(
            f"{value!r} is not normalized (no '.', '..' or empty segments); write it as {posixpath.normpath(body)}/"
        )
    return _printable(value)


def _director_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError(f"{value!r} is not an http(s) URL with a host (e.g. https://director.example.net)")
    if any(char.isspace() for char in value) or parts.username or parts.password:
        raise ValueError(f"{value!r}: a Director URL has no spaces and no user:password@ part")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"{value!r}: the port must be a number from 1 to 65535") from None
    if port == 0:
        raise ValueError(f"{value!r}: the port must be a number from 1 to 65535")
    if parts.query or parts.fragment:
        raise ValueError(f"{value!r}: a Director URL has no ?query or #fragment")
    return value


def check_director_url(value: str) -> str:
    """The URL if it can address a Director (also used for the ``directorUrl`` stack setting)."""
    return _director_url(value)


# Names: what the Director accepts as "unique valid string"; no leading/trailing blanks, printable only.
Name = Annotated[
    str, StringConstraints(min_length=1, max_length=100, pattern=r"^\S(?:.*\S)?$"), AfterValidator(_printable)
]


def _matching(pattern: str, max_length: int, what: str) -> Any:
    """A string type that must match ``pattern`` and be at most ``max_length`` long, explained as ``what``."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.match(value) or len(value) > max_length:
            raise ValueError(f"{value!r} is not {what}")
        return value

    return Annotated[str, AfterValidator(check), Field(json_schema_extra={"pattern": pattern, "maxLength": max_length})]


# Fleet and node names also name exported directories (docs/onboarding.md): one safe path segment.
PathSafeName = _matching(
    r"^[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*$",
    63,
    "a usable fleet or node name: 1-63 letters, digits, '-', '_' and single dots, starting with a letter or "
    "digit (it becomes a directory name when exported)",
)
# The UI limits repo names to fewer than 29 characters (docs/director-api.md §7.1).
RepoName = _matching(
    r"^[A-Za-z0-9_][A-Za-z0-9_-]*$",
    28,
    "a repo name: 1-28 letters, digits, '_' and '-', not starting with '-' (the Director's UI allows fewer "
    "than 29 characters; docs/configuration.md, Values)",
)
IPAddress = Annotated[str, AfterValidator(_ip)]
DeviceAddress = Annotated[str, StringConstraints(min_length=1), AfterValidator(_device_address)]
RepoStoragePath = Annotated[str, StringConstraints(min_length=2, max_length=255), AfterValidator(_repo_path)]
DirectorURL = Annotated[str, StringConstraints(max_length=2048), AfterValidator(_director_url)]
RetentionDays = Annotated[int, Field(ge=1, le=MAX_RETENTION_DAYS)]
printable = AfterValidator(_printable)
"""Refuses control and invisible characters in any string it annotates."""
# Permission group names (docs/director-api.md §7.14.3).
PermissionGroupName = _matching(
    r"^[A-Za-z0-9][A-Za-z0-9_-]{0,98}[A-Za-z0-9]$",
    100,
    "a permission group name: 2-100 letters, digits, '-' and '_', not beginning or ending with '-' or '_' "
    "(docs/configuration.md, Values)",
)
