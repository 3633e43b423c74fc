"""Errors of the Appsmith importer: why an upload cannot be read as an Appsmith app.

Every error subclasses a category of `lowcraft.errors`, so the HTTP edge maps it once (400 for a
broken or hostile upload, 413 for one over the caps) and a caller catches `AppsmithImportError`.
Messages name the file or entry at fault so the user can fix the export, never a server path.
"""

from __future__ import annotations

from typing import Any

from lowcraft.errors import BadRequest, PayloadTooLarge


class AppsmithImportError(BadRequest):
    """The upload cannot be imported as an Appsmith application."""

    code = "appsmith_import_failed"


class InvalidExport(AppsmithImportError):
    """The file is not valid JSON, or valid JSON that is not an Appsmith export."""

    code = "appsmith_invalid_export"


class InvalidArchive(AppsmithImportError):
    """The zip is truncated or corrupt, or a folder lacks the files of Appsmith's Git layout."""

    code = "appsmith_invalid_archive"


class UnsafeArchive(AppsmithImportError):
    """A zip entry or folder member points outside the upload (`../`, an absolute path, a link)."""

    code = "appsmith_unsafe_archive"


class UnsupportedVersion(AppsmithImportError):
    """The export was made by a newer Appsmith (or a format) this importer does not understand."""

    code = "appsmith_unsupported_version"

    def __init__(self, what: str, found: object, understood: list[int]) -> None:
        span = f"{understood[0]} to {understood[-1]}" if len(understood) > 1 else str(understood[0])
        super().__init__(
            f"This export has {what} {found}; Lowcraft understands {what} {span}. "
            "Export it again from an Appsmith version that writes one of those, or update Lowcraft.",
            details={"field": what, "found": found, "understood": understood},
        )


class ImportTooLarge(AppsmithImportError, PayloadTooLarge):
    """The upload is over a cap (total size, entries, one file): refused before reading more."""

    code = "appsmith_import_too_large"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message, details=details)
