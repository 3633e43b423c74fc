"""Routes: applications, trash, clone, publish, export/import and the published view."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, UploadFile
from pydantic import BaseModel, ConfigDict, Field, field_validator

from lowcraft.appmodel.document_format import app_settings
from lowcraft.appmodel.models import Application, Page
from lowcraft.apps import service
from lowcraft.apps.schemas import (
    ApplicationDetail,
    ApplicationExport,
    ApplicationList,
    ApplicationSummary,
    AppsmithImportResult,
    ImportedApplication,
    LintResult,
    PublishedApplication,
    RefactorResult,
)
from lowcraft.apps.service import AppView
from lowcraft.appsmith import DEFAULT_LIMITS
from lowcraft.http import API_PREFIX
from lowcraft.http.deps import Ctx
from lowcraft.http.headers import frame_source
from lowcraft.http.openapi import BODY, MEMBER, PARAMS, errors
from lowcraft.http.routing import DeferredRoute
from lowcraft.http.schemas import Body
from lowcraft.jslibs.service import outcome_out

router = APIRouter(prefix=API_PREFIX, tags=["applications"], route_class=DeferredRoute)

MULTIPART_SLACK = 64 * 1024
"""Room for the multipart envelope around the largest upload the importer reads."""
UPLOAD_LIMITS = [
    (re.compile(rf"^{re.escape(API_PREFIX)}/workspaces/[^/]+/applications/import-appsmith$"),
     DEFAULT_LIMITS.max_total_bytes + MULTIPART_SLACK,
     f"An Appsmith export may be at most {DEFAULT_LIMITS.max_total_bytes // (1024 * 1024)} MB."),
]
"""Routes taking uploads over the instance's body limit (wired into the edge by `app.py`)."""


class ApplicationCreate(Body):
    name: str = Field(max_length=200)


class ApplicationSettingsPatch(Body):
    navigation: Literal["top", "side"] | None = None
    frame_ancestors: list[str] | None = Field(None, alias="frameAncestors", max_length=50)
    default_page: str | None = Field(None, alias="defaultPage", max_length=100)

    @field_validator("frame_ancestors")
    @classmethod
    def _frame_sources(cls, value: list[str] | None) -> list[str] | None:
        # They become the viewer's CSP frame-ancestors: only what CSP reads as an origin will do.
        if value is None:
            return None
        sources = []
        for entry in value:
            source = frame_source(entry)
            if source is None:
                raise ValueError(
                    f"'{entry[:100]}' is not a site address; write one like https://intranet.example.com"
                    " or *.example.com"
                )
            sources.append(source)
        return list(dict.fromkeys(sources))


class ApplicationUpdate(Body):
    name: str | None = Field(None, max_length=200)
    slug: str | None = Field(None, max_length=120)
    icon: str | None = Field(None, max_length=40)
    theme: dict[str, Any] | None = None
    settings: ApplicationSettingsPatch | None = None
    is_public: bool | None = Field(None, alias="isPublic")


class AppsmithUpload(BaseModel):
    """The multipart form of an Appsmith import."""

    model_config = ConfigDict(extra="forbid")
    file: UploadFile = Field(description="A single-file JSON export, or a zip of an app's Git repository.")
    name: str | None = Field(None, max_length=200, description="Name of the new application (default: its own).")


class ApplicationImport(Body):
    document: dict[str, Any]
    name: str | None = Field(None, max_length=200)


def app_out(app: Application, role: str | None = None) -> dict[str, Any]:
    return {
        "id": app.id,
        "workspaceId": app.workspace_id,
        "name": app.name,
        "slug": app.slug,
        "icon": app.icon,
        "theme": app.theme or {},
        "settings": app_settings(app),
        "isPublic": app.is_public,
        "isPublished": app.published is not None,
        "publishedAt": app.published_at.isoformat() if app.published_at else None,
        "updatedAt": app.updated_at.isoformat(),
        "deletedAt": app.deleted_at.isoformat() if app.deleted_at else None,
        **({"role": role} if role else {}),
    }


def _view_out(view: AppView) -> dict[str, Any]:
    return app_out(view.app, view.role.value if view.role else None)


def _returns(model: type[ApplicationSummary | ApplicationList], *statuses: int) -> dict[str, Any]:
    # `role` is left out, not null, where the caller's role is not known (the trash): serialise
    # only the fields `app_out` set.
    return {"response_model": model, "response_model_exclude_unset": True, "responses": errors(*statuses)}


@router.get("/workspaces/{workspace_id}/applications", **_returns(ApplicationList, *PARAMS, *MEMBER))
def list_applications(workspace_id: str, ctx: Ctx) -> dict[str, Any]:
    """The workspace's applications (not those in the trash), with the caller's role."""
    return {"applications": [_view_out(v) for v in service.list_applications(ctx, workspace_id)]}


@router.post(
    "/workspaces/{workspace_id}/applications", status_code=201, **_returns(ApplicationSummary, *BODY, *MEMBER, 409)
)
def create_application(workspace_id: str, body: ApplicationCreate, ctx: Ctx) -> dict[str, Any]:
    """Create an application with one empty page (developers)."""
    return _view_out(service.create_application(ctx, workspace_id, body.name))


@router.post(
    "/workspaces/{workspace_id}/applications/import", status_code=201,
    **_returns(ImportedApplication, *BODY, *MEMBER, 409),
)
async def import_application(workspace_id: str, body: ApplicationImport, ctx: Ctx) -> dict[str, Any]:
    """Create an application from an exported document (developers). Its JS libraries are fetched
    again from their URLs where the instance allows them; `jsLibraries` says what became of each."""
    imported = await service.import_with_libraries(ctx, workspace_id, body.document, body.name)
    return {**_view_out(imported.view), "jsLibraries": [outcome_out(o) for o in imported.libraries],
            "datasources": [service.datasource_out(o) for o in imported.datasources]}


@router.post(
    "/workspaces/{workspace_id}/applications/import-appsmith", status_code=201,
    response_model=AppsmithImportResult, responses=errors(*BODY, *MEMBER),
)
async def import_from_appsmith(workspace_id: str, ctx: Ctx, upload: Annotated[AppsmithUpload, Form()]) -> dict[str, Any]:
    """Create an application from an Appsmith app (developers and administrators), with the import
    report: what was carried, what was not and why, and what to do next. Uploads over 50 MB are
    refused (413); a truncated or unsafe zip or an export of a newer Appsmith, with a 400."""
    # The Appsmith readers and converters load with the first import, not at start-up.
    from lowcraft.apps.appsmith_import import import_appsmith_fetching_libraries

    result = await import_appsmith_fetching_libraries(ctx, workspace_id, upload.file.file, upload.name or None)
    report = result.report.to_dict()
    for step in report["nextSteps"]:
        ds = result.datasources.get(step["name"]) if step["kind"] in DATASOURCE_STEPS else None
        if ds is None and step["kind"] in DATASOURCE_STEPS:
            ds = next((d for d in result.datasources.values() if d.name == step["name"]), None)
        step["datasourceId"] = ds.id if ds is not None else None
    return {"application": _view_out(result.view), "report": report, "seconds": round(result.seconds, 3)}


DATASOURCE_STEPS = frozenset({"fillDatasourceCredentials", "chooseConnector"})


@router.get("/workspaces/{workspace_id}/trash", **_returns(ApplicationList, *PARAMS, *MEMBER))
def list_trash(workspace_id: str, ctx: Ctx) -> dict[str, Any]:
    """Deleted applications that can still be restored."""
    return {"applications": [app_out(a) for a in service.list_trash(ctx, workspace_id)]}


def page_summary(page: Page) -> dict[str, Any]:
    """A page as the application's page list shows it (the pages routes answer with it too)."""
    return {
        "id": page.id,
        "applicationId": page.application_id,
        "name": page.name,
        "slug": page.slug,
        "position": page.position,
        "isDefault": page.is_default,
        "hidden": page.hidden,
        "revision": page.revision,
    }


@router.get("/applications/{application_id}", **_returns(ApplicationDetail, *PARAMS, *MEMBER))
def get_application(application_id: str, ctx: Ctx) -> dict[str, Any]:
    """An application with its pages, for the editor."""
    view, pages = service.get_application(ctx, application_id)
    return {**_view_out(view), "pages": [page_summary(p) for p in pages]}


@router.patch("/applications/{application_id}", **_returns(ApplicationSummary, *BODY, *MEMBER, 409))
def update_application(application_id: str, body: ApplicationUpdate, ctx: Ctx) -> dict[str, Any]:
    """Change an application's name, slug, icon, theme, settings or public access; unsent fields stay."""
    changes = body.changes()
    if body.settings is not None:
        changes["settings"] = body.settings.changes(clearable=("defaultPage",))
    return _view_out(service.update_application(ctx, application_id, changes))


@router.delete("/applications/{application_id}", status_code=204, responses=errors(*PARAMS, *MEMBER))
def delete_application(application_id: str, ctx: Ctx) -> None:
    """Move an application to the trash, from where it can be restored until purged."""
    service.delete_application(ctx, application_id)


@router.post("/applications/{application_id}/restore", **_returns(ApplicationSummary, *PARAMS, *MEMBER, 409))
def restore_application(application_id: str, ctx: Ctx) -> dict[str, Any]:
    """Bring an application back from the trash."""
    return _view_out(service.restore_application(ctx, application_id))


@router.post(
    "/applications/{application_id}/clone", status_code=201, **_returns(ApplicationSummary, *PARAMS, *MEMBER)
)
def clone_application(application_id: str, ctx: Ctx) -> dict[str, Any]:
    """Copy an application with its pages, actions and JS objects into the same workspace."""
    return _view_out(service.clone_application(ctx, application_id))


class PublishRequest(Body):
    message: str | None = Field(
        None, max_length=500, description="Why: kept with the version this publish makes (optional)."
    )


# A publish without a body is a publish without a message (a default, not `| None`, so the body's
# schema is the model itself and not a union pydantic warns about).
_NO_MESSAGE = PublishRequest()


@router.post("/applications/{application_id}/publish", **_returns(ApplicationSummary, *BODY, *MEMBER))
def publish_application(application_id: str, ctx: Ctx, body: PublishRequest = _NO_MESSAGE) -> dict[str, Any]:
    """Publish the application's current state: what its viewers see from now on. Each publish
    is kept as a version (who, when, the optional message) in the application's history."""
    return _view_out(service.publish_application(ctx, application_id, body.message))


@router.get(
    "/applications/{application_id}/export", response_model=ApplicationExport, responses=errors(*PARAMS, *MEMBER)
)
def export_application(application_id: str, ctx: Ctx) -> dict[str, Any]:
    """The application as a document to import elsewhere, without datasource credentials (developers)."""
    return service.export_application(ctx, application_id)


class RefactorRequest(Body):
    old: str = Field(max_length=201)
    new: str = Field(max_length=100)
    page_id: str | None = Field(
        None, alias="pageId", max_length=64,
        description="The page whose entity is renamed (names are per page); optional when one page has the name.",
    )


@router.post("/applications/{application_id}/refactor", response_model=RefactorResult, responses=errors(*BODY, *MEMBER, 409))
def refactor(application_id: str, body: RefactorRequest, ctx: Ctx) -> dict[str, Any]:
    """Rename an entity (`Table1`) or JS object member (`Utils.fmt`) of one page and every
    reference to it on that page (names are per page; other pages are left alone)."""
    changes = service.rename_entity(ctx, application_id, body.old, body.new, body.page_id)
    return {"changes": [c.to_dict() for c in changes]}


@router.get("/applications/{application_id}/lint", response_model=LintResult, responses=errors(*PARAMS, *MEMBER))
def lint(application_id: str, ctx: Ctx) -> dict[str, Any]:
    """Problems in the application's bindings: unknown names, syntax errors, cycles."""
    return {"diagnostics": service.lint_application(ctx, application_id)}


@router.get("/view/{key}", response_model=PublishedApplication, responses=errors(*PARAMS, 401, 404))
def view_application(key: str, ctx: Ctx) -> dict[str, Any]:
    """The published application by id or slug: for App Viewers, and anyone when it is public."""
    return service.view_published(ctx, key)
