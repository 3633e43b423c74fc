"""Response models of the application routes: applications, exports, refactors, lint and the published view."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, RootModel

from lowcraft.bindings.results import Change, Diagnostic
from lowcraft.http.openapi import Out
from lowcraft.jslibs.schemas import LibraryImportOutcome
from lowcraft.workspaces.permissions import Role


class PageSummary(Out):
    """A page as lists show it, without its widget tree."""

    id: str
    application_id: str = Field(alias="applicationId")
    name: str
    slug: str
    position: int
    is_default: bool = Field(alias="isDefault")
    hidden: bool
    revision: int = Field(description="Increases with each save of the widget tree; a save names the one it read.")


class AppSettings(Out):
    """How the viewer presents the application."""

    navigation: Literal["top", "side"]
    public_access: bool = Field(alias="publicAccess")
    frame_ancestors: list[str] = Field(alias="frameAncestors", description="Sites allowed to embed the viewer.")
    default_page: str | None = Field(alias="defaultPage")


class ApplicationSummary(Out):
    """An application without its pages."""

    id: str
    workspace_id: str = Field(alias="workspaceId")
    name: str
    slug: str
    icon: str
    theme: dict[str, Any] = Field(description="Theme values (colours, radius, font), free-form JSON.")
    settings: AppSettings
    is_public: bool = Field(alias="isPublic")
    is_published: bool = Field(alias="isPublished")
    published_at: str | None = Field(alias="publishedAt")
    updated_at: str = Field(alias="updatedAt")
    deleted_at: str | None = Field(alias="deletedAt", description="Set while the application is in the trash.")
    role: Role | None = Field(None, description="The caller's role; absent in the trash.")


class DatasourceBinding(Out):
    """A datasource an imported (or pulled) document names that needs a developer's look: created
    here, or set up in the workspace otherwise than the document records."""

    name: str
    connector: str
    created: bool = Field(description="Created by this import (with the recorded non-secret settings, or none).")
    message: str = Field(description="What happened and what to do: add credentials, or which settings differ.")


class ImportedApplication(ApplicationSummary):
    """An imported application, and what became of the JS libraries and datasources of its document."""

    js_libraries: list[LibraryImportOutcome] = Field(alias="jsLibraries")
    datasources: list[DatasourceBinding] = Field(
        description="Datasources created by the import or set up otherwise than the document records.")


class ApplicationList(Out):
    applications: list[ApplicationSummary]


class ApplicationDetail(ApplicationSummary):
    """An application with its pages (without their widget trees)."""

    pages: list[PageSummary]


class ApplicationExport(RootModel[dict[str, Any]]):
    """An application as a document (`format: "lowcraft-app"`): its settings, pages, widget trees, actions
    and JS objects, and the datasources its actions use with their non-secret production settings
    (never a password, token or key)."""


class RefactorResult(Out):
    changes: list[Change]


class LintResult(Out):
    diagnostics: list[Diagnostic]


class PublishedApplication(Out):
    """What the viewer loads: the application's published document."""

    id: str
    slug: str
    workspace_id: str = Field(alias="workspaceId")
    published_at: str | None = Field(alias="publishedAt")
    can_edit: bool = Field(alias="canEdit", description="Whether the caller may open the application in the editor.")
    document: dict[str, Any] = Field(description="The published application document, free-form JSON.")


class ImportReportLine(Out):
    """What happened to one thing of the Appsmith app."""

    kind: str = Field(description="app, page, widget, query, jsObject, jsFunction, datasource, jsLibrary, theme or setting.")
    name: str
    page: str | None
    type: str | None = Field(description="What it was in Appsmith: a widget type or a plugin.")
    status: Literal["carried", "migrated", "adjusted", "placeholder", "notCarried"]
    why: str


class ImportNextStep(Out):
    """Something the user must do before the imported app works."""

    kind: Literal[
        "fillDatasourceCredentials", "chooseConnector", "allowJsLibrary", "reviewPreparedStatements",
        "replacePlaceholder",
    ]
    name: str
    page: str | None
    message: str
    datasource_id: str | None = Field(
        None, alias="datasourceId", description="For datasource steps: the datasource to complete."
    )


class ImportReportOut(Out):
    app: str
    source: dict[str, Any] = Field(description="The form read (json or git) and its schema versions.")
    counts: dict[str, dict[str, int]] = Field(description="Per kind, how many lines have each status.")
    carried: list[ImportReportLine]
    not_carried: list[ImportReportLine] = Field(alias="notCarried")
    next_steps: list[ImportNextStep] = Field(alias="nextSteps")


class AppsmithImportResult(Out):
    """The application an Appsmith import created, and its report."""

    application: ApplicationSummary
    report: ImportReportOut
    seconds: float = Field(description="How long reading, converting and storing took.")
