"""Version history: list, view, compare and restore an application's versions (Developers).

Every publish keeps a version (`apps.service.publish_application`). A restore makes an older
version's document the edit state and is itself recorded as a new version, of kind `restore`,
holding the document restored (what the edit state became) and the number it came from; it never
changes what viewers see until the next publish. App Viewers and visitors of public apps never
reach versions: they are edit-side history (403 for an App Viewer, 404 outside the workspace).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from lowcraft.appmodel import versions
from lowcraft.appmodel.diff import EntityChange, diff_documents
from lowcraft.appmodel.document_format import parse_document
from lowcraft.appmodel.models import Application
from lowcraft.appmodel.versions import AppVersion, VersionKind
from lowcraft.audit.handler import record
from lowcraft.context import Context
from lowcraft.errors import ValidationFailed
from lowcraft.jslibs import service as jslibs
from lowcraft.versions import handler
from lowcraft.versions.errors import VersionNotFound
from lowcraft.workspaces.permissions import Role, require_app, require_user

MAX_PAGE = 100
EDIT_STATE = "edit"
"""Where a version id is expected in a comparison: the current edit state instead."""


@dataclass
class VersionPage:
    versions: list[AppVersion]
    published_id: str | None
    next_before: int | None
    """The `before` to ask for the next (older) page; None on the last page."""


def _version(ctx: Context, app: Application, version_id: str) -> AppVersion:
    version = ctx.db.get(AppVersion, version_id)
    if version is None or version.application_id != app.id:
        raise VersionNotFound("This application has no such version.")
    return version


def list_versions(ctx: Context, application_id: str, *, limit: int = 50, before: int | None = None) -> VersionPage:
    """The application's versions, newest first, `limit` at a time (older ones: `before` = the
    number of the last one seen)."""
    app, _ = require_app(ctx, application_id, Role.DEVELOPER)
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationFailed(f"limit must be between 1 and {MAX_PAGE}.", details={"field": "limit"})
    query = select(AppVersion).where(AppVersion.application_id == app.id)
    if before is not None:
        query = query.where(AppVersion.number < before)
    rows = list(ctx.db.scalars(query.order_by(AppVersion.number.desc()).limit(limit + 1)).all())
    more = len(rows) > limit
    rows = rows[:limit]
    return VersionPage(rows, versions.published_version_id(ctx.db, app.id), rows[-1].number if more else None)


def get_version(ctx: Context, application_id: str, version_id: str) -> tuple[AppVersion, bool]:
    """One version with its document, and whether it is the published one."""
    app, _ = require_app(ctx, application_id, Role.DEVELOPER)
    version = _version(ctx, app, version_id)
    return version, versions.published_version_id(ctx.db, app.id) == version.id


def view_version(ctx: Context, application_id: str, version_id: str) -> dict[str, Any]:
    """A version in the shape the viewer loads a published app (read-only preview for Developers)."""
    app, _ = require_app(ctx, application_id, Role.DEVELOPER)
    version = _version(ctx, app, version_id)
    return {
        "id": app.id,
        "slug": app.slug,
        "workspaceId": app.workspace_id,
        "publishedAt": version.created_at.isoformat(),
        "canEdit": True,
        "document": version.document,
        "version": version,
        "publishedVersionId": versions.published_version_id(ctx.db, app.id),
    }


@dataclass
class Comparison:
    before: AppVersion | None
    """None: the edit state."""
    after: AppVersion | None
    changes: list[EntityChange]
    published_id: str | None


def compare_versions(ctx: Context, application_id: str, before_id: str, after_id: str) -> Comparison:
    """What changed, entity by entity, from one version to another (`edit`: the current edit state)."""
    app, _ = require_app(ctx, application_id, Role.DEVELOPER)
    sides: list[tuple[AppVersion | None, dict[str, Any]]] = []
    for key in (before_id, after_id):
        if key == EDIT_STATE:
            sides.append((None, handler.current_document(ctx, app)))
        else:
            version = _version(ctx, app, key)
            sides.append((version, version.document))
    (before, old), (after, new) = sides
    return Comparison(before, after, diff_documents(old, new), versions.published_version_id(ctx.db, app.id))


def restore_version(ctx: Context, application_id: str, version_id: str) -> AppVersion:
    """Make the version's document the edit state, in one transaction, and record the restore as
    the next version. What viewers see changes only at the next publish."""
    app, _ = require_app(ctx, application_id, Role.DEVELOPER)
    user = require_user(ctx)
    source = _version(ctx, app, version_id)
    document = parse_document(source.document)
    libraries = jslibs.codes_to_sync(ctx, app, document.application.js_libraries)
    handler.replace_edit_state(ctx, app, document, libraries)
    restored = versions.record_version(
        ctx.db, app, VersionKind.RESTORE, handler.current_document(ctx, app),
        author_id=user.id, author_email=user.email, author_name=user.name,
        message=f"Restored version {source.number}", restored_from=source.number,
    )
    settings = ctx.runtime.settings
    versions.prune_versions(ctx.db, app.id, keep=settings.version_retention, days=settings.version_retention_days)
    record(
        ctx, "application.version_restored", "application", app.id, app.name, workspace_id=app.workspace_id,
        summary={"restored": source.number, "version": restored.number},
    )
    return restored
