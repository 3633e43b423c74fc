"""Names are per page, as in Appsmith: a published app whose two pages each have a `Table1`, a
`getOrders` query and a `Utils` JS object. A viewer switches pages and each page shows its own
Table1 with its own query's rows from the customer's PostgreSQL, and its own Utils' label.
Screenshots: test-artifacts/<test>/."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.viewer_helpers import PASSWORD, api_call, create_orders_datasource, fresh_orders_table

pytestmark = pytest.mark.e2e

TIMEOUT = 15_000


def orders_page(name: str, status: str) -> dict[str, Any]:
    """A page listing the orders of one status, with the same entity names as its sibling."""
    columns = {key: {"id": key, "label": key.title()} for key in ("id", "customer", "status")}
    return {
        "name": name,
        "slug": name.lower(),
        "dsl": {
            "widgetId": "0", "widgetName": "MainContainer", "type": "CANVAS_WIDGET",
            "leftColumn": 0, "rightColumn": 64, "topRow": 0, "bottomRow": 100,
            "children": [
                {"widgetId": "heading", "widgetName": "Heading", "type": "TEXT_WIDGET", "leftColumn": 0, "rightColumn": 40,
                 "topRow": 0, "bottomRow": 5, "text": "{{ Utils.label }}: {{ Table1.tableData.length }} orders"},
                {"widgetId": "table", "widgetName": "Table1", "type": "TABLE_WIDGET_V2", "leftColumn": 0, "rightColumn": 64,
                 "topRow": 6, "bottomRow": 50, "tableData": "{{ Utils.rows(getOrders.data) }}", "primaryColumns": columns,
                 "columnOrder": ["id", "customer", "status"], "defaultSelectedRowIndex": -1},
            ],
        },
        "actions": [{
            "name": "getOrders", "datasource": "Orders DB", "connector": "postgres",
            "config": {"sql": f"select id, customer, status from orders where status = '{status}' order by id"},
            "settings": {"runOnPageLoad": True},
        }],
        "jsObjects": [{"name": "Utils", "body": f"export default {{\n  label: '{name} orders',\n  rows(d) {{ return d || [] }},\n}}"}],
    }


def expect_customers(page: Any, customers: list[str]) -> None:
    from playwright.sync_api import expect

    rows = page.locator("[data-widget=Table1] tbody tr")
    expect(rows).to_have_count(len(customers), timeout=TIMEOUT)
    for i, name in enumerate(customers):
        expect(rows.nth(i)).to_contain_text(name)


def test_switching_pages_shows_each_pages_own_table1(page: Any, pg_database: dict[str, Any], screenshots: Any) -> None:
    from playwright.sync_api import expect

    fresh_orders_table(pg_database)  # Alice and Carol are new, Bob and Dave shipped
    request = page.request
    api_call(request, "POST", "/auth/signup", {"email": "owner@example.com", "password": PASSWORD, "name": "Owner"}, expect=201)
    workspace = api_call(request, "GET", "/workspaces")["workspaces"][0]
    create_orders_datasource(request, workspace["id"], pg_database)
    document = {
        "format": "lowcraft-app", "formatVersion": 1, "application": {"name": "Two pages", "slug": "two-pages"},
        "datasources": [{"name": "Orders DB", "connector": "postgres"}],
        "pages": [orders_page("New", "new"), orders_page("Shipped", "shipped")],
    }
    app = api_call(request, "POST", f"/workspaces/{workspace['id']}/applications/import", {"document": document}, expect=201)
    assert api_call(request, "GET", f"/applications/{app['id']}/lint")["diagnostics"] == []
    api_call(request, "POST", f"/applications/{app['id']}/publish")
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    page.goto(f"/app/{app['slug']}/new")
    expect_customers(page, ["Alice", "Carol"])
    expect(page.locator("[data-widget=Heading]")).to_have_text("New orders: 2 orders")
    screenshots.take(page, "the-new-page-shows-its-own-table1")

    nav = page.get_by_role("navigation", name="Pages")
    nav.get_by_role("link", name="Shipped").click()
    expect(page).to_have_url(f"{page.url.rsplit('/', 1)[0]}/shipped", timeout=TIMEOUT)
    expect_customers(page, ["Bob", "Dave"])
    expect(page.locator("[data-widget=Heading]")).to_have_text("Shipped orders: 2 orders")
    screenshots.take(page, "the-shipped-page-shows-its-own-table1")

    nav.get_by_role("link", name="New").click()
    expect_customers(page, ["Alice", "Carol"])
    expect(page.locator("[data-widget=Heading]")).to_have_text("New orders: 2 orders")
    assert errors == []
