"""Version history of an application, without Git: one immutable row per publish and per restore.

Table-level work only (no permission checks): `apps.service.publish_application` records a version
in the publish's transaction, and `lowcraft.versions` lists, compares and restores them.

Which version is *published*: the newest of kind `publish` (a restore writes the edit state, never
the published app). Pruning keeps it whatever the retention says, so the history always holds
what viewers see.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from lowcraft.appmodel.models import Application
from lowcraft.store.base import Base, IdMixin
from lowcraft.store.types import IdType, JSONType, UTCDateTime, utcnow

MAX_MESSAGE = 500
"""The longest version message, in characters."""


class VersionKind(StrEnum):
    PUBLISH = "publish"
    """A publish: the document viewers saw from then on."""
    RESTORE = "restore"
    """A restore: an older version's document became the edit state (not published)."""


class AppVersion(IdMixin, Base):
    """One version of an application: who made it, when, why, and the whole document (immutable)."""

    __tablename__ = "app_versions"
    __table_args__ = (UniqueConstraint("application_id", "number"),)

    application_id: Mapped[str] = mapped_column(
        IdType, ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    """1, 2, 3... per application, in the order the versions were made; never reused."""
    kind: Mapped[str] = mapped_column(String(20))
    message: Mapped[str | None] = mapped_column(String(MAX_MESSAGE))
    document: Mapped[dict[str, Any]] = mapped_column(JSONType)
    restored_from: Mapped[int | None] = mapped_column(Integer)
    """For a restore: the number of the version restored."""
    author_id: Mapped[str | None] = mapped_column(IdType, ForeignKey("users.id", ondelete="SET NULL"))
    author_email: Mapped[str] = mapped_column(String(320), default="")
    """Kept as written, so the history still says who after the account is gone."""
    author_name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def record_version(
    db: Session, app: Application, kind: VersionKind, document: dict[str, Any], *,
    author_id: str | None, author_email: str, author_name: str,
    message: str | None = None, restored_from: int | None = None,
) -> AppVersion:
    """Add the next version of `app`. The caller has written (and flushed) the application row in
    the same transaction, so on PostgreSQL a concurrent publish waits on that row lock and then
    reads the number this one took."""
    latest = db.scalar(select(func.max(AppVersion.number)).where(AppVersion.application_id == app.id))
    version = AppVersion(
        application_id=app.id, number=(latest or 0) + 1, kind=kind.value, message=message or None,
        document=document, restored_from=restored_from, author_id=author_id,
        author_email=author_email[:320], author_name=author_name[:200], created_at=utcnow(),
    )
    db.add(version)
    db.flush()
    return version


def published_version_id(db: Session, application_id: str) -> str | None:
    """The version viewers see: the newest publish."""
    return db.scalar(
        select(AppVersion.id)
        .where(AppVersion.application_id == application_id, AppVersion.kind == VersionKind.PUBLISH.value)
        .order_by(AppVersion.number.desc())
        .limit(1)
    )


def prune_versions(db: Session, application_id: str, *, keep: int, days: int, now: datetime | None = None) -> int:
    """Delete versions past the retention: beyond the `keep` newest (0: no count limit) or older
    than `days` (0: no age limit). The published version always stays. Returns how many went."""
    if keep <= 0 and days <= 0:
        return 0
    rows = db.execute(
        select(AppVersion.id, AppVersion.created_at)
        .where(AppVersion.application_id == application_id)
        .order_by(AppVersion.number.desc())
    ).all()
    published = published_version_id(db, application_id)
    cutoff = (now or utcnow()) - timedelta(days=days) if days > 0 else None
    doomed = [
        version_id for index, (version_id, created) in enumerate(rows)
        if version_id != published
        and ((keep > 0 and index >= keep) or (cutoff is not None and created < cutoff))
    ]
    if doomed:
        db.execute(delete(AppVersion).where(AppVersion.id.in_(doomed)))
    return len(doomed)


def prune_all(db: Session, *, keep: int, days: int, now: datetime | None = None) -> int:
    """`prune_versions` for every application with a version past the age limit (the periodic
    housekeeping: an app nobody publishes any more still loses its old versions)."""
    if days <= 0:
        return 0
    cutoff = (now or utcnow()) - timedelta(days=days)
    apps = db.scalars(select(AppVersion.application_id).where(AppVersion.created_at < cutoff).distinct()).all()
    return sum(prune_versions(db, app_id, keep=keep, days=days, now=now) for app_id in apps)
