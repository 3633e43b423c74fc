"""The per-application Git lock: one holder at a time across processes' connections (PostgreSQL
advisory lock, SQLite file lock); a waiter past the timeout gets GitBusy (503 with Retry-After);
different applications do not wait for each other."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from lowcraft.git.errors import GitBusy
from lowcraft.git.locks import application_lock
from lowcraft.store.db import Database


def test_one_holder_at_a_time_and_a_busy_answer_after_the_timeout(database_url: str, tmp_path: Path) -> None:
    db, other = Database(database_url), Database(database_url)  # two engines, as two replicas
    held, release = threading.Event(), threading.Event()

    def holder() -> None:
        with application_lock(db, tmp_path, "app-1", timeout=5):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert held.wait(5)
        started = time.monotonic()
        with pytest.raises(GitBusy) as busy:
            with application_lock(other, tmp_path, "app-1", timeout=0.3):
                pass
        assert time.monotonic() - started >= 0.3 and busy.value.retry_after >= 1
        with application_lock(other, tmp_path, "app-2", timeout=0.3):  # another app is free
            pass
    finally:
        release.set()
        thread.join()
    with application_lock(other, tmp_path, "app-1", timeout=1):  # released with its holder
        pass
    db.dispose()
    other.dispose()
