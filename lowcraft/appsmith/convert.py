"""An Appsmith app (the typed model) -> Lowcraft's pages and actions, and the import report.

Nothing is written here: the import service (after page-scoped names and per-page actions land in
the shared model) stores the result in one transaction. JS objects, datasources and libraries are
checked against what Lowcraft can run and reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lowcraft.appsmith.actions import ConvertedAction, NotConvertible, connector_for, convert_action
from lowcraft.appsmith.model import AppsmithApp
from lowcraft.appsmith.report import ImportReport
from lowcraft.appsmith.widgets import convert_page_tree


@dataclass
class ConvertedPage:
    name: str
    slug: str | None
    is_default: bool
    hidden: bool
    dsl: dict[str, Any]


@dataclass
class ConvertedApp:
    app: AppsmithApp
    pages: list[ConvertedPage] = field(default_factory=list)
    actions: list[ConvertedAction] = field(default_factory=list)
    report: ImportReport = field(default_factory=lambda: ImportReport(app=""))


def convert_app(app: AppsmithApp, known_types: frozenset[str] | None = None) -> ConvertedApp:
    report = ImportReport(
        app=app.name,
        source={
            "form": app.source_form,
            "serverSchemaVersion": app.server_schema_version,
            "clientSchemaVersion": app.client_schema_version,
            "fileFormatVersion": app.file_format_version,
        },
    )
    result = ConvertedApp(app=app, report=report)
    positioning = app.settings.get("appPositioning")
    if isinstance(positioning, dict) and positioning.get("type") == "AUTO":
        report.add(
            "setting",
            "appPositioning",
            None,
            "adjusted",
            "auto-layout app: widgets keep their fixed positions; Lowcraft has no auto-layout",
        )
    for page in app.pages:
        dsl = convert_page_tree(page.dsl, page.name, report, known_types)
        result.pages.append(ConvertedPage(page.name, page.slug, page.is_default, page.hidden, dsl))
        report.add("page", page.name, None, "carried")
    if app.theme is not None:
        report.add("theme", app.theme.name, None, "carried")
    if app.navigation:
        report.add("setting", "navigation", None, "carried")

    for action in app.actions:
        try:
            converted = convert_action(action)
        except NotConvertible as exc:
            report.add("query", action.name, action.page, "notCarried", str(exc))
            continue
        result.actions.append(converted)
        where = "its own URL" if action.datasource is None else f"datasource '{action.datasource}'"
        report.add(
            "query",
            action.name,
            action.page,
            "carried",
            f"runs on the {converted.connector} connector ({where})",
        )
        if not converted.settings["preparedStatements"] and converted.connector in ("postgres", "mysql"):
            report.step(
                "reviewPreparedStatements",
                action.name,
                "Prepared statements are off for this query: bound values are inserted as SQL text. "
                "Check that no user input reaches it unescaped.",
                action.page,
            )

    for datasource in app.datasources:
        connector = connector_for(datasource.plugin_id)
        if connector is None:
            report.add(
                "datasource",
                datasource.name,
                None,
                "placeholder",
                f"Lowcraft has no connector for Appsmith's {datasource.plugin_id or 'unknown'} plugin yet; "
                "created as a placeholder so its queries keep their datasource",
            )
            continue
        report.add(
            "datasource",
            datasource.name,
            None,
            "carried",
            f"created as a {connector} datasource without credentials",
        )
        report.step(
            "fillDatasourceCredentials",
            datasource.name,
            f"Fill in the connection details and credentials of '{datasource.name}' ({connector}): "
            "no secret travels with an Appsmith export.",
        )

    for obj in app.js_objects:
        report.add("jsObject", obj.name, obj.page, "carried")
        for function in obj.functions:
            settings = [
                label
                for label, on in (
                    ("runs on page load", function.execute_on_load),
                    ("asks for confirmation", function.confirm_before_execute),
                )
                if on
            ]
            report.add("jsFunction", f"{obj.name}.{function.name}", obj.page, "carried", ", ".join(settings))

    for lib in app.js_libs:
        report.add("jsLibrary", lib.name, None, "carried", f"loads from {lib.url}")
        report.step(
            "allowJsLibrary",
            lib.name,
            f"An instance administrator must allow {lib.url} before '{lib.name}' loads.",
        )

    for item in report.not_carried:
        if item.kind == "widget" and item.status == "placeholder":
            report.step(
                "replacePlaceholder",
                item.name,
                "This widget shows as a placeholder until Lowcraft has its type; re-import then.",
                item.page,
            )
    return result
