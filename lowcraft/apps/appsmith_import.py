"""Import an Appsmith app into a workspace: read and convert it (`lowcraft.appsmith`), then store
the result - a new application, its pages, queries, JS objects, JS libraries, theme and
navigation, and the datasources its queries need - in the caller's one transaction.

Who may: Developers and Administrators of the workspace (as for any new application). Audited as
`application.imported` with `from: appsmith`. Nothing is written when anything fails: the reader
and converter write nothing, and every write here happens in the request's transaction, which a
raised error rolls back.

Datasources: an Appsmith datasource maps to the workspace's datasource of the same name and
connector when there is one (its credentials are then already in place). Otherwise a stub is
created without any configuration (no secret travels with an export; the report's next steps ask
for the credentials), under the Appsmith name, or a free variant of it when the workspace uses the
name for another connector. A datasource of a plugin Lowcraft lacks becomes a placeholder
datasource (`PLACEHOLDER_CONNECTOR`): its queries are kept and cannot run until a developer picks a
connector for it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any, BinaryIO

from pydantic import ValidationError
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from lowcraft.appmodel.document_format import FORMAT, FORMAT_VERSION, JsLibraryDoc, parse_document
from lowcraft.apps.errors import InvalidDocument
from lowcraft.apps.service import AppView, create_from_document
from lowcraft.appsmith import ConvertedApp, ImportReport, convert_app, read_appsmith
from lowcraft.appsmith.convert import js_function_settings
from lowcraft.appsmith.model import AppsmithApp
from lowcraft.audit.handler import record
from lowcraft.connectors.registry import PLACEHOLDER_CONNECTOR
from lowcraft.context import Context
from lowcraft.datasources.models import Datasource
from lowcraft.datasources.service import create_datasource
from lowcraft.jslibs.service import DocumentLibraries, fetch_document_libraries
from lowcraft.workspaces.permissions import Role, require_user, require_workspace


@dataclass
class AppsmithImport:
    view: AppView
    report: ImportReport
    datasources: dict[str, Datasource]
    """Appsmith datasource name -> the workspace datasource its queries use."""
    seconds: float


def import_appsmith(
    ctx: Context, workspace_id: str, source: BinaryIO | AppsmithApp, name: str | None = None,
    libraries: DocumentLibraries | None = None,
) -> AppsmithImport:
    """Create an application from an Appsmith export (a JSON file or zip stream, or an app already
    read); raises an `AppsmithImportError` (400/413) or `InvalidDocument` (400) naming the fault.

    `libraries` holds the code of the app's JS libraries fetched beforehand (`fetch_libraries`);
    a library without code is kept in the document and the report says what to do."""
    _, role = require_workspace(ctx, workspace_id, Role.DEVELOPER)
    require_user(ctx)
    started = time.perf_counter()
    app = source if isinstance(source, AppsmithApp) else read_appsmith(source)
    converted = convert_app(app)
    document = _document(converted, name)
    try:
        doc = parse_document(document)
    except InvalidDocument as exc:
        raise InvalidDocument(
            f"The converted app does not fit Lowcraft's rules: {exc.message}", details=exc.details
        ) from None
    datasources = _datasources(ctx, workspace_id, converted)
    created, outcomes = create_from_document(ctx, workspace_id, doc, doc.application.name, libraries, datasources)
    report = converted.report
    for outcome in outcomes:
        if not outcome.installed:
            report.step("allowJsLibrary", outcome.name,
                        f"JS library '{outcome.name}' did not load: {outcome.problem or 'it was not fetched'}"
                        f" An instance administrator may need to allow {outcome.url}.")
    record(
        ctx, "application.imported", "application", created.id, created.name, workspace_id=workspace_id,
        summary={
            "from": "appsmith",
            "form": app.source_form,
            "pages": len(doc.pages),
            "counts": report.counts(),
        },
    )
    return AppsmithImport(AppView(created, role), report, datasources, time.perf_counter() - started)


def _read(ctx: Context, workspace_id: str, source: BinaryIO) -> AppsmithApp:
    require_workspace(ctx, workspace_id, Role.DEVELOPER)
    return read_appsmith(source)


def libraries_of(app: AppsmithApp) -> list[JsLibraryDoc]:
    """The app's JS libraries Lowcraft can load (those whose globals the export names)."""
    found = []
    for lib in app.js_libs:
        try:
            found.append(JsLibraryDoc.model_validate(
                {"name": lib.name, "url": lib.url, "version": lib.version, "accessor": list(lib.accessors)}
            ))
        except ValidationError:
            continue  # parse_document refuses it with the reason
    return found


async def import_appsmith_fetching_libraries(
    ctx: Context, workspace_id: str, source: BinaryIO, name: str | None = None
) -> AppsmithImport:
    """`import_appsmith`, fetching the app's JS libraries from their URLs first where the instance
    allows them (outside the database work: a slow CDN holds no transaction open for long)."""
    app = await run_in_threadpool(_read, ctx, workspace_id, source)
    libraries = await fetch_document_libraries(ctx, workspace_id, libraries_of(app))
    return await run_in_threadpool(import_appsmith, ctx, workspace_id, app, name, libraries)


def _document(converted: ConvertedApp, name: str | None) -> dict[str, Any]:
    """The converted app as a Lowcraft application document (docs/app-format.md)."""
    application = dict(converted.application)
    app_name = (name or application.get("name") or "Imported app").strip()[:100] or "Imported app"
    pages = []
    for page in converted.pages:
        pages.append({
            "name": page.name,
            "slug": page.slug,
            "isDefault": page.is_default,
            "hidden": page.hidden,
            "dsl": page.dsl,
            "actions": [
                {"name": a.name, "datasource": a.datasource, "connector": a.connector, "config": a.config,
                 "settings": a.settings}
                for a in converted.actions if a.page == page.name
            ],
            "jsObjects": [
                {"name": obj.name, "body": obj.body, "settings": js_function_settings(obj)}
                for obj in converted.app.js_objects if obj.page == page.name
            ],
        })
    return {
        "format": FORMAT,
        "formatVersion": FORMAT_VERSION,
        "application": {
            "name": app_name,
            "slug": application.get("slug"),
            "theme": application.get("theme") or {},
            "settings": {k: v for k, v in (application.get("settings") or {}).items() if v is not None},
            "jsLibraries": [
                {"name": lib.name, "url": lib.url, "version": lib.version, "accessor": list(lib.accessors)}
                for lib in converted.app.js_libs if lib.accessors
            ],
        },
        "datasources": [
            {"name": stub.name, "connector": stub.connector or PLACEHOLDER_CONNECTOR}
            for stub in converted.datasources
        ],
        "pages": pages,
    }


def _free_name(base: str, taken: set[str]) -> str:
    base = base[:90]
    name, n = f"{base} (Appsmith)", 1
    while name in taken:
        n += 1
        name = f"{base} (Appsmith {n})"
    return name


def _datasources(ctx: Context, workspace_id: str, converted: ConvertedApp) -> dict[str, Datasource]:
    """The workspace datasource each Appsmith datasource (by name) maps to; creates the missing."""
    report = converted.report
    existing = {
        ds.name: ds
        for ds in ctx.db.scalars(select(Datasource).where(Datasource.workspace_id == workspace_id)).all()
    }
    taken = set(existing)
    found: dict[str, Datasource] = {}
    for stub in converted.datasources:
        connector = stub.connector or PLACEHOLDER_CONNECTOR
        same = existing.get(stub.name)
        if same is not None and same.connector == connector:
            found[stub.name] = same
            _retell(report, stub.name, f"uses the workspace's {connector} datasource '{same.name}'")
            continue
        ds_name = stub.name[:100] if stub.name not in taken else _free_name(stub.name, taken)
        taken.add(ds_name)
        if stub.connector is None:
            ds = Datasource(workspace_id=workspace_id, name=ds_name, connector=PLACEHOLDER_CONNECTOR,
                            created_by=ctx.user.id if ctx.user else None)
            ctx.db.add(ds)
            ctx.db.flush()
            record(ctx, "datasource.created", "datasource", ds.id, ds.name, workspace_id=workspace_id,
                   summary={"connector": PLACEHOLDER_CONNECTOR, "by": "import", "plugin": stub.plugin_id})
        else:
            configs = {"production": dict(stub.connection)} if stub.connection else {}
            ds = create_datasource(ctx, workspace_id, ds_name, stub.connector, configs).datasource
        if ds_name != stub.name:
            _retell(report, stub.name, f"the workspace's '{stub.name}' is another kind of datasource; "
                                       f"created as '{ds_name}'", renamed_to=ds_name)
        found[stub.name] = ds
    return found


def _retell(report: ImportReport, name: str, why: str, renamed_to: str | None = None) -> None:
    """Say what happened to a datasource line of the report, and fix its next step."""
    for index, item in enumerate(report.items):
        if item.kind == "datasource" and item.name == name:
            report.items[index] = replace(item, why=why)
    if renamed_to is not None:
        report.next_steps[:] = [
            replace(step, name=renamed_to, message=step.message.replace(f"'{name}'", f"'{renamed_to}'"))
            if step.name == name and step.kind in ("fillDatasourceCredentials", "chooseConnector") else step
            for step in report.next_steps
        ]
    else:
        report.next_steps[:] = [
            step for step in report.next_steps
            if not (step.name == name and step.kind in ("fillDatasourceCredentials", "chooseConnector"))
        ]
