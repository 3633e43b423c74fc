"""Routes: an application's version history (Developers and administrators of its workspace)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from lowcraft.appmodel.diff import summarize
from lowcraft.appmodel.versions import AppVersion
from lowcraft.http import API_PREFIX
from lowcraft.http.deps import Ctx
from lowcraft.http.openapi import MEMBER, PARAMS, errors
from lowcraft.http.routing import DeferredRoute
from lowcraft.versions import service
from lowcraft.versions.schemas import (
    VersionComparison,
    VersionDetail,
    VersionList,
    VersionSummary,
    VersionView,
)

router = APIRouter(prefix=API_PREFIX, tags=["versions"], route_class=DeferredRoute)


def version_out(version: AppVersion, published_id: str | None) -> dict[str, Any]:
    return {
        "id": version.id,
        "number": version.number,
        "kind": version.kind,
        "message": version.message,
        "restoredFrom": version.restored_from,
        "author": version.author_name or version.author_email,
        "authorEmail": version.author_email,
        "createdAt": version.created_at.isoformat(),
        "isPublished": version.id == published_id,
    }


@router.get("/applications/{application_id}/versions", response_model=VersionList, responses=errors(*PARAMS, *MEMBER))
def list_versions(
    application_id: str, ctx: Ctx,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE)] = 50,
    before: Annotated[int | None, Query(ge=1, description="Only versions numbered below this (the next page).")] = None,
) -> dict[str, Any]:
    """The application's versions, newest first: each publish, and each restore."""
    page = service.list_versions(ctx, application_id, limit=limit, before=before)
    return {"versions": [version_out(v, page.published_id) for v in page.versions], "nextBefore": page.next_before}


@router.get(
    "/applications/{application_id}/versions/compare", response_model=VersionComparison,
    responses=errors(*PARAMS, *MEMBER),
)
def compare_versions(
    application_id: str, ctx: Ctx,
    before: Annotated[str, Query(max_length=64, alias="from", description="A version id, or `edit` for the edit state.")],
    after: Annotated[str, Query(max_length=64, alias="to", description="A version id, or `edit` for the edit state.")],
) -> dict[str, Any]:
    """What changed from one version to another, entity by entity: settings, datasources, pages,
    widgets, queries and JS objects added, removed or changed, with their values before and after."""
    result = service.compare_versions(ctx, application_id, before, after)
    published = result.published_id
    return {
        "before": version_out(result.before, published) if result.before else None,
        "after": version_out(result.after, published) if result.after else None,
        "changes": [c.to_dict() for c in result.changes],
        "counts": summarize(result.changes),
    }


@router.get(
    "/applications/{application_id}/versions/{version_id}", response_model=VersionDetail,
    responses=errors(*PARAMS, *MEMBER),
)
def get_version(application_id: str, version_id: str, ctx: Ctx) -> dict[str, Any]:
    """One version with its whole application document."""
    version, published = service.get_version(ctx, application_id, version_id)
    return {**version_out(version, version.id if published else None), "document": version.document}


@router.get(
    "/applications/{application_id}/versions/{version_id}/view", response_model=VersionView,
    responses=errors(*PARAMS, *MEMBER),
)
def view_version(application_id: str, version_id: str, ctx: Ctx) -> dict[str, Any]:
    """A version as the viewer loads it (`/app/{id}/versions/{version}`), for a read-only preview."""
    view = service.view_version(ctx, application_id, version_id)
    version, published = view.pop("version"), view.pop("publishedVersionId")
    return {**view, "version": version_out(version, published)}


@router.post(
    "/applications/{application_id}/versions/{version_id}/restore", response_model=VersionSummary,
    responses=errors(*PARAMS, *MEMBER, 409),
)
def restore_version(application_id: str, version_id: str, ctx: Ctx) -> dict[str, Any]:
    """Make this version the edit state (pages, queries, JS objects, JS libraries, theme, settings),
    in one transaction; the restore is recorded as a new version. Viewers see it after the next
    publish. 409 `libraries_unavailable` (nothing changed) when a JS library's code cannot be had."""
    restored = service.restore_version(ctx, application_id, version_id)
    return version_out(restored, None)
