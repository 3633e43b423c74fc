"""The root of every domain's exceptions.

Each domain (accounts, workspaces, apps, pages, ...) subclasses these categories in its own
`exceptions.py`; the HTTP edge maps the categories to status codes in one place
(`lowcraft.http.errors`), so a service never thinks in status codes.
"""

from __future__ import annotations

from typing import Any


class LowcraftError(Exception):
    """Base of all errors Lowcraft reports to a client: a stable `code` and a readable message."""

    code = "error"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or {}
        if code:
            self.code = code


class BadRequest(LowcraftError):
    """The request is malformed or breaks a rule about its content."""

    code = "bad_request"


class ValidationFailed(BadRequest):
    """The request is well formed but a value is not acceptable (a name, a position, a type)."""

    code = "validation_failed"


class NotAuthenticated(LowcraftError):
    """The caller must log in (or send a valid token) first."""

    code = "not_authenticated"


class PermissionDenied(LowcraftError):
    """The caller is known but its role does not allow this."""

    code = "permission_denied"


class NotFound(LowcraftError):
    """The target does not exist, or the caller may not know that it exists."""

    code = "not_found"


class Conflict(LowcraftError):
    """The request clashes with the current state (a duplicate name, a stale revision)."""

    code = "conflict"


class PayloadTooLarge(LowcraftError):
    """The request body is larger than the instance accepts."""

    code = "payload_too_large"


class TooManyRequests(LowcraftError):
    """The caller must wait `retry_after` seconds before trying again."""

    code = "too_many_requests"

    def __init__(self, message: str, *, retry_after: int, details: dict[str, Any] | None = None):
        super().__init__(message, details=details)
        self.retry_after = retry_after


class ServiceUnavailable(LowcraftError):
    """A service the instance depends on (Redis) is unreachable; try again after `retry_after` seconds."""

    code = "service_unavailable"

    def __init__(self, message: str, *, retry_after: int, details: dict[str, Any] | None = None):
        super().__init__(message, details=details)
        self.retry_after = retry_after
