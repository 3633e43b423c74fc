"""`lowcraft backup`: the store's content and the data directory's files in one sealed archive."""

from __future__ import annotations

import base64
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Table

from lowcraft import __version__
from lowcraft.config import Settings
from lowcraft.ops.archive import DB_PREFIX, FILES_PREFIX, INSTANCE_KEY, ArchiveWriter, Manifest
from lowcraft.ops.dump import dump_store
from lowcraft.ops.engines import ops_engine
from lowcraft.ops.errors import StoreNotCurrent
from lowcraft.ops.load import code_head
from lowcraft.ops.progress import Progress, Silent
from lowcraft.ops.sealed import SCRYPT_LOG2_N
from lowcraft.store.migrate import current_revision
from lowcraft.tables import Base

# Sessions die with a restore on purpose: a restored instance asks everyone to log in again.
NOT_BACKED_UP = frozenset({"login_sessions"})
# Below the data directory: not the archives themselves, not logs, not what is carried otherwise.
SKIPPED_DIRS = frozenset({"backups", "logs"})
SUFFIX = ".lcbackup"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    rows: dict[str, int]
    files: int
    seconds: float


def backed_up_tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if t.name not in NOT_BACKED_UP]


def store_files(settings: Settings) -> set[Path]:
    """The SQLite store's own files when they live in the data directory (dumped logically instead)."""
    if settings.database_url:
        return set()
    db = (settings.data_dir / "lowcraft.db").resolve()
    return {db, *(db.with_name(db.name + s) for s in ("-wal", "-shm", "-journal"))}


def data_files(settings: Settings) -> Iterator[tuple[str, Path]]:
    """(name in the archive, path) for every regular file of the data directory worth keeping."""
    root = settings.data_dir.resolve()
    skipped = store_files(settings) | {root / "secret.key"}
    for directory, dirnames, filenames in os.walk(root):
        here = Path(directory)
        if here == root:
            dirnames[:] = [d for d in dirnames if d not in SKIPPED_DIRS]
        dirnames.sort()
        for filename in sorted(filenames):
            path = here / filename
            if path in skipped or path.is_symlink() or not path.is_file():
                continue
            yield FILES_PREFIX + path.relative_to(root).as_posix(), path


def default_output(settings: Settings) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return settings.data_dir / "backups" / f"lowcraft-{stamp}{SUFFIX}"


def backup(
    settings: Settings,
    passphrase: str,
    output: Path | None = None,
    *,
    progress: Progress | None = None,
    scrypt_log2_n: int = SCRYPT_LOG2_N,
) -> BackupResult:
    """Write the archive to `output` (default: the data directory's backups/) and describe it."""
    progress = progress or Silent()
    started = time.perf_counter()
    settings.ensure_data_dir()
    key = settings.load_encryption_key()
    engine = ops_engine(settings.resolved_database_url)
    try:
        with engine.connect() as conn:
            revision = current_revision(conn)
        if revision != code_head():
            raise StoreNotCurrent(
                f"The store is at schema revision {revision!r}, this Lowcraft writes {code_head()!r}; "
                "run `lowcraft migrate` first."
            )
        output = output or default_output(settings)
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".partial")
        with tempfile.TemporaryDirectory(prefix=".staging-", dir=settings.data_dir / "backups") as tmp:
            staging = Path(tmp)
            dumps = dump_store(engine, staging, backed_up_tables(), progress, prefix=DB_PREFIX.rstrip("/"))
            files = list(data_files(settings))
            total = sum((staging / d.member).stat().st_size for d in dumps) + sum(p.stat().st_size for _, p in files)
            progress.phase("Writing the archive", total)
            manifest = Manifest(
                lowcraft_version=__version__,
                alembic_revision=revision,
                created_at=datetime.now(UTC).isoformat(),
                source_dialect=engine.dialect.name,
                tables=dumps,
            )
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                with os.fdopen(fd, "wb") as sink:
                    writer = ArchiveWriter(sink, passphrase, progress, scrypt_log2_n=scrypt_log2_n)
                    for dump in dumps:
                        writer.add_file(dump.member, staging / dump.member)
                    writer.add_bytes(INSTANCE_KEY, base64.b64encode(key))
                    for name, path in files:
                        writer.add_file(name, path)
                    writer.finish(manifest)
                    sink.flush()
                    os.fsync(sink.fileno())
                partial.replace(output)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
    finally:
        engine.dispose()
    return BackupResult(
        path=output,
        size=output.stat().st_size,
        rows={d.name: d.rows for d in dumps},
        files=len(files),
        seconds=time.perf_counter() - started,
    )
