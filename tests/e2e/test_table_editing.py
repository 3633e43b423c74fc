"""A user edits a published table in Chromium and the edits reach the real PostgreSQL through the
app's update queries, as an Appsmith app does it: a cell whose column has `onSubmit` runs its query
as soon as the edit is made; other edits wait for the row's Save (`onSave` of the edit-actions
column). Column values use Appsmith's stored form (`processedTableData.map(...)`), the status cell
is a select with a per-row background. Screenshots: test-artifacts/<test>/."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.e2e.viewer_helpers import FIXTURES, PASSWORD, api_call, create_orders_datasource, fresh_orders_table, orders_in_db

pytestmark = pytest.mark.e2e

TIMEOUT = 15_000


def published_order_desk(request: Any, pg: dict[str, Any]) -> None:
    api_call(request, "POST", "/auth/signup", {"email": "owner@example.com", "password": PASSWORD, "name": "Owner"}, expect=201)
    workspace = api_call(request, "GET", "/workspaces")["workspaces"][0]
    create_orders_datasource(request, workspace["id"], pg)
    document = json.loads((FIXTURES / "order_desk_app.json").read_text())
    app = api_call(request, "POST", f"/workspaces/{workspace['id']}/applications/import", {"document": document}, expect=201)
    api_call(request, "POST", f"/applications/{app['id']}/publish")


def executed(response: Any, value: str) -> bool:
    """The response to an action execution whose binding values hold `value`."""
    return "/execute" in response.url and value in (response.request.post_data or "")


def test_a_user_edits_cells_and_the_update_queries_write_them(page: Any, pg_database: dict[str, Any], screenshots: Any) -> None:
    from playwright.sync_api import expect

    fresh_orders_table(pg_database)
    published_order_desk(page.request, pg_database)
    page.goto("/app/order-desk")
    table = page.locator("[data-widget=Table1]")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(4, timeout=TIMEOUT)
    expect(rows.nth(1).locator("td").nth(2)).to_have_css("background-color", "rgb(220, 252, 231)")
    # Computed columns of several types, in Appsmith's two forms.
    expect(rows.first).to_contain_text("€120.00")
    expect(rows.nth(1).get_by_role("checkbox", name="Shipped")).to_be_checked()
    expect(rows.first.get_by_role("link", name="Open")).to_have_attribute("href", "https://example.com/orders/1")
    screenshots.take(page, "the-orders")

    # The customer column submits each edit at once: onSubmit runs renameCustomer.
    rows.first.get_by_text("Alice", exact=True).dblclick()
    editor = table.get_by_label("Edit Customer")
    editor.fill("Alicia")
    with page.expect_response(lambda r: executed(r, "Alicia"), timeout=TIMEOUT) as rename:
        editor.press("Enter")
    assert rename.value.json()["isExecutionSuccess"] is True
    assert orders_in_db(pg_database)[0] == ("Alicia", "new", 120)
    expect(rows.first).to_contain_text("Alicia")

    # Status and amount wait for the row's Save: onSave runs updateOrder with Table1.updatedRow.
    bob = rows.nth(1)
    bob.get_by_label("Status").select_option(label="New")
    bob.get_by_text("80", exact=True).dblclick()
    amount = table.get_by_label("Edit Amount")
    amount.fill("95")
    amount.press("Enter")
    expect(bob.locator(".lc-table__edited")).to_have_text("95")
    screenshots.take(page, "bob-edited-not-saved")
    assert orders_in_db(pg_database)[1] == ("Bob", "shipped", 80)
    with page.expect_response(lambda r: executed(r, "95"), timeout=TIMEOUT) as update:
        bob.get_by_role("button", name="Save").click()
    assert update.value.json()["isExecutionSuccess"] is True
    assert orders_in_db(pg_database)[1] == ("Bob", "new", 95)
    # Once the save has reloaded the orders, the row shows the database's values, no longer edited.
    expect(bob.locator(".lc-table__edited")).to_have_count(0, timeout=TIMEOUT)
    expect(bob).to_contain_text("95")
    expect(bob.locator("td").nth(2)).not_to_have_css("background-color", "rgb(220, 252, 231)")
    screenshots.take(page, "bob-saved")
    assert orders_in_db(pg_database)[2:] == [("Carol", "new", 45), ("Dave", "shipped", 300)]
