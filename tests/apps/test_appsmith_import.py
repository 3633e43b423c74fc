"""Importing an Appsmith app through the API: both export forms become a working application in one
transaction, with a report; bad uploads get clear errors and write nothing."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from sqlalchemy import func, select

from lowcraft.appmodel.models import Action, Application, JsObject, Page
from lowcraft.audit.models import AuditEvent
from lowcraft.connectors.registry import PLACEHOLDER_CONNECTOR
from lowcraft.datasources.models import Datasource, DatasourceConfig
from tests.appsmith.apps import helpdesk_app, inventory_app
from tests.appsmith.builders import SECRET, git_files, json_bytes, orders_app, single_file, zip_of
from tests.conftest import Api, Instance, first_workspace


def upload(client: Api, ws: str, data: bytes, filename: str = "app.json", expected: int = 201,
           **form: str) -> Any:
    response = client.post(
        f"/api/v1/workspaces/{ws}/applications/import-appsmith",
        files={"file": (filename, data, "application/octet-stream")}, data=form,
    )
    assert response.status_code == expected, response.text
    return response.json()


def inventory_json() -> bytes:
    return json_bytes(single_file(inventory_app(), "v2025"))


def helpdesk_zip() -> bytes:
    # A GitHub download wraps the repository in one folder.
    return zip_of(git_files(helpdesk_app(), 5, prefix="helpdesk-main/"))


def counts(instance: Instance) -> dict[str, int]:
    with instance.app.state.runtime.db.session() as db:
        return {model.__name__: db.scalar(select(func.count()).select_from(model)) or 0
                for model in (Application, Page, Action, JsObject, Datasource, DatasourceConfig)}


def test_a_single_file_export_becomes_an_application_with_its_report(admin: Api, instance: Instance) -> None:
    ws = first_workspace(admin)
    result = upload(admin, ws, inventory_json())
    app = result["application"]
    assert (app["name"], app["isPublic"], app["settings"]["navigation"]) == ("Inventory", False, "side")
    assert app["theme"]["primaryColor"] == "#0F766E"
    detail = admin.ok("GET", f"/api/v1/applications/{app['id']}")
    assert [(p["name"], p["isDefault"]) for p in detail["pages"]] == [("Products", True), ("Stock", False)]
    document = admin.ok("GET", f"/api/v1/applications/{app['id']}/export")
    products, stock = document["pages"]
    types = {w["widgetName"]: w["type"] for w in products["dsl"]["children"]}
    assert types["ProductsTable"] == "TABLE_WIDGET_V2" and types["SizeSelect"] == "SELECT_WIDGET"
    assert types["QtyInput"] == "INPUT_WIDGET_V2" and types["WhereMap"] == "UNSUPPORTED_WIDGET"
    assert [(a["name"], a["connector"], a["settings"]["runOnPageLoad"]) for a in products["actions"]] == [
        ("listProducts", "postgres", True)]
    assert {a["name"]: a["connector"] for a in stock["actions"]} == {
        "stockLevels": "mysql", "findArchived": PLACEHOLDER_CONNECTOR}
    assert [j["name"] for j in products["jsObjects"]] == ["Helpers"]
    # Not installed: no instance administrator allowed its URL here (the next step says so).
    assert document["application"]["jsLibraries"] == []

    report = result["report"]
    assert report["counts"]["widget"]["placeholder"] == 1
    assert {"kind": "widget", "name": "WhereMap", "page": "Products", "type": "MAP_WIDGET",
            "status": "placeholder", "why": "Lowcraft has no MAP_WIDGET widget yet; kept as a placeholder"
            } in report["notCarried"]
    steps = {(s["kind"], s["name"]): s for s in report["nextSteps"]}
    datasources = {d["name"]: d for d in admin.ok("GET", f"/api/v1/workspaces/{ws}/datasources")["datasources"]}
    assert steps[("fillDatasourceCredentials", "Inventory PG")]["datasourceId"] == datasources["Inventory PG"]["id"]
    assert steps[("chooseConnector", "Archive Mongo")]["datasourceId"] == datasources["Archive Mongo"]["id"]
    assert ("allowJsLibrary", "dayjs") in steps
    assert datasources["Archive Mongo"]["connector"] == PLACEHOLDER_CONNECTOR
    assert all(d["configs"] == {} for d in datasources.values()), "no secret travels with an export"


def test_a_zipped_git_repository_becomes_an_application(admin: Api) -> None:
    ws = first_workspace(admin)
    result = upload(admin, ws, helpdesk_zip(), "helpdesk.zip")
    assert result["report"]["source"]["form"] == "git"
    assert result["report"]["source"]["fileFormatVersion"] == 5
    document = admin.ok("GET", f"/api/v1/applications/{result['application']['id']}/export")
    tickets = document["pages"][0]
    names = {w["widgetName"]: w for w in tickets["dsl"]["children"]}
    assert names["TicketTabs"]["type"] == "TABS_WIDGET"
    assert [c["widgetName"] for c in names["TicketForm"]["children"]] == ["SubjectInput", "SubmitButton"]
    assert names["TicketForm"]["children"][1]["type"] == "BUTTON_WIDGET"
    assert {a["name"] for a in tickets["actions"]} == {"openTickets", "allTickets"}
    assert result["report"]["notCarried"] == []


def test_no_secret_of_the_export_reaches_the_store_or_the_response(admin: Api, instance: Instance) -> None:
    # The 2022 form carries decrypted passwords beside the datasources.
    response = upload(admin, first_workspace(admin), json_bytes(single_file(inventory_app(), "legacy")))
    assert SECRET not in json.dumps(response)
    with instance.app.state.runtime.db.session() as db:
        stored = [json.dumps(a.config) for a in db.scalars(select(Action))]
    assert stored and all(SECRET not in text for text in stored)


def test_a_datasource_of_the_same_name_and_connector_is_reused(admin: Api, instance: Instance) -> None:
    ws = first_workspace(admin)
    pg = admin.ok("POST", f"/api/v1/workspaces/{ws}/datasources", 201, json={
        "name": "Inventory PG", "connector": "postgres",
        "configs": {"production": {"host": "db.example.com", "database": "inv", "user": "u"}}})
    mysql_other = admin.ok("POST", f"/api/v1/workspaces/{ws}/datasources", 201, json={
        "name": "Warehouse MariaDB", "connector": "postgres", "configs": {}})
    result = upload(admin, ws, inventory_json())
    datasources = {d["name"]: d for d in admin.ok("GET", f"/api/v1/workspaces/{ws}/datasources")["datasources"]}
    assert set(datasources) == {"Inventory PG", "Warehouse MariaDB", "Warehouse MariaDB (Appsmith)", "Archive Mongo"}
    assert datasources["Warehouse MariaDB"]["id"] == mysql_other["id"]
    actions = {a["name"]: a for a in admin.ok("GET", f"/api/v1/applications/{result['application']['id']}/actions")["actions"]}
    assert actions["listProducts"]["datasourceId"] == pg["id"]
    assert actions["stockLevels"]["datasourceId"] == datasources["Warehouse MariaDB (Appsmith)"]["id"]
    steps = {(s["kind"], s["name"]) for s in result["report"]["nextSteps"]}
    assert ("fillDatasourceCredentials", "Inventory PG") not in steps  # already configured
    assert ("fillDatasourceCredentials", "Warehouse MariaDB (Appsmith)") in steps
    [line] = [i for i in result["report"]["carried"] if i["name"] == "Inventory PG"]
    assert line["why"] == "uses the workspace's postgres datasource 'Inventory PG'"


def test_the_import_is_audited(admin: Api, instance: Instance) -> None:
    result = upload(admin, first_workspace(admin), inventory_json(), name="Stock room")
    assert result["application"]["name"] == "Stock room"
    with instance.app.state.runtime.db.session() as db:
        event = db.scalar(select(AuditEvent).where(AuditEvent.action == "application.imported"))
    assert event is not None and event.target_id == result["application"]["id"]
    assert event.summary["from"] == "appsmith" and event.summary["pages"] == 2


def truncated_zip() -> bytes:
    return helpdesk_zip()[:-200]


def escaping_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("metadata.json", b"{}")
        archive.writestr("../../etc/evil.json", b"{}")
    return buffer.getvalue()


def newer_export() -> bytes:
    doc = single_file(inventory_app(), "v2025")
    doc["serverSchemaVersion"] = 99
    return json_bytes(doc)


BAD_UPLOADS = {
    "a truncated zip": (truncated_zip, "app.zip", 400, "appsmith_invalid_archive"),
    "a zip with a path escaping the folder": (escaping_zip, "app.zip", 400, "appsmith_unsafe_archive"),
    "an export of a newer Appsmith": (newer_export, "app.json", 400, "appsmith_unsupported_version"),
    "a file that is not JSON": (lambda: b"hello", "app.json", 400, "appsmith_invalid_export"),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_a_bad_upload_gets_a_clear_error_and_writes_nothing(admin: Api, instance: Instance, case: str) -> None:
    make, filename, status, code = BAD_UPLOADS[case]
    ws = first_workspace(admin)
    before = counts(instance)
    error = upload(admin, ws, make(), filename, expected=status)["error"]
    assert error["code"] == code and error["message"]
    assert counts(instance) == before


def test_a_failure_after_writing_started_rolls_everything_back(admin: Api, instance: Instance) -> None:
    # Two queries of one page with one name: found only when the converted document is checked,
    # after nothing yet - and the datasources would be created next; none may stay.
    app = inventory_app()
    app.queries.append(app.queries[0])
    before = counts(instance)
    error = upload(admin, first_workspace(admin), json_bytes(single_file(app)), expected=400)["error"]
    assert "listProducts" in error["message"]
    assert counts(instance) == before


def test_an_upload_over_50_mb_is_refused(admin: Api, instance: Instance) -> None:
    ws = first_workspace(admin)
    padding = b" " * (51 * 1024 * 1024)
    response = admin.post(f"/api/v1/workspaces/{ws}/applications/import-appsmith",
                          files={"file": ("big.json", padding, "application/json")})
    assert response.status_code == 413
    assert response.json()["error"]["message"] == "An Appsmith export may be at most 50 MB."
    assert counts(instance)["Application"] == 0


def test_an_upload_without_a_declared_length_is_stopped_at_50_mb_while_it_streams(
    admin: Api, instance: Instance
) -> None:
    ws = first_workspace(admin)

    def body() -> Any:  # chunked: no Content-Length to refuse it by; counted as it arrives
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.json"\r\n\r\n'
        for _ in range(80):
            yield b" " * (1024 * 1024)
        yield b"\r\n--b--\r\n"

    response = admin.post(f"/api/v1/workspaces/{ws}/applications/import-appsmith", content=body(),
                          headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert response.status_code == 413
    assert response.json()["error"]["message"] == "An Appsmith export may be at most 50 MB."
    assert counts(instance)["Application"] == 0


def test_a_placeholder_upgrades_when_an_exported_app_is_imported_into_a_lowcraft_that_has_the_type(
    admin: Api,
) -> None:
    """Exported from a Lowcraft that lacked a type, imported into one that has it: the widget is back."""
    ws = first_workspace(admin)
    result = upload(admin, ws, inventory_json())
    document = admin.ok("GET", f"/api/v1/applications/{result['application']['id']}/export")
    # As a Lowcraft without the Text widget would have kept an Appsmith TEXT_WIDGET:
    stock = document["pages"][1]["dsl"]["children"]
    empty = next(w for w in stock if w["widgetName"] == "EmptyText")
    props = {k: v for k, v in empty.items() if k not in ("widgetId", "widgetName", "type", "leftColumn",
                                                          "rightColumn", "topRow", "bottomRow", "children")}
    placeholder = {k: empty[k] for k in ("widgetId", "widgetName", "leftColumn", "rightColumn", "topRow", "bottomRow")}
    placeholder.update(type="UNSUPPORTED_WIDGET", originalType="TEXT_WIDGET", originalProperties=props, children=[])
    stock[stock.index(empty)] = placeholder
    document["application"]["name"] = "Again"
    again = admin.ok("POST", f"/api/v1/workspaces/{ws}/applications/import", 201, json={"document": document})
    back = admin.ok("GET", f"/api/v1/applications/{again['id']}/export")["pages"][1]["dsl"]["children"]
    restored = next(w for w in back if w["widgetName"] == "EmptyText")
    assert restored["type"] == "TEXT_WIDGET" and restored["text"] == empty["text"]


def test_picking_a_connector_for_a_placeholder_datasource_makes_its_queries_runnable(admin: Api) -> None:
    ws = first_workspace(admin)
    upload(admin, ws, inventory_json())
    datasources = {d["name"]: d for d in admin.ok("GET", f"/api/v1/workspaces/{ws}/datasources")["datasources"]}
    mongo = datasources["Archive Mongo"]
    error = admin.ok("PATCH", f"/api/v1/datasources/{mongo['id']}", 422,
                     json={"configs": {"production": {"path": "x"}}})["error"]
    assert "connector" in error["message"]
    changed = admin.ok("PATCH", f"/api/v1/datasources/{mongo['id']}", json={"connector": "postgres"})
    assert changed["connector"] == "postgres"
    # Only a placeholder's connector may change.
    error = admin.ok("PATCH", f"/api/v1/datasources/{mongo['id']}", 422, json={"connector": "mysql"})["error"]
    assert "placeholder" in error["message"]


@pytest.mark.parametrize("form", ["legacy", "v2023", "v2025", "git4", "git5"])
def test_names_reused_across_pages_import_in_every_form(admin: Api, form: str) -> None:
    """The builders' Orders app has a Text1 and a Utils on both of its pages, as real apps do."""
    app = orders_app()
    data = zip_of(git_files(app, int(form[-1]))) if form.startswith("git") else json_bytes(single_file(app, form))
    result = upload(admin, first_workspace(admin), data, "app.zip" if form.startswith("git") else "app.json")
    document = admin.ok("GET", f"/api/v1/applications/{result['application']['id']}/export")
    for page in document["pages"]:
        assert "Text1" in names_in(page["dsl"])
        assert [j["name"] for j in page["jsObjects"]] == ["Utils"]


def names_in(tree: dict[str, Any]) -> set[str]:
    return {tree["widgetName"]} | {n for child in tree.get("children") or [] for n in names_in(child)}
