"""The store's columns sealed under the instance key, and moving them under another key.

A restore into an instance with its own `LOWCRAFT_ENCRYPTION_KEY` must re-seal these values; the
context of each must be the one its owning service uses, or the service cannot open the value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lowcraft.crypto import DecryptionFailed, SecretBox


@dataclass(frozen=True)
class SealedColumn:
    table: str
    column: str
    context: Callable[[Mapping[str, Any]], str]


SEALED_COLUMNS = (
    # lowcraft.datasources.service seals each environment's config under this context.
    SealedColumn("datasource_configs", "encrypted", lambda row: f"datasource:{row['datasource_id']}:{row['environment']}"),
)


class Resealer:
    """Re-encrypts sealed columns from one instance key to another, as rows pass by."""

    def __init__(self, old_key: bytes, new_key: bytes) -> None:
        self._old = SecretBox(old_key)
        self._new = SecretBox(new_key)
        self.count = 0

    def __call__(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        for sealed in SEALED_COLUMNS:
            if sealed.table == table and row.get(sealed.column) is not None:
                context = sealed.context(row)
                plaintext = self._old.decrypt(row[sealed.column], context)
                row[sealed.column] = self._new.encrypt(plaintext, context)
                self.count += 1
        return row


def check_opens(box: SecretBox, table: str, rows: Iterable[Mapping[str, Any]]) -> int:
    """Decrypt every sealed value in `rows` of `table`; raises DecryptionFailed on the first that fails."""
    columns = [s for s in SEALED_COLUMNS if s.table == table]
    opened = 0
    for row in rows if columns else ():
        for sealed in columns:
            if row.get(sealed.column) is not None:
                box.decrypt(row[sealed.column], sealed.context(row))
                opened += 1
    return opened


__all__ = ["SEALED_COLUMNS", "DecryptionFailed", "Resealer", "SealedColumn", "check_opens"]
