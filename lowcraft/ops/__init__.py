"""Operations on a whole instance: sealed backups, verified restores, moving the store."""

from lowcraft.ops.backup import BackupResult, backup
from lowcraft.ops.errors import (
    ArchiveCorrupted,
    IncompatibleArchive,
    OpsError,
    StoreNotCurrent,
    TargetNotEmpty,
    WrongPassphrase,
)
from lowcraft.ops.migrate_store import MigrateResult, migrate_store
from lowcraft.ops.progress import Progress, Silent
from lowcraft.ops.restore import RestoreResult, restore

__all__ = [
    "ArchiveCorrupted",
    "BackupResult",
    "IncompatibleArchive",
    "MigrateResult",
    "OpsError",
    "Progress",
    "RestoreResult",
    "Silent",
    "StoreNotCurrent",
    "TargetNotEmpty",
    "WrongPassphrase",
    "backup",
    "migrate_store",
    "restore",
]
