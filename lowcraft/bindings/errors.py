"""Errors of binding analysis: only the rename refactor and document reading raise; everything
else (syntax errors, unknown names) is reported as data."""

from __future__ import annotations

from typing import Any

from lowcraft.errors import BadRequest, Conflict, LowcraftError, NotFound, ValidationFailed


class BindingError(LowcraftError):
    """Base of every error raised by `lowcraft.bindings`."""

    code = "binding_error"


class InvalidDocumentError(BindingError, BadRequest):
    """The application document does not have the shape of the export format."""

    code = "invalid_document"


class InvalidNameError(BindingError, ValidationFailed):
    """A new name is not usable: not a JS identifier, a reserved word, or a global's name."""

    code = "invalid_name"


class NameTakenError(BindingError, Conflict):
    """A new name is already used by another entity of the page (or member of the JS object)."""

    code = "name_taken"


class AmbiguousNameError(BindingError, ValidationFailed):
    """The name to rename is used on several pages, and the request did not say which one."""

    code = "ambiguous_name"


class UnknownEntityError(BindingError, NotFound):
    """The name to rename is not an entity (or a member of a JS object) of the application."""

    code = "unknown_entity"


class RenameConflictError(BindingError, Conflict):
    """The new name would be captured by a local variable at a reference, changing its meaning."""

    code = "rename_conflict"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message, details=details)
