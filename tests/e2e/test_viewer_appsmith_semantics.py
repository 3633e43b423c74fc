"""Appsmith's run-time semantics in a published app: `Query.run(onSuccess, onError)`, a widget
setter, `closeModal(Modal1.name)` and a JS function that runs on page load (after the on-load
query it reads), against the real PostgreSQL, in Chromium. Screenshots: test-artifacts/<test>/."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.viewer_helpers import PASSWORD, api_call, create_orders_datasource, fresh_orders_table

pytestmark = pytest.mark.e2e

TIMEOUT = 15_000


def box(name: str, kind: str, top: int, bottom: int, **props: Any) -> dict[str, Any]:
    return {"widgetId": name.lower(), "widgetName": name, "type": kind, "leftColumn": 0, "rightColumn": 40,
            "topRow": top, "bottomRow": bottom, **props}


def semantics_app() -> dict[str, Any]:
    widgets = [
        box("Table1", "TABLE_WIDGET_V2", 0, 30, tableData="{{ getOrders.data }}", defaultSelectedRowIndex=-1),
        box("StartedText", "TEXT_WIDGET", 31, 35, text="{{ 'On load: ' + (Start.init.data ?? 'not yet') + ' orders, ' + (appsmith.store.started || 'not started') }}"),
        box("Reload", "BUTTON_WIDGET", 36, 40, text="Reload",
            onClick="{{ getOrders.run((rows) => showAlert('Loaded ' + rows.length + ' orders', 'success'), (message) => showAlert('Could not load: ' + message, 'error')) }}"),
        box("Broken", "BUTTON_WIDGET", 41, 45, text="Broken",
            onClick="{{ missingTable.run(() => showAlert('unexpected'), (message) => storeValue('why', message)) }}"),
        box("WhyText", "TEXT_WIDGET", 46, 50, text="{{ appsmith.store.why ? 'Failed: ' + appsmith.store.why : '' }}"),
        box("NoteInput", "INPUT_WIDGET_V2", 51, 58, label="Note", defaultText=""),
        box("Fill", "BUTTON_WIDGET", 59, 63, text="Fill", onClick="{{ NoteInput.setValue('set by a setter').then(() => Fill.setDisabled(true)) }}"),
        box("NoteText", "TEXT_WIDGET", 64, 68, text="{{ 'Note: ' + NoteInput.text }}"),
        box("Open", "BUTTON_WIDGET", 69, 73, text="Open dialog", onClick="{{ showModal(Modal1.name) }}"),
        {**box("Modal1", "MODAL_WIDGET", 0, 20), "rightColumn": 24, "height": 200, "children": [
            box("ModalText", "TEXT_WIDGET", 1, 5, text="Inside the dialog"),
            box("CloseIt", "BUTTON_WIDGET", 8, 12, text="Close dialog", onClick="{{ closeModal(Modal1.name) }}"),
        ]},
    ]
    return {
        "format": "lowcraft-app", "formatVersion": 1,
        "application": {"name": "Semantics", "slug": "semantics", "settings": {"navigation": "top"}},
        "datasources": [{"name": "Orders DB", "connector": "postgres"}],
        "pages": [{
            "name": "Home", "slug": "home", "isDefault": True,
            "dsl": {"widgetId": "main", "widgetName": "MainContainer", "type": "CANVAS_WIDGET", "leftColumn": 0,
                    "rightColumn": 64, "topRow": 0, "bottomRow": 100, "children": widgets},
            "actions": [
                {"name": "getOrders", "datasource": "Orders DB", "connector": "postgres",
                 "config": {"sql": "select id, customer, status, amount from orders order by id"},
                 "settings": {"runOnPageLoad": True}},
                {"name": "missingTable", "datasource": "Orders DB", "connector": "postgres",
                 "config": {"sql": "select * from no_such_table"}},
            ],
            "jsObjects": [{
                "name": "Start",
                "body": "export default {\n  async init() {\n    await storeValue('started', 'started');\n"
                        "    return getOrders.data.length;\n  },\n}\n",
                "settings": {"init": {"runOnPageLoad": True}},
            }],
        }],
    }


def test_run_callbacks_setters_modal_names_and_on_load_functions(
    page: Any, pg_database: dict[str, Any], screenshots: Any
) -> None:
    from playwright.sync_api import expect

    fresh_orders_table(pg_database)
    request = page.request
    api_call(request, "POST", "/auth/signup", {"email": "owner@example.com", "password": PASSWORD, "name": "Owner"}, expect=201)
    workspace = api_call(request, "GET", "/workspaces")["workspaces"][0]
    create_orders_datasource(request, workspace["id"], pg_database)
    app = api_call(request, "POST", f"/workspaces/{workspace['id']}/applications/import", {"document": semantics_app()}, expect=201)
    api_call(request, "POST", f"/applications/{app['id']}/publish")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto("/app/semantics")
    # The on-load function ran after the on-load query it reads, and its .data is readable.
    expect(page.locator("[data-widget=Table1] tbody tr")).to_have_count(4, timeout=TIMEOUT)
    expect(page.locator("[data-widget=StartedText]")).to_have_text("On load: 4 orders, started", timeout=TIMEOUT)
    screenshots.take(page, "loaded-with-the-on-load-function")

    # run(onSuccess, onError): the success callback gets the rows.
    page.get_by_role("button", name="Reload").click()
    expect(page.get_by_text("Loaded 4 orders")).to_be_visible(timeout=TIMEOUT)
    # ... and the error callback gets the database's message.
    page.get_by_role("button", name="Broken").click()
    expect(page.locator("[data-widget=WhyText]")).to_contain_text('relation "no_such_table" does not exist', timeout=TIMEOUT)
    expect(page.get_by_text("unexpected")).to_have_count(0)
    # onError handled it: no error toast on top.
    expect(page.get_by_text("missingTable failed")).to_have_count(0)

    # A setter, then another through its promise.
    page.get_by_role("button", name="Fill").click()
    expect(page.locator("[data-widget=NoteInput] input")).to_have_value("set by a setter", timeout=TIMEOUT)
    expect(page.locator("[data-widget=NoteText]")).to_have_text("Note: set by a setter")
    expect(page.get_by_role("button", name="Fill")).to_be_disabled()
    screenshots.take(page, "after-the-setters")

    # showModal(Modal1.name) / closeModal(Modal1.name).
    page.get_by_role("button", name="Open dialog").click()
    expect(page.get_by_text("Inside the dialog")).to_be_visible(timeout=TIMEOUT)
    page.get_by_role("button", name="Close dialog").click()
    expect(page.get_by_text("Inside the dialog")).to_have_count(0, timeout=TIMEOUT)
    assert errors == []
