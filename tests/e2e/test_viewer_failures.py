"""A published app whose on-load query fails: the table bound to it says so, with the database's
message and a Retry, instead of looking like an empty table; a result over the instance's response
cap says what to do about it. Real PostgreSQL, real server, Chromium. Screenshots:
test-artifacts/<test>/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest

from lowcraft.devserver import running_server
from tests.browser import server_env
from tests.e2e.viewer_helpers import fresh_orders_table, published_orders_app

pytestmark = pytest.mark.e2e

TIMEOUT = 15_000


def drop_orders(pg: dict[str, Any]) -> None:
    with psycopg.connect(host=pg["host"], port=pg["port"], user=pg["user"], dbname=pg["database"], autocommit=True) as c:
        c.execute("drop table if exists orders")


def test_a_failed_on_load_query_shows_on_its_table_until_a_retry_succeeds(
    page: Any, pg_database: dict[str, Any], screenshots: Any
) -> None:
    from playwright.sync_api import expect

    drop_orders(pg_database)
    published_orders_app(page.request, pg_database)

    page.goto("/app/orders-admin")
    table = page.locator("[data-widget=Table1]")
    failure = table.get_by_role("alert")
    expect(failure).to_contain_text('Query getOrders failed: relation "orders" does not exist', timeout=TIMEOUT)
    # Long after the toast has gone, the table still says why it is empty.
    page.wait_for_timeout(9_000)
    expect(failure).to_be_visible()
    expect(table).not_to_contain_text("No rows")
    # Widgets that do not read the query are untouched.
    expect(page.locator("[data-widget=SelectedText]")).to_have_text("No order selected")
    screenshots.take(page, "the-table-says-its-query-failed")

    fresh_orders_table(pg_database)
    table.get_by_role("button", name="Retry").click()
    expect(table.locator("tbody tr")).to_have_count(4, timeout=TIMEOUT)
    expect(table.locator("tbody tr").first).to_contain_text("Alice")
    expect(failure).to_have_count(0)
    screenshots.take(page, "after-retry-the-rows")


def test_a_result_over_the_response_cap_says_what_to_do(
    browser: Any, tmp_path: Path, pg_database: dict[str, Any], screenshots: Any
) -> None:
    from playwright.sync_api import expect

    fresh_orders_table(pg_database)
    with psycopg.connect(host=pg_database["host"], port=pg_database["port"], user=pg_database["user"], dbname=pg_database["database"], autocommit=True) as c:
        c.execute("insert into orders (customer, status, amount) select 'Customer ' || g, 'new', g from generate_series(1, 5000) g")

    # An instance with a 0.05 MB cap (the 5,004 orders are about 0.3 MB).
    with running_server({**server_env(tmp_path), "LOWCRAFT_MAX_RESPONSE_MB": "0.05"}) as capped:
        context = browser.new_context(base_url=capped.url, viewport={"width": 1280, "height": 800})
        try:
            page = context.new_page()
            published_orders_app(page.request, pg_database)
            page.goto("/app/orders-admin")
            failure = page.locator("[data-widget=Table1]").get_by_role("alert")
            expect(failure).to_contain_text("Query getOrders failed: The result is larger than the", timeout=TIMEOUT)
            expect(failure).to_contain_text("MB this instance allows")
            for guidance in ("server-side pagination", "LIMIT", "LOWCRAFT_MAX_RESPONSE_MB"):
                expect(failure).to_contain_text(guidance)
            expect(failure.get_by_role("button", name="Retry")).to_be_visible()
            screenshots.take(page, "the-table-says-the-result-is-too-large")
        finally:
            context.close()
