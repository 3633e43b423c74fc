"""The editor, tried as a new developer would, only through the UI (issue 6).

A developer signs up, creates a workspace and an app, connects the test PostgreSQL database,
builds an orders screen by dragging widgets and binding them (a query written with
autocomplete), renames Table1 to Orders and sees every reference follow, undoes and redoes a
move, publishes and invites an App Viewer, who then changes an order's status through the app.
Screenshots of each major step go to test-artifacts/.
"""

from __future__ import annotations

import re
from typing import Any

import psycopg
import pytest

from tests.e2e.viewer_helpers import signup_link
from tests.servers import pg_database  # noqa: F401  (fixture)

PASSWORD = "correct horse battery staple"
DEVELOPER = "dev@example.com"
VIEWER = "viewer@example.com"


@pytest.fixture
def orders_db(pg_database: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    with psycopg.connect(host=pg_database["host"], user=pg_database["user"], dbname=pg_database["database"], autocommit=True) as db:
        db.execute("drop table if exists orders")
        db.execute("create table orders (id serial primary key, customer text not null, status text not null)")
        db.execute("insert into orders (customer, status) values ('Ada', 'open'), ('Alan', 'open'), ('Grace', 'shipped')")
    return pg_database


def order_status(db: dict[str, Any], customer: str) -> str:
    with psycopg.connect(host=db["host"], user=db["user"], dbname=db["database"]) as conn:
        row = conn.execute("select status from orders where customer = %s", (customer,)).fetchone()
    assert row is not None
    return str(row[0])


# ------------------------------------------------------------------ helpers that act like a user


def drag_from_palette(page: Any, widget_type: str, target: Any, dx: float, dy: float) -> None:
    """Press a palette item and drop it at (dx, dy) from the target element's top left."""
    page.get_by_role("tab", name="Widgets").click()
    item = page.locator(f'[data-widget-type="{widget_type}"]').bounding_box()
    box = target.bounding_box()
    page.mouse.move(item["x"] + 10, item["y"] + 10)
    page.mouse.down()
    page.mouse.move(box["x"] + dx, box["y"] + dy, steps=6)
    page.mouse.up()


def set_code(page: Any, prop: str, text: str) -> None:
    """Replace a property's code with `text`, as typed (closing any autocomplete popup)."""
    field = page.locator(f'.lc-ed-pane [data-property="{prop}"] .cm-content')
    field.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.type(text, delay=5)
    page.keyboard.press("Escape")


def set_event(page: Any, label: str, code: str) -> None:
    event = page.locator(f'.lc-ed-pane [data-event="{label}"]')
    event.get_by_role("button", name=f"JS {label}").click()
    field = event.locator(".cm-content")
    field.click()
    page.keyboard.press("Control+a")
    page.keyboard.type(code, delay=5)
    page.keyboard.press("Escape")


def select_widget(page: Any, name: str) -> None:
    page.get_by_role("tab", name="Explorer").click()
    page.locator(f'[data-explorer-widget="{name}"] > button.lc-ed-tree__item').click()
    page.locator(".lc-ed-pane__name").wait_for()


def wait_saved(page: Any) -> None:
    page.locator('[data-save-status="saved"]').wait_for(timeout=10_000)


def box_of(page: Any, name: str) -> dict[str, float]:
    return page.locator(f'[data-widget="{name}"]').first.bounding_box()


def sign_up(page: Any, name: str, email: str, server: Any = None) -> None:
    """Sign up; after the instance's first account (pass its `server`), through the emailed link."""
    page.goto("/signup")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile("^Password")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign up|Create account", re.I)).click()
    if server is not None:
        page.get_by_role("status").filter(has_text="Check your email").wait_for()
        page.goto(signup_link(server.log(), email))
        page.get_by_role("button", name="Create my account").click()


# ------------------------------------------------------------------ the story


def test_a_developer_builds_an_orders_app_that_a_viewer_uses(
    page: Any, screenshots: Any, orders_db: dict[str, Any], live_server: Any
) -> None:
    try:
        build_and_use(page, screenshots, orders_db, live_server)
    except Exception:
        screenshots.take(page, "failure")
        raise


def build_and_use(page: Any, screenshots: Any, orders_db: dict[str, Any], server: Any) -> None:
    page.set_default_timeout(15_000)
    page.on("dialog", lambda d: d.accept())

    # Sign up, create a workspace and an application, open it in the editor.
    sign_up(page, "Dev", DEVELOPER)
    page.locator('select[aria-label="Workspace"], button:has-text("Create a workspace")').first.wait_for()
    if page.get_by_role("button", name="Create a workspace").count() > 0:
        page.get_by_role("button", name="Create a workspace").click()
    else:
        page.get_by_label("Workspace", exact=True).select_option("__new__")
    page.get_by_role("dialog").get_by_label("Name").fill("Acme")
    page.get_by_role("dialog").get_by_role("button", name="Create").click()
    page.get_by_role("button", name=re.compile("new application", re.I)).click()
    page.get_by_role("dialog").get_by_label("Name").fill("Orders admin")
    page.get_by_role("dialog").get_by_role("button", name="Create").click()
    page.locator('[data-app="Orders admin"]').get_by_role("button", name="Edit").click()
    page.locator('[data-grid-id="0"]').wait_for()
    screenshots.take(page, "empty-editor")

    # A PostgreSQL datasource, tested before it is saved.
    page.get_by_role("tab", name="Explorer").click()
    page.get_by_role("button", name="Add datasource").click()
    page.locator('[data-connector="postgres"]').click()
    page.get_by_label("Datasource name").fill("Orders DB")
    page.get_by_label("Host", exact=True).fill(orders_db["host"])
    page.get_by_label("Port", exact=True).fill(str(orders_db["port"]))
    page.get_by_label("Database", exact=True).fill(orders_db["database"])
    page.get_by_label("User", exact=True).fill(orders_db["user"])
    page.get_by_role("button", name="Test production connection").click()
    page.locator('[data-test-outcome="ok"][data-test-environment="production"]').wait_for()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("region", name="Structure").get_by_text("orders").first.wait_for()
    # Staging values of their own, tested apart from production.
    page.get_by_role("button", name="+ Staging").click()
    staging = page.get_by_role("tabpanel", name="Staging values")
    staging.get_by_label("Host", exact=True).fill(orders_db["host"])
    staging.get_by_label("Port", exact=True).fill(str(orders_db["port"]))
    staging.get_by_label("Database", exact=True).fill(orders_db["database"])
    staging.get_by_label("User", exact=True).fill(orders_db["user"])
    page.get_by_role("button", name="Test staging connection").click()
    page.locator('[data-test-outcome="ok"][data-test-environment="staging"]').wait_for()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Datasource Orders DB saved").last.wait_for()
    screenshots.take(page, "datasource-tested")
    page.get_by_role("button", name="← Canvas").click()

    # Drag a Table, an Input and a Button onto the page, and a Modal holding a Form with a Select.
    grid = page.locator('[data-grid-id="0"]')
    drag_from_palette(page, "TABLE_WIDGET_V2", grid, 240, 200)
    page.locator('[data-widget="Table1"]').wait_for()
    drag_from_palette(page, "INPUT_WIDGET_V2", grid, 560, 40)
    page.locator('[data-widget="Input1"]').wait_for()
    drag_from_palette(page, "BUTTON_WIDGET", grid, 560, 140)
    page.locator('[data-widget="Button1"]').wait_for()
    drag_from_palette(page, "MODAL_WIDGET", grid, 560, 500)
    modal = page.locator('[data-modal="Modal1"]')
    modal.wait_for()
    drag_from_palette(page, "FORM_WIDGET", modal.locator("[data-grid-id]").first, 200, 150)
    page.locator('[data-widget="Form1"]').wait_for()
    form_grid = page.locator('[data-widget="Form1"] [data-grid-id]').first
    drag_from_palette(page, "SELECT_WIDGET", form_grid, 150, 80)
    page.locator('[data-widget="Select1"]').wait_for()
    # The form came with its Submit (Button2: Button1 is on the page) and Reset buttons.
    page.locator('[data-widget="Form1"] [data-widget="Button2"]').wait_for()
    wait_saved(page)
    screenshots.take(page, "modal-with-form")

    # The list query, its binding written with autocomplete.
    page.get_by_role("tab", name="Explorer").click()
    page.get_by_role("button", name="Add query").click()
    page.get_by_label("Query name").and_(page.locator('[value="Query1"]')).wait_for()
    page.get_by_label("Query name").fill("getOrders")
    page.get_by_label("Query name").press("Enter")
    page.locator('[data-explorer-query="getOrders"]').wait_for()
    sql = page.locator('[data-code-field="SQL"] .cm-content')
    sql.click()
    page.keyboard.type("select * from orders where customer ilike {{'%' + Inp", delay=10)
    page.locator(".cm-tooltip-autocomplete").get_by_text("Input1").wait_for()
    page.wait_for_timeout(200)  # the popup takes keys only after a short moment, against accidental picks
    page.keyboard.press("Enter")
    page.keyboard.type(".te", delay=10)
    page.locator(".cm-tooltip-autocomplete").get_by_text("text", exact=True).first.wait_for()
    page.wait_for_timeout(200)
    page.keyboard.press("Enter")
    page.keyboard.type(" + '%'}} order by id", delay=5)
    page.keyboard.press("Escape")
    assert "{{'%' + Input1.text + '%'}}" in sql.inner_text()
    page.locator("details.lc-ed-settings summary").click()
    page.get_by_label("Run on page load").check()
    page.get_by_label("Run in environment").select_option("staging")
    page.get_by_role("button", name="Run", exact=True).click()
    page.locator('[data-execution="success"]').wait_for()
    assert "3 rows" in page.locator('[data-execution="success"]').inner_text()
    page.get_by_label("Run in environment").select_option("production")
    screenshots.take(page, "query-run")

    # The update query, bound to the table's selected row and the select in the form.
    page.get_by_role("button", name="Add query").click()
    page.get_by_label("Query name").and_(page.locator('[value="Query1"]')).wait_for()
    page.get_by_label("Query name").fill("updateOrder")
    page.get_by_label("Query name").press("Enter")
    page.locator('[data-explorer-query="updateOrder"]').wait_for()
    page.locator('[data-code-field="SQL"] .cm-content').click()
    page.keyboard.type("update orders set status = {{Select1.selectedOptionValue}} where id = {{Table1.selectedRow.id}}", delay=5)
    page.keyboard.press("Escape")
    page.get_by_role("button", name="← Canvas").click()

    # Bind the widgets.
    select_widget(page, "Table1")
    set_code(page, "tableData", "{{getOrders.data}}")
    page.locator('[data-widget="Table1"]').get_by_text("Grace", exact=True).wait_for()
    assert "Grace" in page.locator('.lc-ed-pane [data-evaluated="tableData"]').inner_text()
    # The columns editor: a label, and the status column moved first.
    columns = page.locator('.lc-ed-pane [data-editor="columns"]')
    columns.locator('[data-column="customer"] .lc-ed-collection__name').click()
    columns.get_by_label("Column customer label").fill("Customer")
    page.locator('[data-widget="Table1"]').get_by_text("Customer", exact=True).wait_for()
    columns.get_by_role("button", name="Move column status up").click()
    columns.get_by_role("button", name="Move column status up").click()
    assert columns.locator("[data-column]").first.get_attribute("data-column") == "status"
    select_widget(page, "Input1")
    set_code(page, "label", "Customer")
    page.locator('.lc-ed-pane [data-event="On change"]').get_by_label("Add action to On change").select_option("runQuery")
    page.locator('.lc-ed-pane [data-event="On change"] [data-step="runQuery"]').wait_for()
    select_widget(page, "Button1")
    set_code(page, "text", "Change status")
    page.locator('.lc-ed-pane [data-event="On click"]').get_by_label("Add action to On click").select_option("showModal")
    select_widget(page, "Select1")
    # The options editor: label/value rows instead of JSON.
    options = page.locator('.lc-ed-pane [data-property="sourceData"] [data-editor="options"]')
    for i, status in enumerate(["open", "shipped", "cancelled"], start=1):
        options.get_by_label(f"Option {i} label").fill(status)
        options.get_by_label(f"Option {i} value").fill(status)
    set_code(page, "defaultOptionValue", "{{Table1.selectedRow.status}}")
    page.locator('.lc-ed-pane [data-property="isFilterable"] input[type="checkbox"]').uncheck()
    select_widget(page, "Button2")
    set_code(page, "text", "Save")
    set_event(page, "On click", "{{updateOrder.run().then(() => closeModal('Modal1')).then(() => getOrders.run())}}")
    wait_saved(page)
    screenshots.take(page, "bound")

    # Rename Table1 to Orders: the query and the select's default follow.
    select_widget(page, "Table1")
    page.get_by_label("Widget name").fill("Orders")
    page.get_by_label("Widget name").press("Enter")
    page.locator('[data-explorer-widget="Orders"]').wait_for()
    select_widget(page, "Select1")
    assert "{{Orders.selectedRow.status}}" in page.locator('.lc-ed-pane [data-property="defaultOptionValue"] .cm-content').inner_text()
    page.locator('[data-explorer-query="updateOrder"] button').click()
    assert "{{Orders.selectedRow.id}}" in page.locator('[data-code-field="SQL"] .cm-content').inner_text()
    screenshots.take(page, "renamed")
    page.get_by_role("button", name="← Canvas").click()

    # Undo and redo a move (Escape first: it closes the modal that the selection had open).
    page.keyboard.press("Escape")
    page.locator('[data-modal="Modal1"]').wait_for(state="detached")
    before = box_of(page, "Button1")
    page.mouse.move(before["x"] + 10, before["y"] + 10)
    page.mouse.down()
    page.mouse.move(before["x"] + 10, before["y"] + 160, steps=6)
    page.mouse.up()
    moved = box_of(page, "Button1")
    assert moved["y"] > before["y"] + 100
    page.get_by_role("button", name="Undo").click()
    assert abs(box_of(page, "Button1")["y"] - before["y"]) < 2
    page.get_by_role("button", name="Redo").click()
    assert abs(box_of(page, "Button1")["y"] - moved["y"]) < 2
    wait_saved(page)
    screenshots.take(page, "moved-undone-redone")

    # A box dragged from empty canvas selects the widgets it touches.
    input_box, button_box = box_of(page, "Input1"), box_of(page, "Button1")
    grid_box = page.locator('[data-grid-id="0"]').bounding_box()
    start = (grid_box["x"] + grid_box["width"] - 4, max(input_box["y"] + input_box["height"], button_box["y"] + button_box["height"]) + 30)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(min(input_box["x"], button_box["x"]) + 5, min(input_box["y"], button_box["y"]) + 5, steps=6)
    page.locator('[data-testid="marquee"]').wait_for()
    page.mouse.up()
    for name in ("Input1", "Button1"):
        assert "lc-ed-widget--selected" in (page.locator(f'[data-widget="{name}"]').get_attribute("class") or "")
    page.keyboard.press("Escape")

    # The explorer marks the datasource the queries use; cloning the page copies its widgets and
    # queries under the same names (names are per page, as in Appsmith): the copy reads its own.
    page.get_by_role("tab", name="Explorer").click()
    page.locator('[data-explorer-datasource="Orders DB"][data-in-use="true"]').wait_for()
    first_page = page.locator("[data-explorer-page]").first.get_attribute("data-explorer-page")
    page.locator(f'[data-explorer-page="{first_page}"] summary').click()
    page.locator(f'[data-explorer-page="{first_page}"]').get_by_role("button", name="Clone").click()
    page.locator(f'[data-explorer-page="{first_page} copy"] > button.lc-ed-tree__item--active').wait_for()
    page.locator('[data-explorer-widget="Orders"]').wait_for()
    page.locator('[data-explorer-query="getOrders"]').wait_for()
    assert page.locator('[data-explorer-widget="Orders1"]').count() == 0
    page.locator('[data-widget="Orders"]').get_by_text("Grace", exact=True).wait_for()
    screenshots.take(page, "page-cloned")

    # Renaming the copy's Orders leaves the original page's Orders and its references alone.
    select_widget(page, "Orders")
    page.get_by_label("Widget name").fill("Shipments")
    page.get_by_label("Widget name").press("Enter")
    page.locator('[data-explorer-widget="Shipments"]').wait_for()
    select_widget(page, "Select1")
    assert "{{Shipments.selectedRow.status}}" in page.locator('.lc-ed-pane [data-property="defaultOptionValue"] .cm-content').inner_text()
    wait_saved(page)
    page.locator(f'[data-explorer-page="{first_page}"] > button.lc-ed-tree__item').click()
    page.locator(f'[data-explorer-page="{first_page}"] > button.lc-ed-tree__item--active').wait_for()
    page.locator('[data-explorer-widget="Orders"]').wait_for()
    select_widget(page, "Select1")
    assert "{{Orders.selectedRow.status}}" in page.locator('.lc-ed-pane [data-property="defaultOptionValue"] .cm-content').inner_text()
    page.keyboard.press("Escape")

    # Publish, then invite an App Viewer.
    page.get_by_role("button", name="Publish").click()
    page.get_by_role("dialog", name="Publish").get_by_role("button", name="Publish").click()
    page.get_by_text("Published. Viewers now see this version.").wait_for()
    screenshots.take(page, "published")
    page.goto("/")
    page.get_by_role("link", name="Members").click()
    invite = page.get_by_role("form", name="Invite someone")
    invite.get_by_label("Email").fill(VIEWER)
    invite.get_by_label("Role").select_option(label="App Viewer")
    invite.get_by_role("button", name="Invite").click()
    page.get_by_text(f"Invited {VIEWER}").wait_for()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile("/login"))

    # The viewer signs up, opens the app, picks Alan's order and ships it.
    sign_up(page, "Vi", VIEWER, server)
    page.locator('[data-app="Orders admin"]').get_by_role("link", name="Open").click()
    table = page.locator('[data-widget="Orders"]')
    table.get_by_text("Ada", exact=True).wait_for()
    page.locator('[data-widget="Input1"] input').fill("Ala")
    table.get_by_text("Ada", exact=True).wait_for(state="detached")
    table.get_by_text("Alan", exact=True).click()
    page.get_by_role("button", name="Change status").click()
    dialog = page.get_by_role("dialog")
    dialog.locator("select").select_option(label="shipped")
    screenshots.take(page, "viewer-editing")
    dialog.get_by_role("button", name="Save").click()
    dialog.wait_for(state="detached")
    table.get_by_text("shipped").wait_for()
    screenshots.take(page, "viewer-saved")
    assert order_status(orders_db, "Alan") == "shipped"
    assert order_status(orders_db, "Ada") == "open"
