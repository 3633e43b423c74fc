"""Engine and session handling for the store.

One `Database` per process. Services get a session from `Database.session()` and commit once per
request, so a request's writes land together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, select, text
from sqlalchemy.orm import Session, sessionmaker

from lowcraft.store.base import Base

Row = TypeVar("Row", bound=Base)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers proceed during a write; foreign keys are off by default in SQLite.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def normalise_url(url: str) -> str:
    """Accept plain `postgresql://` URLs and pick the psycopg 3 driver for them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _mark_written(session: Session, _context: Any) -> None:
    session.info["wrote"] = True


_AFTER_COMMIT = "after_commit"


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Call `callback` once the session's current transaction commits (never if it rolls back)."""
    session.info.setdefault(_AFTER_COMMIT, []).append(callback)


def _forget_after_commit(session: Session, previous_transaction: Any) -> None:
    if not previous_transaction.nested:  # a savepoint rolled back leaves the outer transaction's callbacks
        session.info.pop(_AFTER_COMMIT, None)


def lock_for_update(db: Session, model: type[Row], row_id: object) -> Row | None:
    """Load a row and hold it until the session commits, so a check-then-write that starts here
    cannot interleave with another one on the same row (the last-administrator rule).

    PostgreSQL locks the row (`SELECT ... FOR NO KEY UPDATE`); concurrent callers wait, then read what the
    first one committed. SQLite has no row locks, and pysqlite opens a transaction only at the first
    write, so reads before it see no lock at all: here the session's transaction takes the
    database's write lock (`BEGIN IMMEDIATE`) before reading. Call this before reading anything
    the decision depends on; rows already loaded into the session are refreshed by it only if they
    are this row.
    """
    if db.get_bind().dialect.name == "sqlite":
        driver = db.connection().connection.driver_connection
        if driver is not None and not driver.in_transaction:
            # Without a transaction open yet, nothing this session read can be relied on later;
            # once pysqlite opened one, a write already holds the lock (it only opens on writes).
            driver.execute("BEGIN IMMEDIATE")
    # FOR NO KEY UPDATE on PostgreSQL: it serialises the callers of this function, yet lets rows
    # referring to this one (a new membership's foreign key check) proceed meanwhile.
    stmt = select(model).where(model.__mapper__.primary_key[0] == row_id).with_for_update(key_share=True)
    return db.scalar(stmt.execution_options(populate_existing=True))


class Database:
    """The store's engine and session factory."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = normalise_url(url)
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            kwargs["connect_args"] = {"check_same_thread": False}
        else:
            kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_listeners: list[Callable[[], None]] = []
        event.listen(self._sessions, "after_flush", _mark_written)
        event.listen(self._sessions, "after_commit", self._after_commit)
        event.listen(self._sessions, "after_soft_rollback", _forget_after_commit)

    def on_write(self, listener: Callable[[], None]) -> None:
        """Call `listener` after every committed transaction that wrote something."""
        self._write_listeners.append(listener)

    def _after_commit(self, session: Session) -> None:
        if session.info.pop("wrote", False):
            for listener in self._write_listeners:
                listener()
        for callback in session.info.pop(_AFTER_COMMIT, []):
            callback()

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work is committed at the end of the block, or rolled back on error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()
