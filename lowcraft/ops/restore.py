"""`lowcraft restore`: an archive back into an instance, verified in full before anything is written.

Order: refuse a non-empty target (unless forced), decrypt and check every member into a private
staging folder, prove the archived instance key opens every stored secret, then load the store in
one transaction, and only after it committed put the instance key and files in the data directory.
"""

from __future__ import annotations

import base64
import binascii
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from lowcraft.config import Settings
from lowcraft.crypto import DecryptionFailed, SecretBox
from lowcraft.ops.archive import FILES_PREFIX, INSTANCE_KEY, Manifest, unpack
from lowcraft.ops.dump import read_rows
from lowcraft.ops.engines import ops_engine, tables_with_rows
from lowcraft.ops.errors import ArchiveCorrupted, TargetNotEmpty
from lowcraft.ops.instance_secrets import Resealer, check_opens
from lowcraft.ops.load import check_known_revision, code_head, load_store
from lowcraft.ops.progress import Progress, Silent


@dataclass(frozen=True)
class RestoreResult:
    rows: dict[str, int]
    files: int
    resealed: int
    archive_revision: str
    revision: str
    seconds: float


def _archived_key(staging: Path) -> bytes:
    try:
        key = base64.b64decode((staging / INSTANCE_KEY).read_bytes(), validate=True)
    except binascii.Error:
        key = b""
    if len(key) != 32:
        raise ArchiveCorrupted("The archive's instance key is not a 32-byte key.")
    return key


def _check_secrets(staging: Path, manifest: Manifest, key: bytes) -> None:
    box = SecretBox(key)
    for dump in manifest.tables:
        try:
            check_opens(box, dump.name, read_rows(staging, dump))
        except DecryptionFailed:
            raise ArchiveCorrupted(
                f"A secret in table {dump.name!r} does not open with the archive's instance key."
            ) from None


def _target_key(settings: Settings) -> bytes | None:
    """The key the target instance insists on (LOWCRAFT_ENCRYPTION_KEY), if any."""
    return base64.b64decode(settings.encryption_key) if settings.encryption_key else None


def _place_files(settings: Settings, staging: Path, manifest: Manifest, key: bytes) -> int:
    root = settings.data_dir
    settings.ensure_data_dir()
    if settings.encryption_key is None:
        # The restored secrets are sealed under the archived key, so it becomes this instance's.
        path = root / "secret.key"
        fd = os.open(path.with_suffix(".key.new"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(base64.b64encode(key))
        path.with_suffix(".key.new").replace(path)
    placed = 0
    for name in sorted(manifest.members):
        if not name.startswith(FILES_PREFIX):
            continue
        source = staging / name
        target = root / name[len(FILES_PREFIX) :]
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".restoring")
        shutil.copyfile(source, partial)
        partial.chmod(source.stat().st_mode & 0o777)
        partial.replace(target)
        placed += 1
    return placed


def _refuse_non_empty(settings: Settings, force: bool) -> None:
    """Refuse early, before a long verification; the load checks again inside its transaction."""
    if force:
        return
    if not settings.database_url and not (settings.data_dir / "lowcraft.db").exists():
        return  # no store file yet; connecting would create one
    engine = ops_engine(settings.resolved_database_url)
    try:
        with engine.connect() as conn:
            busy = tables_with_rows(conn)
    finally:
        engine.dispose()
    if busy:
        raise TargetNotEmpty(
            f"The target instance already holds data (tables: {', '.join(sorted(busy))}); use --force to replace it."
        )


def restore(
    settings: Settings,
    archive: Path,
    passphrase: str,
    *,
    force: bool = False,
    progress: Progress | None = None,
) -> RestoreResult:
    progress = progress or Silent()
    started = time.perf_counter()
    _refuse_non_empty(settings, force)
    with tempfile.TemporaryDirectory(prefix="lowcraft-restore-") as tmp:
        staging = Path(tmp)
        manifest = unpack(archive, passphrase, staging, progress)
        check_known_revision(manifest.alembic_revision)
        archived_key = _archived_key(staging)
        _check_secrets(staging, manifest, archived_key)
        target_key = _target_key(settings) or archived_key
        resealer = Resealer(archived_key, target_key) if target_key != archived_key else None
        # Everything checked: from here on the target is written.
        settings.ensure_data_dir()
        engine = ops_engine(settings.resolved_database_url, write=True)
        try:
            rows = load_store(
                engine, staging, manifest.tables, manifest.alembic_revision,
                replace=force, progress=progress, transform=resealer,
            )
        finally:
            engine.dispose()
        files = _place_files(settings, staging, manifest, archived_key)
    return RestoreResult(
        rows=rows,
        files=files,
        resealed=resealer.count if resealer else 0,
        archive_revision=manifest.alembic_revision,
        revision=code_head(),
        seconds=time.perf_counter() - started,
    )
