"""Read an Appsmith app from what a user has: a single-file JSON export, a zip (of a Git
repository, or holding one JSON export) or a folder (a clone of the repository).

`read_appsmith(path)` picks the form from the file; `read_export_stream` and `read_zip_stream` serve
uploads. Every path goes through the caps and checks of `lowcraft.appsmith.sources`.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, BinaryIO

from lowcraft.appsmith.errors import InvalidArchive, InvalidExport
from lowcraft.appsmith.git import find_root, git_to_export
from lowcraft.appsmith.model import AppsmithApp
from lowcraft.appsmith.parse import parse_export
from lowcraft.appsmith.sources import DEFAULT_LIMITS, ImportLimits, read_capped, read_folder, read_zip

ZIP_MAGIC = b"PK"


def _json(data: bytes, what: str) -> Any:
    try:
        return json.loads(data)
    except UnicodeDecodeError as exc:
        raise InvalidExport(f"{what} is not UTF-8 text.") from exc
    except ValueError as exc:
        raise InvalidExport(f"{what} is not valid JSON: {exc}.", details={"reason": str(exc)}) from exc
    except RecursionError as exc:
        raise InvalidExport(f"{what} nests JSON too deeply to be an Appsmith export.") from exc


def _parse(doc: Any, **kwargs: Any) -> AppsmithApp:
    try:
        return parse_export(doc, **kwargs)
    except RecursionError as exc:
        raise InvalidExport("The export nests values too deeply to be read.") from exc


def read_export_bytes(data: bytes) -> AppsmithApp:
    """A single-file JSON export already in memory (callers cap its size)."""
    return _parse(_json(data, "The file"), source_form="json")


def read_export_stream(stream: BinaryIO, limits: ImportLimits = DEFAULT_LIMITS) -> AppsmithApp:
    """A single-file JSON export read in chunks, refused past `limits.max_total_bytes`."""
    return read_export_bytes(read_capped(stream, limits))


def read_files(files: dict[str, bytes]) -> AppsmithApp:
    """An app from the files of a zip or folder: a Git layout, or exactly one JSON export."""
    root = find_root(files)
    if root is not None:
        doc, version = git_to_export(files, root)
        return _parse(doc, source_form="git", file_format_version=version)
    exports = [path for path in files if path.endswith(".json")]
    if len(exports) == 1:
        return _parse(_json(files[exports[0]], f"'{exports[0]}'"), source_form="json")
    raise InvalidArchive(
        "No Appsmith app found: expected a Git repository layout (metadata.json beside "
        "application.json) or a single JSON export.",
        details={"jsonFiles": len(exports)},
    )


def read_zip_stream(stream: BinaryIO, limits: ImportLimits = DEFAULT_LIMITS) -> AppsmithApp:
    return read_files(read_zip(stream, limits))


def read_appsmith(source: str | Path | BinaryIO, limits: ImportLimits = DEFAULT_LIMITS) -> AppsmithApp:
    """An app from a path (file, zip or folder) or an open binary stream (JSON or zip)."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        if path.is_dir():
            return read_files(read_folder(path, limits))
        if not path.is_file():
            raise InvalidArchive("The file to import does not exist.", details={"path": path.name})
        with path.open("rb") as stream:
            return read_appsmith(stream, limits)
    head = source.read(2)
    if head == ZIP_MAGIC:
        rest = read_capped(source, limits, already=len(head))
        return read_zip_stream(io.BytesIO(head + rest), limits)
    rest = read_capped(source, limits, already=len(head))
    return read_export_bytes(head + rest)
