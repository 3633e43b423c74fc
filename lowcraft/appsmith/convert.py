"""An Appsmith app (the typed model) -> Lowcraft's application, pages, datasources and actions,
and the import report.

Nothing is written here: the import service (once page-scoped names and per-page actions are in
the shared model) stores the result in one transaction. Datasources become stubs without
credentials (no secret travels with an export); one of a plugin Lowcraft lacks becomes a
placeholder so its queries still name it. Public access is not carried: an imported app starts
private, and the report says to turn it on if wanted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from lowcraft.appsmith.actions import (
    ConvertedAction,
    NotConvertible,
    connector_for,
    convert_action,
    placeholder_action,
)
from lowcraft.appsmith.model import AppsmithApp, AppsmithJsObject
from lowcraft.appsmith.report import ImportReport, Status
from lowcraft.appsmith.widgets import convert_page_tree

# Lowcraft theme key -> where Appsmith keeps it in a theme's `properties`.
THEME_PATHS: dict[str, tuple[str, str]] = {
    "primaryColor": ("colors", "primaryColor"),
    "backgroundColor": ("colors", "backgroundColor"),
    "fontFamily": ("fontFamily", "appFont"),
    "borderRadius": ("borderRadius", "appBorderRadius"),
    "boxShadow": ("boxShadow", "appBoxShadow"),
}
MAX_THEME_VALUE = 200


@dataclass
class ConvertedPage:
    name: str
    slug: str | None
    is_default: bool
    hidden: bool
    dsl: dict[str, Any]


@dataclass
class DatasourceStub:
    """A datasource to create: no credentials; `connector` None marks a placeholder."""

    name: str
    plugin_id: str
    connector: str | None
    connection: dict[str, Any] = field(default_factory=dict)
    """Non-secret settings known from the export: the base URL of an API's own URL."""


@dataclass
class ConvertedApp:
    app: AppsmithApp
    application: dict[str, Any] = field(default_factory=dict)
    """`name`, `slug`, `theme`, `settings` in the shape of the application document."""
    pages: list[ConvertedPage] = field(default_factory=list)
    datasources: list[DatasourceStub] = field(default_factory=list)
    actions: list[ConvertedAction] = field(default_factory=list)
    report: ImportReport = field(default_factory=lambda: ImportReport(app=""))


def theme_of(app: AppsmithApp) -> dict[str, str]:
    """Lowcraft's theme keys from the Appsmith theme's properties (strings only, as Lowcraft keeps)."""
    if app.theme is None:
        return {}
    theme: dict[str, str] = {}
    for key, (group, name) in THEME_PATHS.items():
        section = app.theme.properties.get(group)
        value = section.get(name) if isinstance(section, dict) else None
        if isinstance(value, str) and value and len(value) <= MAX_THEME_VALUE:
            theme[key] = value
    return theme


def _embedded_name(url: str, taken: set[str]) -> str:
    """A datasource name for an API's own URL: its host, made unique among the app's names."""
    host = urlsplit(url).hostname or "API"
    base = re.sub(r"[^A-Za-z0-9 ._-]", "", host)[:80] or "API"
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base} {n}"
    return name


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
    _application(app, result)
    for page in app.pages:
        dsl, notes = convert_page_tree(page.dsl, page.name, report, known_types)
        result.pages.append(ConvertedPage(page.name, page.slug, page.is_default, page.hidden, dsl))
        report.add("page", page.name, None, "adjusted" if notes else "carried", "; ".join(notes))
    _datasources(app, result)
    _actions(app, result)
    _js(app, result)
    for item in report.not_carried:
        if item.kind == "widget" and item.status == "placeholder":
            report.step(
                "replacePlaceholder",
                item.name,
                "This widget shows as a placeholder until Lowcraft has its type; re-import then.",
                item.page,
            )
    return result


def _application(app: AppsmithApp, result: ConvertedApp) -> None:
    report = result.report
    orientation = app.navigation.get("orientation")
    settings: dict[str, Any] = {
        "navigation": "side" if orientation == "side" else "top",
        "defaultPage": next((p.name for p in app.pages if p.is_default), None),
    }
    result.application = {"name": app.name, "slug": app.slug, "theme": theme_of(app), "settings": settings}
    if app.theme is not None:
        carried = sorted(result.application["theme"])
        if carried:
            report.add("theme", app.theme.name, None, "carried", ", ".join(carried))
        else:
            label = app.theme.display_name or app.theme.name
            report.add(
                "theme",
                app.theme.name,
                None,
                "adjusted",
                f"Appsmith's theme '{label}' came without its values; Lowcraft's default theme applies",
            )
    if app.navigation:
        why = f"{settings['navigation']} navigation"
        if orientation not in (None, "top", "side"):
            why = f"{orientation} navigation became top navigation"
        report.add("setting", "navigation", None, "carried", why)
    if app.settings.get("isPublic") is True:
        report.add(
            "setting",
            "publicAccess",
            None,
            "notCarried",
            "the app was public in Appsmith; an imported app starts private: turn public access on if wanted",
        )
    positioning = app.settings.get("appPositioning")
    if isinstance(positioning, dict) and positioning.get("type") == "AUTO":
        report.add(
            "setting",
            "appPositioning",
            None,
            "adjusted",
            "auto-layout app: widgets keep their fixed positions; Lowcraft has no auto-layout",
        )


def _datasources(app: AppsmithApp, result: ConvertedApp) -> None:
    report = result.report
    for datasource in app.datasources:
        connector = connector_for(datasource.plugin_id)
        result.datasources.append(DatasourceStub(datasource.name, datasource.plugin_id, connector))
        if connector is None:
            report.add(
                "datasource",
                datasource.name,
                None,
                "placeholder",
                f"Lowcraft has no connector for Appsmith's {datasource.plugin_id or 'unknown'} plugin yet; "
                "created as a placeholder so its queries keep their datasource",
                datasource.plugin_id,
            )
            report.step(
                "chooseConnector",
                datasource.name,
                f"Pick a connector for '{datasource.name}' (Appsmith's {datasource.plugin_id or 'unknown'} "
                "plugin), then fill in its connection details: until then its queries cannot run.",
            )
            continue
        report.add(
            "datasource",
            datasource.name,
            None,
            "carried",
            f"created as a {connector} datasource",
            datasource.plugin_id,
        )
        report.step(
            "fillDatasourceCredentials",
            datasource.name,
            f"Fill in the connection details and credentials of '{datasource.name}' ({connector}): "
            "no secret travels with an Appsmith export.",
        )


def _actions(app: AppsmithApp, result: ConvertedApp) -> None:
    report = result.report
    taken = {d.name for d in app.datasources}
    placeholders = {d.name for d in result.datasources if d.connector is None}
    pages = {page.name for page in app.pages}
    by_url: dict[str, str] = {}
    for action in app.actions:
        if action.page not in pages:
            report.add(
                "query",
                action.name,
                action.page or None,
                "notCarried",
                "its page is not in the export",
                action.plugin_id,
            )
            continue
        if action.datasource in placeholders and connector_for(action.plugin_id) is None:
            # Kept on the placeholder datasource: it cannot run until a connector is picked.
            result.actions.append(placeholder_action(action))
            report.add(
                "query",
                action.name,
                action.page,
                "placeholder",
                f"kept on the placeholder datasource '{action.datasource}'; it cannot run until a "
                "developer picks a connector for that datasource",
                action.plugin_id,
            )
            continue
        stub_name: str | None = None
        if action.datasource is None and action.embedded_url and connector_for(action.plugin_id) == "rest":
            stub_name = by_url.get(action.embedded_url)
            if stub_name is None:
                stub_name = by_url[action.embedded_url] = _embedded_name(action.embedded_url, taken)
                taken.add(stub_name)
                result.datasources.append(
                    DatasourceStub(stub_name, action.plugin_id, "rest", {"base_url": action.embedded_url})
                )
                report.add(
                    "datasource", stub_name, None, "carried", f"created for the URL {action.embedded_url}"
                )
        try:
            converted = convert_action(action, stub_name)
        except NotConvertible as exc:
            report.add("query", action.name, action.page, "notCarried", str(exc), action.plugin_id)
            continue
        if converted.datasource is None:
            report.add(
                "query",
                action.name,
                action.page,
                "notCarried",
                "it names no datasource and no URL",
                action.plugin_id,
            )
            continue
        result.actions.append(converted)
        why = f"runs on the {converted.connector} connector (datasource '{converted.datasource}')"
        if action.run_behaviour == "AUTOMATIC":
            why += "; runs on page load, but not again by itself when its inputs change as in Appsmith"
        status: Status = "adjusted" if action.run_behaviour == "AUTOMATIC" else "carried"
        report.add("query", action.name, action.page, status, why, action.plugin_id)
        if not converted.settings["preparedStatements"] and converted.connector in ("postgres", "mysql"):
            report.step(
                "reviewPreparedStatements",
                action.name,
                "Prepared statements are off for this query: bound values are inserted as SQL text. "
                "Check that no user input reaches it unescaped.",
                action.page,
            )


def js_function_settings(obj: AppsmithJsObject) -> dict[str, dict[str, bool]]:
    """The JS object's `settings` in Lowcraft's document (docs/app-format.md): per function that
    runs on page load or asks for confirmation, both flags; functions with neither are left out."""
    return {
        function.name: {
            "runOnPageLoad": function.execute_on_load,
            "confirmBeforeRun": bool(function.confirm_before_execute),
        }
        for function in sorted(obj.functions, key=lambda f: f.name)
        if function.execute_on_load or function.confirm_before_execute
    }


def _js(app: AppsmithApp, result: ConvertedApp) -> None:
    report = result.report
    pages = {page.name for page in app.pages}
    for obj in app.js_objects:
        if obj.page not in pages:
            report.add("jsObject", obj.name, obj.page or None, "notCarried", "its page is not in the export")
            continue
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
            name = f"{obj.name}.{function.name}"
            report.add("jsFunction", name, obj.page, "carried", f"it {' and '.join(settings)}" if settings else "")
    for lib in app.js_libs:
        if not lib.accessors:
            # Lowcraft loads a library under the globals recorded at install; without them nothing
            # could call it.
            report.add("jsLibrary", lib.name, None, "notCarried",
                       f"the export does not say which globals it defines: install it again from {lib.url}")
        else:
            report.add("jsLibrary", lib.name, None, "carried", f"loads from {lib.url}")