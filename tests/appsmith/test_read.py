"""Reading an Appsmith app from every form it comes in: what the typed model must hold."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from lowcraft.appsmith.errors import AppsmithImportError, InvalidArchive, InvalidExport, UnsupportedVersion
from lowcraft.appsmith.model import AppsmithApp
from lowcraft.appsmith.parse import CLIENT_SCHEMA_VERSIONS, SERVER_SCHEMA_VERSIONS
from lowcraft.appsmith.read import read_appsmith, read_export_bytes, read_files
from lowcraft.errors import BadRequest
from tests.appsmith.builders import (
    ERAS,
    SECRET,
    an_export_from_2021,
    git_files,
    json_bytes,
    orders_app,
    single_file,
    zip_of,
)


def _write(tmp_path: Path, files: dict[str, bytes]) -> Path:
    for rel, data in files.items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return tmp_path


def every_form(tmp_path: Path) -> dict[str, AppsmithApp]:
    app = orders_app()
    forms: dict[str, AppsmithApp] = {
        f"json-{era}": read_export_bytes(json_bytes(single_file(app, era))) for era in ERAS
    }
    forms["json-in-zip"] = read_appsmith(io.BytesIO(zip_of({"export.json": json_bytes(single_file(app))})))
    forms["git-v5-zip"] = read_appsmith(io.BytesIO(zip_of(git_files(app, 5, prefix="orders-main/"))))
    forms["git-v4-zip"] = read_appsmith(io.BytesIO(zip_of(git_files(app, 4, era="v2023"))))
    forms["git-v5-folder"] = read_appsmith(_write(tmp_path, git_files(app, 5)))
    json_file = tmp_path.parent / f"{tmp_path.name}-export.json"
    json_file.write_bytes(json_bytes(single_file(app, "v2025")))
    forms["json-file"] = read_appsmith(json_file)
    return forms


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> dict[str, AppsmithApp]:
    return every_form(tmp_path_factory.mktemp("clone"))


FORMS = [
    "json-legacy",
    "json-v2023",
    "json-v2025",
    "json-in-zip",
    "git-v5-zip",
    "git-v4-zip",
    "git-v5-folder",
    "json-file",
]


@pytest.mark.parametrize("form", FORMS)
def test_every_form_yields_the_same_app(forms: dict[str, AppsmithApp], form: str) -> None:
    app = forms[form]
    assert app.name == "Orders admin"
    assert [(p.name, p.slug, p.is_default) for p in app.pages] == [
        ("Orders", "orders", True),
        ("Customers", "customers", False),
    ]
    assert app.page("Orders").on_load_actions == ["getOrders", "Utils.init"]
    assert app.page("Orders").dsl["widgetName"] == "MainContainer"
    assert sorted(a.name for a in app.actions) == sorted(
        [
            "getOrders",
            "deleteOrder",
            "insertRows",
            "fetchUsers",
            "countries",
            "cacheGet",
            "findLegacy",
            "listFiles",
        ]
    )
    assert {(d.name, d.plugin_id) for d in app.datasources} >= {
        ("Orders DB", "postgres-plugin"),
        ("Legacy Mongo", "mongo-plugin"),
    }
    assert [(lib.name, lib.accessors, lib.version) for lib in app.js_libs] == [
        ("xmlParser", ["xmlParser"], "3.17.5")
    ]
    assert app.theme is not None and app.theme.properties["colors"]["primaryColor"] == "#553DE9"
    assert app.navigation["orientation"] == "top"
    assert app.settings["appLayout"] == {"type": "FLUID"}


@pytest.mark.parametrize("form", FORMS)
def test_query_settings_are_read(forms: dict[str, AppsmithApp], form: str) -> None:
    actions = {a.name: a for a in forms[form].actions}
    get = actions["getOrders"]
    assert (get.page, get.plugin_id, get.datasource) == ("Orders", "postgres-plugin", "Orders DB")
    assert get.body == "select * from orders where status = {{Select1.selectedOptionValue}}"
    assert get.execute_on_load and not get.confirm_before_execute
    assert get.timeout_ms == 12000 and get.prepared_statements is True
    assert actions["deleteOrder"].confirm_before_execute and not actions["deleteOrder"].execute_on_load
    assert actions["insertRows"].prepared_statements is False
    rest = actions["fetchUsers"]
    assert (rest.datasource, rest.embedded_url, rest.http_method, rest.path) == (
        None,
        "https://api.example.com",
        "GET",
        "/users",
    )
    assert rest.headers == [("Accept", "application/json")]
    assert rest.query_parameters == [("page", "{{Table1.pageNo}}")]
    assert rest.execute_on_load
    assert (
        actions["countries"].plugin_id == "graphql-plugin"
        and actions["countries"].prepared_statements is None
    )
    assert actions["findLegacy"].form_data["collection"] == {"data": "users"}


@pytest.mark.parametrize("form", FORMS)
def test_js_objects_keep_their_page_and_function_settings(forms: dict[str, AppsmithApp], form: str) -> None:
    objects = {(o.page, o.name): o for o in forms[form].js_objects}
    assert set(objects) == {("Orders", "Utils"), ("Customers", "Utils")}
    orders = objects[("Orders", "Utils")]
    assert "async init()" in orders.body
    settings = {f.name: (f.execute_on_load, f.confirm_before_execute, f.is_async) for f in orders.functions}
    assert settings == {
        "fmt": (False, False, False),
        "init": (True, False, True),
        "danger": (False, True, False),
    }
    assert [f.name for f in objects[("Customers", "Utils")].functions] == ["init"]
    assert orders.variables == ["rowsCache"]


def test_versions_are_recorded(forms: dict[str, AppsmithApp]) -> None:
    assert (forms["json-v2023"].server_schema_version, forms["json-v2023"].client_schema_version) == (7, 1)
    assert forms["json-v2025"].server_schema_version == 12
    assert (forms["git-v5-zip"].source_form, forms["git-v5-zip"].file_format_version) == ("git", 5)
    assert forms["git-v4-zip"].file_format_version == 4


def test_no_secret_is_read_from_any_form(forms: dict[str, AppsmithApp]) -> None:
    # The legacy export carries decryptedFields and every form a datasource password.
    assert SECRET in json_bytes(single_file(orders_app(), "legacy")).decode()
    for app in forms.values():
        assert SECRET not in repr(app)


def test_git_v5_widget_files_are_relinked_by_folder_and_parent_id(forms: dict[str, AppsmithApp]) -> None:
    def tree(app: AppsmithApp) -> Any:
        def norm(widget: dict[str, Any]) -> Any:
            return (widget["widgetName"], sorted((norm(c) for c in widget.get("children") or []), key=repr))

        return norm(app.page("Orders").dsl)

    assert tree(forms["git-v5-zip"]) == tree(forms["json-v2025"])
    tabs = next(c for c in forms["git-v5-zip"].page("Orders").dsl["children"] if c["widgetName"] == "Tabs1")
    assert {c["widgetName"]: [g["widgetName"] for g in c["children"]] for c in tabs["children"]} == {
        "CanvasTabA": ["Button1"],
        "CanvasTabB": ["Map1"],
    }


def test_a_page_deleted_in_edit_mode_is_not_imported() -> None:
    doc = single_file(orders_app())
    doc["pageList"][1]["unpublishedPage"]["deletedAt"] = "2024-01-01T00:00:00Z"
    assert [p.name for p in read_export_bytes(json_bytes(doc)).pages] == ["Orders"]


@pytest.mark.parametrize(
    ("key", "value", "understood"),
    [
        ("serverSchemaVersion", SERVER_SCHEMA_VERSIONS[-1] + 1, SERVER_SCHEMA_VERSIONS),
        ("clientSchemaVersion", 99.0, CLIENT_SCHEMA_VERSIONS),
    ],
)
def test_a_newer_schema_version_is_refused_naming_the_versions_understood(
    key: str, value: Any, understood: list[int]
) -> None:
    doc = single_file(orders_app())
    doc[key] = value
    with pytest.raises(UnsupportedVersion) as caught:
        read_export_bytes(json_bytes(doc))
    assert caught.value.details == {"field": key, "found": value, "understood": understood}
    assert f"{understood[0]} to {understood[-1]}" in caught.value.message


def test_a_newer_git_file_format_is_refused() -> None:
    files = git_files(orders_app(), 5)
    files["metadata.json"] = json.dumps({"fileFormatVersion": 6}).encode()
    with pytest.raises(
        UnsupportedVersion, match="fileFormatVersion 6; Lowcraft understands fileFormatVersion 4 to 5"
    ):
        read_files(files)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b"[1, 2]", "not an Appsmith export"),
        (b'{"name": "a Retool app", "pages": []}', "not an Appsmith export"),
        (b'{"exportedApplication": {}, "pageList": []}', "no pages"),
        (b'{"exportedApplication": {}}', "no 'pageList'"),
        (
            b'{"exportedApplication": {}, "pageList": [{"unpublishedPage": {"name": "P", "layouts": []}}]}',
            "no widget tree",
        ),
        (b'{"exportedApplication": {}, "pageList": [], "serverSchemaVersion": "seven"}', "must be a number"),
    ],
)
def test_what_is_not_an_appsmith_export_gets_a_clear_error(payload: bytes, message: str) -> None:
    with pytest.raises(InvalidExport, match=message) as caught:
        read_appsmith(io.BytesIO(payload))
    assert isinstance(caught.value, BadRequest)


def test_a_zip_with_neither_form_is_refused() -> None:
    with pytest.raises(InvalidArchive, match="No Appsmith app found"):
        read_appsmith(io.BytesIO(zip_of({"a.json": b"{}", "b.json": b"{}"})))


def test_a_git_page_folder_without_its_page_file_is_refused() -> None:
    files = git_files(orders_app(), 5)
    del files["pages/Customers/Customers.json"]
    with pytest.raises(InvalidArchive, match="Page folder 'Customers' has no Customers.json"):
        read_files(files)


def test_a_widget_file_in_a_folder_that_is_no_widget_is_refused() -> None:
    files = git_files(orders_app(), 5)
    files["pages/Orders/widgets/Ghost/Text9.json"] = json.dumps(
        {"widgetName": "Text9", "type": "TEXT_WIDGET"}
    ).encode()
    with pytest.raises(InvalidArchive, match="folder 'Ghost', which is no widget"):
        read_files(files)


def test_every_import_error_is_one_family() -> None:
    for error in (InvalidExport, InvalidArchive, UnsupportedVersion):
        assert issubclass(error, AppsmithImportError) and issubclass(error, BadRequest)


def test_an_export_from_2021_is_read_with_its_old_conventions() -> None:
    app = read_export_bytes(json_bytes(an_export_from_2021()))
    assert (app.server_schema_version, app.client_schema_version) == (None, None)
    assert [(p.name, p.is_default) for p in app.pages] == [("Home", True), ("Second", False)]
    [action] = app.actions
    assert (action.datasource, action.execute_on_load) == ("Users DB", True)
    columns = app.page("Home").dsl["children"][0]["primaryColumns"]
    assert list(columns) == ["_id"] and columns["_id"]["label"] == "_id"


def test_a_file_format_version_written_as_a_float_is_read() -> None:
    files = git_files(orders_app(), 5)
    meta = json.loads(files["metadata.json"])
    files["metadata.json"] = json.dumps({**meta, "fileFormatVersion": 5.0}).encode()
    assert read_files(files).file_format_version == 5


def test_two_pages_of_one_name_are_refused() -> None:
    doc = single_file(orders_app())
    doc["pageList"][1]["unpublishedPage"]["name"] = "Orders"
    with pytest.raises(InvalidExport, match="two pages named 'Orders'"):
        read_export_bytes(json_bytes(doc))
