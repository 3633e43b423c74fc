"""A published app used as people use it: an owner sets it up in the browser, a colleague invited as
App Viewer logs in, filters orders, selects one and creates a new one through a form in a modal.
The screen and the customer's database are both checked. Screenshots: test-artifacts/<test>/."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.viewer_helpers import (
    FIXTURES,
    ORDERS,
    PASSWORD,
    api_call,
    create_orders_datasource,
    fresh_orders_table,
    orders_in_db,
    sign_up_later_user,
)

pytestmark = pytest.mark.e2e

TIMEOUT = 15_000


def choose(page: Any, widget: str, option: str, search: str | None = None) -> None:
    """Pick an option of a searchable select widget, optionally typing in its search box first."""
    box = page.locator(f"[data-widget={widget}]")
    box.get_by_role("combobox").click()
    if search is not None:
        box.get_by_role("searchbox").fill(search)
    box.get_by_role("option", name=option, exact=True).click()


def expect_rows(page: Any, customers: list[str]) -> None:
    """The table shows exactly these customers, in this order."""
    from playwright.sync_api import expect

    expect(page.locator("[data-widget=Table1] tbody tr")).to_have_count(len(customers), timeout=TIMEOUT)
    for i, name in enumerate(customers):
        expect(page.locator("[data-widget=Table1] tbody tr").nth(i)).to_contain_text(name)


def test_an_invited_viewer_filters_selects_and_creates_an_order(
    page: Any, browser: Any, live_server: Any, pg_database: dict[str, Any], screenshots: Any
) -> None:
    from playwright.sync_api import expect

    fresh_orders_table(pg_database)

    # The owner signs up; the first account lands in its own workspace.
    page.goto("/signup")
    page.get_by_label("Name").fill("Olivia Owner")
    page.get_by_label("Email").fill("olivia@example.com")
    page.get_by_label(re.compile("Password")).fill(PASSWORD)
    screenshots.take(page, "owner-signs-up")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Applications")).to_be_visible(timeout=TIMEOUT)
    workspace_id = re.search(r"/workspaces/([^/]+)", page.url).group(1)  # type: ignore[union-attr]

    # The datasource through the API (with the browser's session), the app from its export file.
    create_orders_datasource(page.request, workspace_id, pg_database)
    page.get_by_label("Import an application file").set_input_files(str(FIXTURES / "orders_app.json"))
    expect(page.get_by_text("Imported Orders admin.")).to_be_visible(timeout=TIMEOUT)
    card = page.locator("[data-app='Orders admin']")
    card.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published Orders admin.")).to_be_visible(timeout=TIMEOUT)
    expect(card.get_by_text("Published", exact=True)).to_be_visible()
    screenshots.take(page, "owner-imported-and-published")
    app_path = card.get_by_role("link", name="Open").get_attribute("href")
    assert app_path == "/app/orders-admin"

    # The owner invites a colleague as App Viewer.
    page.get_by_role("link", name="Members").click()
    page.get_by_label("Email").fill("victor@example.com")
    page.get_by_label("Role").select_option(label="App Viewer")
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_text("Invited victor@example.com")).to_be_visible(timeout=TIMEOUT)
    screenshots.take(page, "owner-invited-viewer")

    # The colleague has an account (made elsewhere), opens the app's link and is sent to log in.
    viewer_context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    try:
        sign_up_later_user(viewer_context.request, live_server, "victor@example.com", "Victor Viewer")
        api_call(viewer_context.request, "POST", "/auth/logout", expect=204)
        viewer = viewer_context.new_page()
        viewer.goto(f"{app_path}?from=email")
        expect(viewer.get_by_role("heading", name="Log in")).to_be_visible(timeout=TIMEOUT)
        assert "/login?next=" in viewer.url
        viewer.get_by_label("Email").fill("victor@example.com")
        viewer.get_by_label("Password").fill(PASSWORD)
        screenshots.take(viewer, "viewer-logs-in")
        viewer.get_by_role("button", name="Log in").click()

        # ... and is back at the app, which loaded every order on page load.
        expect(viewer).to_have_url(re.compile(r"/app/orders-admin\?from=email$"), timeout=TIMEOUT)
        expect_rows(viewer, [c for c, _, _ in ORDERS])
        expect(viewer.locator("[data-widget=SelectedText]")).to_have_text("No order selected")
        expect(viewer.get_by_role("link", name="Edit app")).to_have_count(0)
        screenshots.take(viewer, "viewer-sees-orders")

        # Filter by status (Select) and by customer (Input): the query re-runs with their values.
        choose(viewer, "StatusSelect", "Shipped", search="ship")
        expect(viewer.locator("[data-widget=StatusSelect] [role=combobox]")).to_have_text("Shipped")
        expect_rows(viewer, ["Bob", "Dave"])
        viewer.get_by_placeholder("Search customers").fill("da")
        expect_rows(viewer, ["Dave"])
        screenshots.take(viewer, "viewer-filtered")

        # Select a row: the Text bound to Table1.selectedRow follows.
        viewer.locator("[data-widget=Table1] tbody tr", has_text="Dave").click()
        expect(viewer.locator("[data-widget=SelectedText]")).to_have_text("Selected order #4: Dave, shipped")
        expect(viewer.locator("[data-widget=Table1] tbody tr[aria-selected=true]")).to_contain_text("Dave")
        screenshots.take(viewer, "viewer-selected-a-row")

        # A new order through the form in the modal; submit stays disabled while the form is invalid.
        viewer.get_by_placeholder("Search customers").fill("")
        expect_rows(viewer, ["Bob", "Dave"])
        viewer.get_by_role("button", name="New order").click()
        dialog = viewer.get_by_role("dialog")
        expect(dialog).to_be_visible()
        # Keyboard users land in the form, and Tab keeps them inside the dialog.
        expect(dialog.get_by_label("Customer")).to_be_focused(timeout=TIMEOUT)
        for key in ["Tab"] * 6 + ["Shift+Tab"] * 8:
            viewer.keyboard.press(key)
            assert viewer.evaluate("document.activeElement.closest('[role=dialog]') !== null"), key
        submit = dialog.get_by_role("button", name="Create order")
        expect(submit).to_be_disabled()
        dialog.get_by_label("Customer").fill("Eve")
        dialog.get_by_label("Amount").fill("0")
        expect(dialog.get_by_text("The amount is a number from 1 to 100000")).to_be_visible()
        expect(submit).to_be_disabled()
        dialog.get_by_label("Amount").fill("75")
        choose(viewer, "NewStatusSelect", "Shipped")
        expect(submit).to_be_enabled()
        screenshots.take(viewer, "viewer-fills-the-form")
        submit.click()

        # The insert ran, the alert shows, the modal closed and the list query ran again.
        expect(viewer.get_by_role("status").filter(has_text="Order created for Eve")).to_be_visible(timeout=TIMEOUT)
        expect(dialog).to_be_hidden()
        expect(viewer.get_by_role("button", name="New order")).to_be_focused()  # back where the user was
        expect_rows(viewer, ["Bob", "Dave", "Eve"])
        screenshots.take(viewer, "viewer-created-an-order")
        assert orders_in_db(pg_database) == [*ORDERS, ("Eve", "shipped", 75)]

        # An App Viewer sees the app but cannot change it.
        viewer.goto("/")
        expect(viewer.get_by_role("heading", name="Applications")).to_be_visible(timeout=TIMEOUT)
        viewer_card = viewer.locator("[data-app='Orders admin']")
        expect(viewer_card.get_by_role("link", name="Open")).to_be_visible()
        expect(viewer_card.get_by_role("button", name="Edit")).to_have_count(0)
        expect(viewer.get_by_role("button", name="New application")).to_have_count(0)
    finally:
        viewer_context.close()


def test_a_table_of_ten_thousand_rows_scrolls_sorts_edits_and_downloads(
    browser: Any, live_server: Any, screenshots: Any
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        api_call(page.request, "POST", "/auth/signup", {"email": "ada@example.com", "password": PASSWORD, "name": "Ada"}, expect=201)
        workspace = api_call(page.request, "GET", "/workspaces")["workspaces"][0]
        document = json.loads((FIXTURES / "big_table_app.json").read_text())
        app = api_call(page.request, "POST", f"/workspaces/{workspace['id']}/applications/import", {"document": document}, expect=201)
        api_call(page.request, "POST", f"/applications/{app['id']}/publish")

        page.goto("/app/big-table")
        rows = page.locator("[data-widget=BigTable] tbody tr:not([aria-hidden])")
        expect(rows.first).to_contain_text("row 0", timeout=TIMEOUT)
        # Only a screenful of the 10,000 rows is in the page; a derived column is computed per row.
        assert rows.count() < 80
        expect(rows.nth(3)).to_contain_text(str((3 * 7919) % 1000 * 2))

        # Scrolling to the end takes a few frames, not a re-render of every row.
        scroller = page.locator("[data-widget=BigTable] .lc-table__scroll")
        frame_ms = page.evaluate(
            """async (el) => {
                const times = [];
                for (let i = 1; i <= 30; i++) {
                    const t0 = performance.now();
                    el.scrollTop = (el.scrollHeight * i) / 30;
                    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
                    times.push(performance.now() - t0);
                }
                times.sort((a, b) => a - b);
                return times[Math.floor(times.length / 2)];
            }""",
            scroller.element_handle(),
        )
        expect(page.locator("[data-widget=BigTable] tbody tr", has_text="row 9999")).to_be_visible()
        assert rows.count() < 80
        print(f"10,000-row table: median scroll step {frame_ms:.1f} ms")
        assert frame_ms < 100, f"median scroll step took {frame_ms:.1f} ms"
        screenshots.take(page, "scrolled-to-the-end")

        # Sorting by a column header, descending on the second click.
        header = page.locator("[data-widget=BigTable] th", has_text="id")
        header.click()
        header.click()
        expect(header).to_have_attribute("aria-sort", "descending")
        scroller.evaluate("el => { el.scrollTop = 0 }")
        expect(rows.first).to_contain_text("row 9999")

        # Ticking two rows and editing a cell reach selectedRows and updatedRows.
        rows.nth(0).get_by_role("checkbox").click()
        expect(rows.nth(0).get_by_role("checkbox")).to_be_checked()
        rows.nth(1).get_by_role("checkbox").click()
        expect(rows.nth(1).get_by_role("checkbox")).to_be_checked()
        rows.nth(1).locator("td", has_text="row 9998").locator("span").dblclick()
        editor = page.get_by_label("Edit Name")
        editor.fill("renamed row")
        editor.press("Enter")
        expect(page.locator("[data-widget=PickedText]")).to_have_text('2 picked; edited: ["renamed row"]')
        screenshots.take(page, "sorted-picked-edited")

        # CSV download: every row, visible columns, in the sorted order.
        with page.expect_download() as download:
            page.locator("[data-widget=BigTable]").get_by_role("button", name="Download CSV").click()
        lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
        assert download.value.suggested_filename == "BigTable.csv"
        assert lines[0] == "id,Name,size,Double" and len(lines) == 10_001
        assert lines[1].startswith("9999,row 9999,")

        # Side navigation lists the visible pages; a URL parameter reaches the page's bindings.
        nav = page.get_by_role("navigation", name="Pages")
        expect(nav.get_by_role("link")).to_have_text(["Rows", "About", "Edit app"])
        assert nav.get_by_role("link", name="Edit app").get_attribute("href") == f"/app/{app['id']}/edit/rows"
        nav.get_by_role("link", name="About").click()
        expect(page).to_have_url(re.compile(r"/app/big-table/about$"))
        expect(page.locator("[data-widget=AboutText]")).to_have_text("About, from nowhere", timeout=TIMEOUT)
        # A list: one copy of its template per item, a page at a time, events know their item.
        items = page.locator("[data-widget=PeopleList] .lc-list__item")
        expect(items.first).to_contain_text("1: Person 1")
        shown = items.count()
        assert 3 <= shown < 25
        items.nth(2).get_by_role("button", name="Greet").click()
        expect(page.get_by_role("status").filter(has_text="Hello Person 3")).to_be_visible(timeout=TIMEOUT)
        page.locator("[data-widget=PeopleList]").get_by_role("button", name="Next").click()
        expect(items.first).to_contain_text(f"{shown + 1}: Person {shown + 1}")
        items.first.click()
        expect(page.locator("[data-widget=ChosenText]")).to_have_text(f"Chosen: Person {shown + 1}")
        screenshots.take(page, "list-page-two")

        page.goto("/app/big-table/about?from=a%20link")
        expect(page.locator("[data-widget=AboutText]")).to_have_text("About, from a link", timeout=TIMEOUT)
        page.goto("/app/big-table/secret")
        expect(page.locator("[data-widget=SecretText]")).to_have_text("hidden page", timeout=TIMEOUT)
    finally:
        context.close()
