"""Appsmith-format apps that run: written for the import tests (not taken from Appsmith), each
meant to work once imported, against the real PostgreSQL and MariaDB of the test machine.

- `inventory_app()`: two pages over PostgreSQL and MariaDB, legacy widget types to migrate
  (TABLE_WIDGET, DROP_DOWN_WIDGET, INPUT_WIDGET), a JS object read by bindings, a widget Lowcraft
  lacks (MAP_WIDGET: a placeholder), a datasource of a plugin Lowcraft lacks (MongoDB: a
  placeholder with its query kept), a JS library, a theme and side navigation.
- `helpdesk_app()`: a MariaDB app with a form, tabs (TABULATOR_WIDGET), a modal and a list, for
  the Git layout.

Both reuse names across pages, as real Appsmith apps do (a `Helpers` JS object and a `TotalText`
on two pages of Inventory; a `TicketsTitle` and an `openTickets` query on both pages of Helpdesk).

`seed_inventory` / `seed_helpdesk` create the tables the apps read.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pymysql

from tests.appsmith.builders import App, JsFn, JsObj, Page, Query, canvas, holding, main_container, w

PRODUCTS = [("Anvil", 120), ("Bucket", 8), ("Chisel", 15)]
STOCK = [("A-1", 4), ("B-2", 40), ("C-3", 0)]
TICKETS = [("Printer jammed", "open"), ("VPN down", "open"), ("New laptop", "closed")]


def _sql(body: str) -> dict[str, Any]:
    return {"timeoutInMillisecond": 10000, "body": body, "pluginSpecifiedTemplates": [{"value": True}]}


def products_page() -> Page:
    title = w("TitleText", "TEXT_WIDGET", 0, 40, 0, 4, text="{{'Products: ' + listProducts.data.length}}")
    table = w(
        "ProductsTable", "TABLE_WIDGET", 0, 40, 5, 35,
        tableData="{{listProducts.data}}",
        defaultSelectedRow="0",
        primaryColumns={
            "id": {"id": "id", "label": "id", "columnType": "number", "computedValue": "{{currentRow.id}}"},
            "name": {"id": "name", "label": "name", "columnType": "text", "computedValue": "{{currentRow.name}}"},
            "price": {"id": "price", "label": "price", "columnType": "number",
                      "computedValue": "{{currentRow.price}}"},
        },
    )
    picked = w("PickedText", "TEXT_WIDGET", 42, 64, 5, 9, text="{{'Picked ' + (ProductsTable.selectedRow.name || '')}}")
    total = w("TotalText", "TEXT_WIDGET", 42, 64, 10, 14, text="{{'Total ' + Helpers.total(listProducts.data)}}")
    size = w(
        "SizeSelect", "DROP_DOWN_WIDGET", 42, 64, 15, 19,
        label="Size", selectionType="SINGLE_SELECT", defaultOptionValue="m",
        options=[{"label": "Small", "value": "s"}, {"label": "Medium", "value": "m"}],
    )
    qty = w("QtyInput", "INPUT_WIDGET", 42, 64, 20, 24, inputType="INTEGER", label="Qty", defaultText="2")
    echo = w("EchoText", "TEXT_WIDGET", 42, 64, 25, 29, text="{{SizeSelect.selectedOptionValue + ' x ' + QtyInput.text}}")
    refresh = w("RefreshButton", "BUTTON_WIDGET", 42, 54, 30, 34, text="Refresh",
                onClick="{{listProducts.run().then(() => showAlert('Refreshed', 'success'))}}")
    inner = w("InnerText", "TEXT_WIDGET", 0, 64, 0, 4, text="{{appsmith.store.greeting || 'Welcome'}}")
    box = w("InfoBox", "CONTAINER_WIDGET", 0, 40, 36, 46, backgroundColor="#FFFFFF")
    box["children"] = [holding(canvas("InfoCanvas", 100, inner), inner)]
    holding(box, box["children"][0])
    where = w("WhereMap", "MAP_WIDGET", 42, 64, 36, 56, mapCenter={"lat": 52.5, "long": 13.4}, zoomLevel=50,
              defaultMarkers="{{[{lat: 52.5, long: 13.4, title: TitleText.text}]}}")
    dsl = main_container(800, title, table, picked, total, size, qty, echo, refresh, box, where)
    return Page("Products", dsl, on_load=["listProducts"], default=True)


def stock_page() -> Page:
    heading = w("StockTitle", "TEXT_WIDGET", 0, 40, 0, 4, text="{{'Stock lines: ' + stockLevels.data.length}}")
    table = w("StockTable", "TABLE_WIDGET_V2", 0, 64, 5, 35, tableData="{{stockLevels.data}}")
    empty = w("EmptyText", "TEXT_WIDGET", 0, 64, 36, 40,
              text="{{stockLevels.data.filter(r => Number(r.qty) === 0).map(r => r.sku).join(', ')}}")
    # The same names as on Products (names are per page): this page's own Helpers.
    total = w("TotalText", "TEXT_WIDGET", 0, 64, 41, 45, text="{{'Total ' + Helpers.total(stockLevels.data)}}")
    dsl = main_container(500, heading, table, empty, total)
    return Page("Stock", dsl, on_load=["stockLevels"])


HELPERS = """export default {
  total(rows) { return (rows || []).reduce((sum, r) => sum + Number(r.price), 0) },
  label(row) { return row ? row.name : '' },
}"""


STOCK_HELPERS = """export default {
  total(rows) { return (rows || []).reduce((sum, r) => sum + Number(r.qty), 0) },
}"""


def inventory_app() -> App:
    return App(
        name="Inventory",
        pages=[products_page(), stock_page()],
        queries=[
            Query("listProducts", "Products", "postgres-plugin", "DB", "Inventory PG",
                  _sql("select id, name, price from products order by id"), on_load=True),
            Query("stockLevels", "Stock", "mysql-plugin", "DB", "Warehouse MariaDB",
                  _sql("select sku, qty from stock order by sku"), on_load=True),
            Query("findArchived", "Stock", "mongo-plugin", "DB", "Archive Mongo",
                  {"formData": {"command": {"data": "FIND"}, "collection": {"data": "archive"}}}),
        ],
        js_objects=[
            JsObj("Helpers", "Products", HELPERS, [JsFn("total"), JsFn("label")]),
            JsObj("Helpers", "Stock", STOCK_HELPERS, [JsFn("total")]),
        ],
        datasources=[
            ("Inventory PG", "postgres-plugin"),
            ("Warehouse MariaDB", "mysql-plugin"),
            ("Archive Mongo", "mongo-plugin"),
        ],
        libs=[{"name": "dayjs", "accessor": ["dayjs"], "version": "1.11.10",
               "url": "https://cdn.example.test/dayjs@1.11.10/dayjs.min.js"}],
        theme={"name": "Sharp", "displayName": "Sharp", "isSystemTheme": False,
               "properties": {"colors": {"primaryColor": "#0F766E", "backgroundColor": "#F1F5F9"},
                              "borderRadius": {"appBorderRadius": "0px"},
                              "boxShadow": {"appBoxShadow": "none"},
                              "fontFamily": {"appFont": "Inter"}}},
        navigation={"orientation": "side", "showNavbar": True},
    )


def tickets_page() -> Page:
    title = w("TicketsTitle", "TEXT_WIDGET", 0, 40, 0, 4, text="{{'Open tickets: ' + openTickets.data.length}}")
    ticket_list = w("TicketList", "LIST_WIDGET_V2", 0, 30, 5, 45, listData="{{openTickets.data}}")
    item_text = w("ItemText", "TEXT_WIDGET", 0, 64, 0, 4, text="{{currentItem.title}}")
    template = holding(canvas("ItemCanvas", 60, item_text), item_text)
    item_box = w("ItemBox", "CONTAINER_WIDGET", 0, 64, 0, 6, children=[template])
    holding(item_box, template)
    list_canvas = holding(canvas("ListCanvas", 400, item_box), item_box)
    ticket_list["children"] = [list_canvas]
    holding(ticket_list, list_canvas)

    subject = w("SubjectInput", "INPUT_WIDGET_V2", 0, 64, 0, 7, label="Subject", defaultText="")
    submit = w("SubmitButton", "FORM_BUTTON_WIDGET", 40, 64, 10, 14, text="Submit", buttonStyle="PRIMARY_BUTTON")
    form_canvas = holding(canvas("FormCanvas", 200, subject, submit), subject, submit)
    form = w("TicketForm", "FORM_WIDGET", 32, 64, 5, 25, children=[form_canvas])
    holding(form, form_canvas)

    all_table = w("AllTable", "TABLE_WIDGET_V2", 0, 64, 0, 25, tableData="{{allTickets.data}}")
    count_text = w("CountText", "TEXT_WIDGET", 0, 64, 0, 4, text="{{allTickets.data.length + ' tickets'}}")
    tab_all = holding(canvas("TabAllCanvas", 300, all_table, tabId="tab1", tabName="All"), all_table)
    tab_sum = holding(canvas("TabSumCanvas", 300, count_text, tabId="tab2", tabName="Summary"), count_text)
    tabs = w("TicketTabs", "TABULATOR_WIDGET", 0, 64, 46, 80, selectedTab="All",
             tabs=[{"id": "tab1", "label": "All", "widgetId": tab_all["widgetId"]},
                   {"id": "tab2", "label": "Summary", "widgetId": tab_sum["widgetId"]}],
             children=[tab_all, tab_sum])
    holding(tabs, tab_all, tab_sum)

    sure = w("SureText", "TEXT_WIDGET", 0, 64, 0, 4, text="Close every ticket?")
    close = w("CloseButton", "BUTTON_WIDGET", 40, 64, 10, 14, text="Cancel", onClick="{{closeModal(ConfirmModal.name)}}")
    modal_canvas = holding(canvas("ModalCanvas", 200, sure, close), sure, close)
    modal = w("ConfirmModal", "MODAL_WIDGET", 10, 40, 10, 30, height=200, width=400, children=[modal_canvas])
    holding(modal, modal_canvas)
    ask = w("AskButton", "BUTTON_WIDGET", 0, 16, 82, 86, text="Close all", onClick="{{showModal(ConfirmModal.name)}}")
    dsl = main_container(1000, title, ticket_list, form, tabs, modal, ask)
    return Page("Tickets", dsl, on_load=["openTickets", "allTickets"], default=True)


def about_page() -> Page:
    text = w("AboutText", "TEXT_WIDGET", 0, 64, 0, 6, text="{{'Helpdesk on ' + appsmith.mode}}")
    # A widget and a query named as on Tickets: names are per page.
    title = w("TicketsTitle", "TEXT_WIDGET", 0, 64, 7, 11, text="{{'Closed: ' + openTickets.data.length}}")
    return Page("About", main_container(300, text, title), on_load=["openTickets"])


def helpdesk_app() -> App:
    return App(
        name="Helpdesk",
        pages=[tickets_page(), about_page()],
        queries=[
            Query("openTickets", "Tickets", "mysql-plugin", "DB", "Helpdesk DB",
                  _sql("select id, title from tickets where status = 'open' order by id"), on_load=True),
            Query("allTickets", "Tickets", "mysql-plugin", "DB", "Helpdesk DB",
                  _sql("select id, title, status from tickets order by id"), on_load=True),
            Query("openTickets", "About", "mysql-plugin", "DB", "Helpdesk DB",
                  _sql("select id from tickets where status = 'closed'"), on_load=True),
        ],
        js_objects=[],
        datasources=[("Helpdesk DB", "mysql-plugin")],
        libs=[],
        theme={"name": "Default", "displayName": "Modern", "isSystemTheme": True, "properties": {}},
        navigation={"orientation": "top"},
    )


def seed_inventory(pg: dict[str, Any], mysql: dict[str, Any]) -> None:
    with psycopg.connect(host=pg["host"], port=pg["port"], user=pg["user"], dbname=pg["database"],
                         autocommit=True) as conn:
        conn.execute("drop table if exists products")
        conn.execute("create table products (id serial primary key, name text not null, price integer not null)")
        with conn.cursor() as cur:
            cur.executemany("insert into products (name, price) values (%s, %s)", PRODUCTS)
    with _mysql(mysql) as conn, conn.cursor() as cur:
        cur.execute("drop table if exists stock")
        cur.execute("create table stock (sku varchar(20) primary key, qty int not null)")
        cur.executemany("insert into stock values (%s, %s)", STOCK)


def seed_helpdesk(mysql: dict[str, Any]) -> None:
    with _mysql(mysql) as conn, conn.cursor() as cur:
        cur.execute("drop table if exists tickets")
        cur.execute("create table tickets (id int auto_increment primary key, title varchar(100), status varchar(20))")
        cur.executemany("insert into tickets (title, status) values (%s, %s)", TICKETS)


def _mysql(mysql: dict[str, Any]) -> Any:
    return pymysql.connect(host=mysql["host"], port=mysql["port"], user=mysql["user"],
                           password=mysql.get("password") or "", database=mysql["database"], autocommit=True)
