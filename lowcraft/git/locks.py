"""One Git operation per application at a time, across every replica: a store lock.

On PostgreSQL a session-level advisory lock keyed by the application id, held on a connection of
its own for the whole operation (network included), so replicas sharing the store serialise; it
is released when the connection closes, so a killed process never leaves it held. On SQLite (one
machine) an exclusive `flock` on a file under the data directory's `git/locks/`, released by the
kernel when its holder dies.

A caller waits up to the operation timeout, then gets `GitBusy` (503 with Retry-After).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from lowcraft.git.errors import GitBusy
from lowcraft.store.db import Database

_NAMESPACE = 0x6C63_6769  # "lcgi": keeps our advisory keys apart from anyone else's
_POLL_SECONDS = 0.05


def _key(application_id: str) -> int:
    digest = hashlib.sha256(application_id.encode()).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


def _busy(timeout: float) -> GitBusy:
    return GitBusy(
        "Another Git operation on this application is still running; try again in a moment.",
        retry_after=max(1, int(timeout // 10) or 1),
    )


@contextmanager
def application_lock(db: Database, lock_dir: Path, application_id: str, timeout: float) -> Iterator[None]:
    """Hold the application's Git lock for the block; `GitBusy` after waiting `timeout` seconds."""
    if db.is_sqlite:
        with _file_lock(lock_dir / f"{application_id}.lock", timeout):
            yield
        return
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        deadline = time.monotonic() + timeout
        key = _key(application_id)
        while not conn.scalar(text("SELECT pg_try_advisory_lock(:ns, :key)"), {"ns": _NAMESPACE, "key": key}):
            if time.monotonic() >= deadline:
                raise _busy(timeout)
            time.sleep(_POLL_SECONDS)
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:ns, :key)"), {"ns": _NAMESPACE, "key": key})


def flock_within(fd: int, timeout: float, busy: Exception) -> None:
    """Take an exclusive `flock` on `fd`, polling, or raise `busy` after `timeout` seconds (a
    blocking `flock` could not be given up on)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise busy from None
            time.sleep(_POLL_SECONDS)


@contextmanager
def _file_lock(path: Path, timeout: float) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        flock_within(fd, timeout, _busy(timeout))
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
