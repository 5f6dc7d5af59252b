"""The exception tree of cac-director, and nothing else.

::

    CacDirectorError
    ├── ConfigError                 the user's YAML is wrong (CLI exit 2)
    │   └── ValidationFailed        carries every issue found, not just the first
    ├── DirectorError               talking to a Director went wrong (CLI exit 3)
    │   ├── DirectorUnavailable     connection refused/reset, timeouts, 5xx after retries (retryable)
    │   │   └── TLSFailed           certificate not trusted, handshake failed, CA file unreadable (never retried)
    │   ├── AuthenticationFailed    401/403, token expired and not refreshable
    │   ├── DirectorHTTPError       any other non-2xx answer: status + trimmed body
    │   │   ├── NotFound            404 / unknown id
    │   │   └── ValidationRefused   400: the Director refused the payload
    │   ├── OrderFailed             the asynchronous order finished with success=false
    │   ├── OrderTimeout            the order did not finish before the deadline
    │   ├── CreateUnconfirmed       a create the Director may have accepted, its object not seen afterwards
    │   └── ReferenceNotFound       a referenced name does not exist on the node
    ├── EmulatorError               the emulator cannot start (port taken, bad fleet file, ...)
    └── UnreadableNote              a preview's adoption note lacks the changes `cac-director plan` reads

Callers catch the bases and raise the leaves. No message ever contains the Director token:
messages are built from statuses, names and the Director's own text, never from request headers.
"""

from __future__ import annotations


class CacDirectorError(Exception):
    """Base of every error cac-director raises on purpose."""


class ConfigError(CacDirectorError):
    """The configuration (YAML) is wrong; the message says where and what to do."""


class ValidationFailed(ConfigError):
    """Validation found errors; ``issues`` holds all of them (objects with a ``render()`` method)."""

    def __init__(self, issues: list[object], message: str | None = None) -> None:
        self.issues = issues
        super().__init__(message or f"configuration is invalid: {len(issues)} issue(s)")


class DirectorError(CacDirectorError):
    """A request to a Director failed."""


class DirectorUnavailable(DirectorError):
    """The Director could not be reached or kept failing with 5xx/429 after retries."""


class TLSFailed(DirectorUnavailable):
    """TLS with the Director failed: its certificate is not trusted, the handshake failed, or the CA file given
    cannot be loaded. Retrying changes none of these."""


class AuthenticationFailed(DirectorError):
    """The Director refused the token (and no refresh was possible)."""


class DirectorHTTPError(DirectorError):
    """The Director answered with an unexpected HTTP status."""

    def __init__(self, message: str, *, status: int, body: str = "") -> None:
        self.status = status
        self.body = body[:500]
        super().__init__(message)


class NotFound(DirectorHTTPError):
    """The object (or pool/node) does not exist."""


class ValidationRefused(DirectorHTTPError):
    """The Director refused the request payload (HTTP 400)."""


class OrderFailed(DirectorError):
    """An asynchronous order finished with ``success: false``."""

    def __init__(
        self,
        message: str,
        *,
        order_url: str = "",
        errors: list[object] | None = None,
        director_message: str = "",
        resource_type: str = "",
        name: str = "",
        node: str = "",
    ) -> None:
        self.order_url = order_url
        self.errors = list(errors or [])
        self.director_message = director_message
        self.resource_type = resource_type
        self.name = name
        self.node = node
        super().__init__(message)


class OrderTimeout(DirectorError):
    """An asynchronous order did not reach a terminal state before its deadline."""

    def __init__(self, message: str, *, order_url: str = "") -> None:
        self.order_url = order_url
        super().__init__(message)


class CreateUnconfirmed(DirectorError):
    """A create the Director accepted (or may have accepted) whose object was not seen afterwards.

    The object may exist or appear later: callers look for it rather than report that nothing was created.
    """


class ReferenceNotFound(DirectorError):
    """A name referenced by the configuration does not exist on the node (e.g. a vendor package)."""

    def __init__(self, message: str, *, target: str = "", name: str = "", node: str = "") -> None:
        self.target = target
        self.name = name
        self.node = node
        super().__init__(message)


class EmulatorError(CacDirectorError):
    """The Director emulator cannot start or was misconfigured."""


class UnreadableNote(CacDirectorError):
    """An adoption note in a preview without its JSON change line (the program of another installation)."""
