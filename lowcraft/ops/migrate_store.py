"""`lowcraft migrate-store`: move an instance's store (the embedded SQLite) to another database.

The same logical dump and load as backup and restore, without the archive: rows leave the
source in one snapshot and arrive in the target in one transaction. The instance key and the data
directory stay where they are; only `LOWCRAFT_DATABASE_URL` changes afterwards.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from lowcraft.config import Settings
from lowcraft.ops.dump import dump_store
from lowcraft.ops.engines import ops_engine
from lowcraft.ops.errors import OpsError, StoreNotCurrent
from lowcraft.ops.load import code_head, load_store
from lowcraft.ops.progress import Progress, Silent
from lowcraft.store.db import normalise_url
from lowcraft.store.migrate import current_revision
from lowcraft.tables import Base


@dataclass(frozen=True)
class MigrateResult:
    rows: dict[str, int]
    seconds: float


def _same_store(a: str, b: str) -> bool:
    left, right = make_url(normalise_url(a)), make_url(normalise_url(b))
    return (left.get_backend_name(), left.host, left.port, left.database) == (
        right.get_backend_name(), right.host, right.port, right.database
    )


def migrate_store(
    settings: Settings, target_url: str, *, force: bool = False, progress: Progress | None = None
) -> MigrateResult:
    """Copy every table (sessions included: users stay logged in) into the empty store at `target_url`."""
    progress = progress or Silent()
    started = time.perf_counter()
    source_url = settings.resolved_database_url
    if _same_store(source_url, target_url):
        raise OpsError("The target is the instance's current store; name another database with --to.")
    source = ops_engine(source_url)
    target = ops_engine(target_url, write=True)
    try:
        with source.connect() as conn:
            revision = current_revision(conn)
        if revision != code_head():
            raise StoreNotCurrent(
                f"The store is at schema revision {revision!r}, this Lowcraft expects {code_head()!r}; "
                "run `lowcraft migrate` first."
            )
        settings.ensure_data_dir()
        with tempfile.TemporaryDirectory(prefix=".migrate-store-", dir=settings.data_dir) as tmp:
            dumps = dump_store(source, Path(tmp), Base.metadata.sorted_tables, progress)
            rows = load_store(target, Path(tmp), dumps, revision, replace=force, progress=progress)
    finally:
        source.dispose()
        target.dispose()
    return MigrateResult(rows, time.perf_counter() - started)
