"""The application around the pages: theme, navigation, datasource stubs."""

from __future__ import annotations

import json

from lowcraft.appsmith.convert import convert_app, js_function_settings
from lowcraft.appsmith.model import (
    AppsmithAction,
    AppsmithApp,
    AppsmithJsFunction,
    AppsmithJsObject,
    AppsmithPage,
    AppsmithTheme,
)
from lowcraft.appsmith.read import read_export_bytes, read_files
from tests.appsmith.builders import SECRET, git_files, json_bytes, main_container, orders_app, single_file


def test_theme_and_navigation_become_the_application_settings() -> None:
    app = convert_app(read_export_bytes(json_bytes(single_file(orders_app()))))
    assert app.application == {
        "name": "Orders admin",
        "slug": "orders-admin",
        "theme": {
            "primaryColor": "#553DE9",
            "backgroundColor": "#F8FAFC",
            "fontFamily": "Nunito Sans",
            "borderRadius": "0.375rem",
            "boxShadow": "0 1px 3px rgba(0,0,0,.1)",
        },
        "settings": {"navigation": "top", "defaultPage": "Orders"},
    }


def test_datasources_become_stubs_without_credentials() -> None:
    app = convert_app(read_export_bytes(json_bytes(single_file(orders_app(), "legacy"))))
    stubs = {d.name: (d.connector, d.connection) for d in app.datasources}
    assert stubs["Orders DB"] == ("postgres", {})
    assert stubs["Legacy Mongo"] == (None, {})
    assert SECRET not in repr(app.datasources)


def minimal(**changes: object) -> AppsmithApp:
    app = AppsmithApp(
        name="A",
        source_form="json",
        server_schema_version=7,
        client_schema_version=1,
        pages=[AppsmithPage("P", "p", True, False, main_container(100))],
    )
    for key, value in changes.items():
        setattr(app, key, value)
    return app


def test_a_public_app_is_imported_private_and_the_report_says_so() -> None:
    result = convert_app(minimal(settings={"isPublic": True}))
    [line] = result.report.find("setting", "publicAccess")
    assert line.status == "notCarried" and "starts private" in line.why
    assert "publicAccess" not in result.application["settings"]


def test_side_navigation_and_odd_theme_values() -> None:
    theme = AppsmithTheme(
        "T", properties={"colors": {"primaryColor": 5}, "fontFamily": {"appFont": "x" * 300}}
    )
    result = convert_app(minimal(navigation={"orientation": "side"}, theme=theme))
    assert result.application["settings"]["navigation"] == "side"
    assert result.application["theme"] == {}


def test_apis_with_their_own_urls_share_one_datasource_per_url_with_a_unique_name() -> None:
    def api(name: str, url: str) -> AppsmithAction:
        return AppsmithAction(
            name, "P", "restapi-plugin", "API", None, embedded_url=url, http_method="GET", path="/x"
        )

    app = minimal(
        actions=[
            api("a", "https://h.example/v1"),
            api("b", "https://h.example/v1"),
            api("c", "https://h.example/v2"),
        ]
    )
    app.datasources = []
    result = convert_app(app)
    assert [(d.name, d.connection["base_url"]) for d in result.datasources] == [
        ("h.example", "https://h.example/v1"),
        ("h.example 2", "https://h.example/v2"),
    ]
    assert [a.datasource for a in result.actions] == ["h.example", "h.example", "h.example 2"]


def test_queries_and_js_objects_of_a_page_missing_from_the_export_are_reported() -> None:
    doc = single_file(orders_app())
    doc["pageList"] = doc["pageList"][:1]
    result = convert_app(read_export_bytes(json_bytes(doc)))
    [query] = result.report.find("query", "fetchUsers")
    assert (query.status, query.page, query.why) == (
        "notCarried",
        "Customers",
        "its page is not in the export",
    )
    assert [i.status for i in result.report.find("jsObject", "Utils", "Customers")] == ["notCarried"]
    assert "fetchUsers" not in {a.name for a in result.actions}


def test_an_automatic_query_runs_on_page_load_and_the_report_says_what_is_lost() -> None:
    doc = single_file(orders_app(), "v2025")
    entry = next(a for a in doc["actionList"] if a["unpublishedAction"]["name"] == "cacheGet")
    entry["unpublishedAction"]["runBehaviour"] = "AUTOMATIC"
    result = convert_app(read_export_bytes(json_bytes(doc)))
    assert next(a for a in result.actions if a.name == "cacheGet").settings["runOnPageLoad"] is True
    [line] = result.report.find("query", "cacheGet")
    assert line.status == "adjusted" and "not again by itself" in line.why


def test_a_system_theme_exported_by_name_only_falls_back_to_the_default_theme() -> None:
    doc = single_file(orders_app())
    doc["editModeTheme"] = {"name": "Default-New", "displayName": "Modern", "isSystemTheme": True}
    result = convert_app(read_export_bytes(json_bytes(doc)))
    assert result.app.theme is not None and result.app.theme.is_system
    assert result.application["theme"] == {}
    [line] = result.report.find("theme", "Default-New")
    assert line.status == "adjusted" and "'Modern'" in line.why


def test_git_queries_belong_to_the_page_folder_they_are_in() -> None:
    files = git_files(orders_app(), 5)
    meta = json.loads(files["pages/Customers/queries/cacheGet/metadata.json"])
    meta["unpublishedAction"]["pageId"] = "64f0c0ffee"
    files["pages/Customers/queries/cacheGet/metadata.json"] = json.dumps(meta).encode()
    app = read_files(files)
    assert next(a for a in app.actions if a.name == "cacheGet").page == "Customers"


def test_js_function_settings_become_the_js_object_s_settings() -> None:
    obj = AppsmithJsObject(
        "Loader",
        "Home",
        "export default {}",
        functions=[
            AppsmithJsFunction("init", run_behaviour="ON_PAGE_LOAD"),
            AppsmithJsFunction("purge", confirm_before_execute=True),
            AppsmithJsFunction("plain"),
        ],
    )
    assert js_function_settings(obj) == {
        "init": {"runOnPageLoad": True, "confirmBeforeRun": False},
        "purge": {"runOnPageLoad": False, "confirmBeforeRun": True},
    }
