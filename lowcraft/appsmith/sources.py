"""Reading an upload safely: a JSON file, a zip or a folder becomes bytes or a map of files.

Uploads are hostile. Every reader counts bytes as it reads and stops at the cap, so a 50 MB file,
a zip bomb (declared sizes lie; the decompressed stream is what is counted) or a zip of a million
entries costs at most the cap in memory. Zip entries and folder members must stay inside the
upload: absolute paths, `..` segments, drive letters and symbolic links are refused, never skipped,
because an archive that tries them is not an export to trust further.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, BinaryIO

from lowcraft.appsmith.errors import ImportTooLarge, InvalidArchive, UnsafeArchive

CHUNK = 1 << 20


@dataclass(frozen=True)
class ImportLimits:
    """Caps on what one import may read (the defaults suit the largest real apps measured: 4 MB)."""

    max_total_bytes: int = 50 * 1024 * 1024
    max_entries: int = 20_000


DEFAULT_LIMITS = ImportLimits()


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def _too_large(limits: ImportLimits) -> ImportTooLarge:
    return ImportTooLarge(
        f"The upload is larger than {_mb(limits.max_total_bytes)} once unpacked; "
        "Lowcraft stopped reading it.",
        details={"maxBytes": limits.max_total_bytes},
    )


def read_capped(
    stream: BinaryIO | IO[bytes], limits: ImportLimits = DEFAULT_LIMITS, already: int = 0
) -> bytes:
    """All of `stream`, read in chunks; ImportTooLarge as soon as `already` + read passes the cap."""
    parts: list[bytes] = []
    total = already
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            break
        total += len(chunk)
        if total > limits.max_total_bytes:
            raise _too_large(limits)
        parts.append(chunk)
    return b"".join(parts)


def safe_member_path(name: str) -> str:
    """`name` as a clean relative POSIX path; UnsafeArchive when it could land outside the upload."""
    unified = name.replace("\\", "/")
    if unified.startswith("/") or (len(unified) > 1 and unified[1] == ":"):
        raise UnsafeArchive(f"The archive entry '{name}' has an absolute path.", details={"entry": name})
    parts = [part for part in PurePosixPath(unified).parts if part not in ("", ".")]
    if any(part == ".." for part in parts):
        raise UnsafeArchive(
            f"The archive entry '{name}' points outside the archive ('..').", details={"entry": name}
        )
    if "\x00" in unified:
        raise UnsafeArchive(f"The archive entry '{name}' has a NUL byte.", details={"entry": name})
    return "/".join(parts)


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def read_zip(source: str | Path | BinaryIO, limits: ImportLimits = DEFAULT_LIMITS) -> dict[str, bytes]:
    """The regular files of a zip by relative path, every entry checked before any is read."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise InvalidArchive(
            "The file is not a readable zip archive (truncated or corrupt).", details={"reason": str(exc)}
        ) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_entries:
            raise ImportTooLarge(
                f"The archive has {len(infos)} entries; at most {limits.max_entries} are accepted.",
                details={"entries": len(infos), "maxEntries": limits.max_entries},
            )
        declared = 0
        members: list[tuple[str, zipfile.ZipInfo]] = []
        for info in infos:
            path = safe_member_path(info.filename)
            if _is_symlink(info):
                raise UnsafeArchive(
                    f"The archive entry '{info.filename}' is a symbolic link.",
                    details={"entry": info.filename},
                )
            if info.is_dir() or not path:
                continue
            declared += info.file_size
            if declared > limits.max_total_bytes:
                raise _too_large(limits)
            members.append((path, info))
        files: dict[str, bytes] = {}
        total = 0
        for path, info in members:
            try:
                with archive.open(info) as stream:
                    data = read_capped(stream, limits, already=total)
            except ImportTooLarge:
                raise
            except (
                zipfile.BadZipFile,
                EOFError,
                OSError,
                zlib.error,
                NotImplementedError,
                RuntimeError,
            ) as exc:
                raise InvalidArchive(
                    f"The archive entry '{info.filename}' cannot be read (truncated or corrupt).",
                    details={"entry": info.filename, "reason": str(exc)},
                ) from exc
            total += len(data)
            if path in files:
                raise InvalidArchive(f"The archive holds '{path}' twice.", details={"entry": path})
            files[path] = data
        return files


def _walk(root: Path) -> Iterator[Path]:
    for directory, subdirs, names in os.walk(root, followlinks=False):
        base = Path(directory)
        # A clone's Git database is not part of the app and can hold thousands of objects.
        subdirs[:] = [name for name in subdirs if name != ".git"]
        for name in [*subdirs, *names]:
            path = base / name
            if path.is_symlink():
                relative = path.relative_to(root).as_posix()
                raise UnsafeArchive(
                    f"The folder member '{relative}' is a symbolic link.", details={"entry": relative}
                )
        for name in names:
            yield base / name


def read_folder(root: str | Path, limits: ImportLimits = DEFAULT_LIMITS) -> dict[str, bytes]:
    """The regular files under `root` by relative path; links are refused, sizes capped."""
    root = Path(root)
    if not root.is_dir():
        raise InvalidArchive("The folder to import does not exist.", details={"path": root.name})
    files: dict[str, bytes] = {}
    total = 0
    for path in _walk(root):
        if len(files) >= limits.max_entries:
            raise ImportTooLarge(
                f"The folder has more than {limits.max_entries} files.",
                details={"maxEntries": limits.max_entries},
            )
        with path.open("rb") as stream:
            data = read_capped(stream, limits, already=total)
        total += len(data)
        files[path.relative_to(root).as_posix()] = data
    return files
