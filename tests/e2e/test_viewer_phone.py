"""The viewer on a 390 px phone, for a public app opened without an account: widgets stack in
reading order without sideways scrolling, the theme and URL parameters reach the page, a query
marked "confirm before running" asks first, and HTML from the data is sanitised."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from tests.e2e.viewer_helpers import ORDERS, PASSWORD, fresh_orders_table, published_orders_app

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
TIMEOUT = 15_000


def no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_public_app_on_a_phone(browser: Any, live_server: Any, pg_database: dict[str, Any], screenshots: Any) -> None:
    from playwright.sync_api import expect

    fresh_orders_table(pg_database)
    hostile = 'Zed <img src="x" onerror="window.__pwned = 1"><script>window.__pwned = 2</script>'
    with psycopg.connect(host=pg_database["host"], user=pg_database["user"], dbname=pg_database["database"], autocommit=True) as c:
        c.execute("insert into orders (customer, status, amount) values (%s, 'new', 5)", (hostile,))
    owner = browser.new_context(base_url=live_server.url)
    try:
        published_orders_app(owner.request, pg_database, public=True, confirm_list_query=True)
    finally:
        owner.close()

    phone = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = phone.new_page()
        page.goto("/app/orders-admin?title=Orders%20on%20the%20go")

        # No login for a public app; the list query asks before it runs.
        dialog = page.get_by_role("alertdialog")
        expect(dialog).to_contain_text("getOrders", timeout=TIMEOUT)
        screenshots.take(page, "confirm-before-running")
        dialog.get_by_role("button", name="Run").click()
        expect(page.locator("[data-widget=Table1] tbody tr")).to_have_count(len(ORDERS) + 1, timeout=TIMEOUT)
        assert "/login" not in page.url

        # A URL parameter in a binding, and the app theme on the widgets.
        expect(page.locator("[data-widget=Title]")).to_have_text("Orders on the go")
        button = page.get_by_role("button", name="New order")
        assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(14, 124, 102)"

        # Widgets stack in reading order, each as wide as the screen allows.
        order = ["Title", "NewOrderButton", "StatusSelect", "SearchInput", "Table1", "SelectedText"]
        boxes = [page.locator(f"[data-widget={name}]").bounding_box() for name in order]
        assert all(b is not None and b["width"] <= PHONE["width"] for b in boxes)
        tops = [b["y"] for b in boxes if b is not None]
        assert tops == sorted(tops), f"widgets out of reading order: {dict(zip(order, tops))}"
        no_sideways_scroll(page)
        screenshots.take(page, "stacked-on-a-phone")

        # Data holding HTML is shown as sanitised HTML: the text stays, the script does not run.
        page.locator("[data-widget=Table1] tbody tr", has_text="Zed").click()
        expect(page.locator("[data-widget=SelectedText]")).to_contain_text("Selected order #5: Zed")
        assert page.locator("[data-widget=SelectedText] [onerror]").count() == 0
        assert page.locator("[data-widget=SelectedText] script").count() == 0
        page.wait_for_timeout(300)
        assert page.evaluate("window.__pwned") is None
        screenshots.take(page, "html-from-data-sanitised")

        # The logged-out screens fit the phone too.
        page.goto("/login")
        expect(page.get_by_role("heading", name="Log in")).to_be_visible()
        no_sideways_scroll(page)
        screenshots.take(page, "login-on-a-phone")
        page.get_by_label("Email").fill("owner@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.locator("[data-app='Orders admin']")).to_be_visible(timeout=TIMEOUT)
        no_sideways_scroll(page)
        screenshots.take(page, "applications-on-a-phone")
    finally:
        phone.close()
