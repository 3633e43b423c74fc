"""The backup archive: a gzip'd tar, sealed with a passphrase, with a manifest of checksums.

Members: `db/NNN-<table>.jsonl` (the logical dump), `instance.key` (the instance key, so
datasource credentials open after a restore), `files/<path>` (the data directory's files) and
`manifest.json`, written last because it holds the SHA-256 of every other member, computed as
the member streams into the archive.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from lowcraft.ops.dump import TableDump
from lowcraft.ops.errors import ArchiveCorrupted, IncompatibleArchive
from lowcraft.ops.progress import Progress
from lowcraft.ops.sealed import SealedReader, SealedWriter

FORMAT = "lowcraft-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
INSTANCE_KEY = "instance.key"
DB_PREFIX = "db/"
FILES_PREFIX = "files/"
_COPY_BYTES = 1 << 20


@dataclass(frozen=True)
class MemberSum:
    sha256: str
    size: int


@dataclass
class Manifest:
    lowcraft_version: str
    alembic_revision: str
    created_at: str
    source_dialect: str
    tables: list[TableDump]
    members: dict[str, MemberSum] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "formatVersion": FORMAT_VERSION,
            "lowcraftVersion": self.lowcraft_version,
            "alembicRevision": self.alembic_revision,
            "createdAt": self.created_at,
            "sourceDialect": self.source_dialect,
            "tables": [t.as_json() for t in self.tables],
            "members": {name: {"sha256": s.sha256, "size": s.size} for name, s in sorted(self.members.items())},
        }

    @classmethod
    def from_json(cls, raw: Any) -> Manifest:
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise IncompatibleArchive("The archive has no Lowcraft backup manifest.")
        if raw.get("formatVersion") != FORMAT_VERSION:
            raise IncompatibleArchive(
                f"The archive's format version {raw.get('formatVersion')} is not one this Lowcraft reads ({FORMAT_VERSION})."
            )
        try:
            return cls(
                lowcraft_version=str(raw["lowcraftVersion"]),
                alembic_revision=str(raw["alembicRevision"]),
                created_at=str(raw["createdAt"]),
                source_dialect=str(raw["sourceDialect"]),
                tables=[TableDump.from_json(t) for t in raw["tables"]],
                members={n: MemberSum(str(m["sha256"]), int(m["size"])) for n, m in raw["members"].items()},
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise IncompatibleArchive(f"The archive's manifest is malformed ({exc}).") from None


class _Hashing:
    """Reads from `source`, keeping a SHA-256 and reporting progress, for `tarfile.addfile`."""

    def __init__(self, source: BinaryIO, progress: Progress) -> None:
        self.source = source
        self.digest = hashlib.sha256()
        self.size = 0
        self.progress = progress

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.digest.update(data)
        self.size += len(data)
        self.progress.advance(len(data))
        return data


class ArchiveWriter:
    """Streams members into a sealed tar; `finish()` appends the manifest and seals the archive."""

    def __init__(self, sink: BinaryIO, passphrase: str, progress: Progress, **seal_options: int) -> None:
        self._sealed = SealedWriter(sink, passphrase, **seal_options)
        self._tar = tarfile.open(fileobj=self._sealed, mode="w|gz")  # type: ignore[call-overload]  # noqa: SIM115 - closed by finish()
        self._progress = progress
        self.sums: dict[str, MemberSum] = {}

    def _info(self, name: str, size: int, mode: int = 0o600, mtime: float | None = None) -> tarfile.TarInfo:
        info = tarfile.TarInfo(name)
        info.size = size
        info.mode = mode
        info.mtime = int(mtime if mtime is not None else time.time())
        return info

    def add_file(self, name: str, path: Path) -> None:
        stat = path.stat()
        with path.open("rb") as source:
            hashing = _Hashing(source, self._progress)
            self._tar.addfile(self._info(name, stat.st_size, stat.st_mode & 0o777, stat.st_mtime), hashing)
        self.sums[name] = MemberSum(hashing.digest.hexdigest(), hashing.size)

    def add_bytes(self, name: str, data: bytes) -> None:
        self._tar.addfile(self._info(name, len(data)), io.BytesIO(data))
        self.sums[name] = MemberSum(hashlib.sha256(data).hexdigest(), len(data))

    def finish(self, manifest: Manifest) -> None:
        manifest.members = dict(self.sums)
        self.add_bytes(MANIFEST, json.dumps(manifest.as_json(), indent=1).encode())
        self._tar.close()
        self._sealed.close()


def _safe_name(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ArchiveCorrupted(f"The archive holds a member with an unsafe path: {name!r}.")
    if name not in (MANIFEST, INSTANCE_KEY) and not name.startswith((DB_PREFIX, FILES_PREFIX)):
        raise ArchiveCorrupted(f"The archive holds an unexpected member: {name!r}.")
    return name


def unpack(archive: Path, passphrase: str, staging: Path, progress: Progress) -> Manifest:
    """Decrypt and unpack `archive` into `staging`, and prove every member is the one backed up.

    Raises WrongPassphrase, ArchiveCorrupted or IncompatibleArchive; writes nothing outside `staging`.
    """
    progress.phase("Verifying the archive", archive.stat().st_size)
    seen: dict[str, MemberSum] = {}
    with archive.open("rb") as raw:
        reader = SealedReader(raw, passphrase)
        reported = 0
        try:
            with tarfile.open(fileobj=reader, mode="r|gz") as tar:  # type: ignore[call-overload]
                for member in tar:
                    name = _safe_name(member.name)
                    if not member.isfile() or name in seen:
                        raise ArchiveCorrupted(f"The archive's member {name!r} is not a single regular file.")
                    source = tar.extractfile(member)
                    assert source is not None
                    target = staging / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    digest = hashlib.sha256()
                    with target.open("wb") as out:
                        while chunk := source.read(_COPY_BYTES):
                            digest.update(chunk)
                            out.write(chunk)
                            progress.advance(reader.bytes_read - reported)
                            reported = reader.bytes_read
                    target.chmod(member.mode & 0o700 or 0o600)
                    seen[name] = MemberSum(digest.hexdigest(), member.size)
        except (tarfile.TarError, zlib.error, EOFError, OSError) as exc:
            if isinstance(exc, FileNotFoundError | PermissionError):
                raise
            raise ArchiveCorrupted(f"The archive's content is damaged ({exc}).") from None
        progress.advance(reader.bytes_read - reported)
    if MANIFEST not in seen:
        raise ArchiveCorrupted("The archive has no manifest: it is incomplete.")
    try:
        manifest = Manifest.from_json(json.loads((staging / MANIFEST).read_text()))
    except json.JSONDecodeError:
        raise ArchiveCorrupted("The archive's manifest is not valid JSON.") from None
    del seen[MANIFEST]
    if seen != manifest.members:
        differing = sorted(set(seen.items()) ^ set(manifest.members.items()))
        names = sorted({name for name, _ in differing})
        raise ArchiveCorrupted(f"The archive's members do not match its manifest: {', '.join(names[:10])}.")
    missing = [t.member for t in manifest.tables if t.member not in seen]
    if missing:
        raise ArchiveCorrupted(f"The archive lacks the table dumps its manifest lists: {', '.join(missing)}.")
    if INSTANCE_KEY not in seen:
        raise ArchiveCorrupted("The archive carries no instance key.")
    return manifest
