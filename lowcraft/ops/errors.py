"""What can go wrong while backing up, restoring or moving an instance's store."""

from __future__ import annotations


class OpsError(Exception):
    """Base of the operations errors; the message is meant for the operator who ran the command."""


class WrongPassphrase(OpsError):
    """The passphrase does not open this archive (or its header is damaged)."""


class ArchiveCorrupted(OpsError):
    """The archive's content fails authentication or its checksums: it was changed or truncated."""


class IncompatibleArchive(OpsError):
    """The archive is intact but this Lowcraft cannot restore it (another format, a newer schema)."""


class TargetNotEmpty(OpsError):
    """The store to restore or migrate into already holds data, and replacing it was not asked for."""


class StoreNotCurrent(OpsError):
    """The source store's schema is not the one this Lowcraft writes; migrate it first."""
