"""What the co-editing end-to-end tests share: the team and its app, what a person does in the
editor (open it, select a widget, type a property) and sees (a widget's text), and the whole story
of two people editing one page at once (`co_edit`), told the same on one server and on two replicas
behind Caddy; what differs between the two is passed in.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.e2e.test_editor import drag_from_palette
from tests.e2e.viewer_helpers import PASSWORD, api_call, sign_up_later_user

# One way of reading the store: GET an API path (from /api/v1) and return its JSON.
StoreReader = Callable[[str], Any]
# Run a step that opens one live socket for a person ("ann" or "ben"), checking where it landed.
SocketCheck = Callable[[str, Callable[[], None]], None]


def tree(*children: dict[str, Any]) -> dict[str, Any]:
    return {"widgetId": "0", "widgetName": "MainContainer", "type": "CANVAS_WIDGET", "leftColumn": 0,
            "rightColumn": 64, "topRow": 0, "bottomRow": 100, "children": list(children)}


def text_widget(widget_id: str, name: str, text: str, top: int) -> dict[str, Any]:
    return {"widgetId": widget_id, "widgetName": name, "type": "TEXT_WIDGET", "leftColumn": 0, "rightColumn": 16,
            "topRow": top, "bottomRow": top + 4, "text": text}


def open_editor(tab: Any, app_id: str, page_slug: str) -> None:
    tab.goto(f"/app/{app_id}/edit/{page_slug}")
    tab.locator('[data-grid-id="0"]').wait_for()
    assert tab.locator("[data-live-status]").count() == 0, tab.locator("[data-live-status]").inner_text()


def select_widget(tab: Any, name: str) -> None:
    tab.locator(f'[data-widget="{name}"]').first.click()
    tab.locator(".lc-ed-pane__name").wait_for()


def type_property(tab: Any, prop: str, text: str) -> None:
    field = tab.locator(f'.lc-ed-pane [data-property="{prop}"] .cm-content')
    field.click()
    tab.keyboard.press("Control+a")
    tab.keyboard.type(text, delay=5)  # replaces the selection (an emptied text would show its default)
    tab.keyboard.press("Escape")


def shown_text(tab: Any, widget: str) -> str:
    return str(tab.locator(f'[data-widget="{widget}"] .lc-ed-widget__content').inner_text()).strip()


def wait_text(tab: Any, widget: str, text: str) -> None:
    tab.wait_for_function(
        "([w, t]) => document.querySelector(`[data-widget=\"${w}\"] .lc-ed-widget__content`)?.innerText.trim() === t",
        arg=[widget, text], timeout=10_000)


def box(tab: Any, widget: str) -> dict[str, float]:
    return tab.locator(f'[data-widget="{widget}"]').first.bounding_box()  # type: ignore[no-any-return]


def widgets_of(dsl: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {w["widgetName"]: w for w in dsl.get("children", [])}


def eventually(check: Any, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


# The SQL editor's text, line by line, without the other person's caret and name label.
SQL_SHOWN = """t => {
  const c = document.querySelector('[data-code-field="SQL"] .cm-content').cloneNode(true);
  c.querySelectorAll('.cm-ySelectionCaret, .cm-ySelectionInfo').forEach((e) => e.remove());
  return [...c.querySelectorAll('.cm-line')].map((l) => l.textContent).join('\\n') === t;
}"""


# A code field's text (selector, text), line by line, without the other person's caret and name label.
FIELD_SHOWN = """([selector, t]) => {
  const c = document.querySelector(selector)?.cloneNode(true);
  if (!c) return false;
  c.querySelectorAll('.cm-ySelectionCaret, .cm-ySelectionInfo').forEach((e) => e.remove());
  return [...c.querySelectorAll('.cm-line')].map((l) => l.textContent).join('\\n') === t;
}"""


def same_text(ann: Any, ben: Any, widget: str) -> None:
    assert shown_text(ann, widget) == shown_text(ben, widget)


# ------------------------------------------------------------------ the team, its app, its tabs


def set_up_orders_app(ann_api: Any, ben_api: Any, mail_server: Any, folder: Path) -> dict[str, Any]:
    """Ann (administrator) and Ben (Developer) of one workspace, signed up through the API requests
    `ann_api` and `ben_api` of their browsers (Ben's signup link is read from `mail_server`'s log), and an
    application with three text widgets, an input and an SQL query on an SQLite file in `folder`."""
    api_call(ann_api, "POST", "/auth/signup", {"email": "ann@example.com", "password": PASSWORD, "name": "Ann"}, expect=201)
    sign_up_later_user(ben_api, mail_server, "ben@example.com", "Ben")
    workspace = api_call(ann_api, "GET", "/workspaces")["workspaces"][0]["id"]
    api_call(ann_api, "POST", f"/workspaces/{workspace}/invites", {"email": "ben@example.com", "role": "developer"}, expect=201)
    app = api_call(ann_api, "POST", f"/workspaces/{workspace}/applications", {"name": "Orders"}, expect=201)
    page = api_call(ann_api, "GET", f"/applications/{app['id']}/pages")["pages"][0]
    widgets = [text_widget("w1", "Title", "Orders", 0), text_widget("w2", "Footer", "Bye", 10), text_widget("w3", "Note", "n", 20),
               {"widgetId": "w4", "widgetName": "Search", "type": "INPUT_WIDGET_V2", "leftColumn": 20, "rightColumn": 40,
                "topRow": 0, "bottomRow": 7}]
    api_call(ann_api, "PUT", f"/pages/{page['id']}/dsl", {"dsl": tree(*widgets), "revision": page["revision"]})
    sqlite_file = folder / "orders.db"
    sqlite_file.touch()
    ds = api_call(ann_api, "POST", f"/workspaces/{workspace}/datasources", {
        "name": "Orders DB", "connector": "sqlite", "configs": {"production": {"path": str(sqlite_file)}}}, expect=201)
    action = api_call(ann_api, "POST", f"/applications/{app['id']}/actions", {
        "pageId": page["id"], "name": "getOrders", "datasourceId": ds["id"], "config": {"sql": "select * from orders"}}, expect=201)
    return {"app": app, "page": page, "action": action}


def open_tabs(contexts: Sequence[Any]) -> list[Any]:
    """A tab in each browser context, patient (15 s) and accepting every dialog."""
    tabs = []
    for context in contexts:
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        tab.on("dialog", lambda d: d.accept())
        tabs.append(tab)
    return tabs


@contextmanager
def screenshots_on_failure(screenshots: Any, tabs: dict[str, Any]) -> Iterator[None]:
    """On a failure, a screenshot of each named tab still open, then the failure."""
    try:
        yield
    except Exception:
        for name, tab in tabs.items():
            if not tab.is_closed():
                screenshots.take(tab, f"failure-{name}")
        raise


# ------------------------------------------------------------------ the story


def any_socket(_person: str, step: Callable[[], None]) -> None:
    """On one server every socket lands on it: the step only runs."""
    step()


def co_edit(people: dict[str, Any], screenshots: Any, stores: Sequence[StoreReader], opens_socket: SocketCheck = any_socket) -> None:
    """Ann and Ben (`people`, from `set_up_orders_app` plus their tabs and contexts) edit one page at
    once through the editor; both end on the same page, and every one of `stores` holds it.
    `opens_socket` runs each step that opens a person's live socket (opening the editor, coming back
    online) and checks where that socket landed."""
    ann, ben = people["ann"], people["ben"]
    app_id, page_id = people["app"]["id"], people["page"]["id"]
    opens_socket("ann", lambda: open_editor(ann, app_id, people["page"]["slug"]))
    opens_socket("ben", lambda: open_editor(ben, app_id, people["page"]["slug"]))

    # Presence: each sees the other in the top bar, on this page.
    ann.locator('[data-peer="Ben"][data-peer-page="Page1"]').wait_for()
    ben.locator('[data-peer="Ann"]').wait_for()

    # A widget Ann drops on the canvas shows in Ben's editor.
    drag_from_palette(ann, "BUTTON_WIDGET", ann.locator('[data-grid-id="0"]'), 560, 140)
    ann.locator('[data-widget="Button1"]').wait_for()
    ben.locator('[data-widget="Button1"]').wait_for()

    # Each sees the other's selection.
    select_widget(ann, "Title")
    select_widget(ben, "Footer")
    ben.locator('[data-widget="Title"] [data-peer-selection="Ann"]').wait_for()
    ann.locator('[data-widget="Footer"] [data-peer-selection="Ben"]').wait_for()
    screenshots.take(ann, "presence")

    # Different widgets at once: both changes stay, in both browsers.
    type_property(ann, "text", "Hello from Ann")
    type_property(ben, "text", "Hello from Ben")
    for tab in (ann, ben):
        wait_text(tab, "Title", "Hello from Ann")
        wait_text(tab, "Footer", "Hello from Ben")

    # One widget, different properties at once: Ann changes Title's text, Ben moves it.
    select_widget(ben, "Title")
    left_before = box(ben, "Title")["x"]
    ben.keyboard.press("ArrowRight")
    type_property(ann, "text", "Moved title")
    for tab in (ann, ben):
        wait_text(tab, "Title", "Moved title")
        tab.wait_for_function("x => document.querySelector('[data-widget=\"Title\"]').getBoundingClientRect().x > x", arg=left_before)

    # The same property, one after the other: the later text replaces it, the same in both.
    select_widget(ben, "Note")
    select_widget(ann, "Note")
    type_property(ann, "text", "Ann wrote this")
    wait_text(ben, "Note", "Ann wrote this")
    type_property(ben, "text", "Ben wrote this")
    eventually(lambda: same_text(ann, ben, "Note"))
    assert shown_text(ann, "Note") == "Ben wrote this"

    # The same binding at once: characters from both are kept, and each sees the other's cursor there.
    binding = '.lc-ed-pane [data-property="defaultText"] .cm-content'
    select_widget(ann, "Search")
    select_widget(ben, "Search")
    type_property(ann, "defaultText", "{{Title.text}}")
    ben.wait_for_function(FIELD_SHOWN, arg=[binding, "{{Title.text}}"])
    ann.locator(binding).click()
    ann.keyboard.press("Control+End")
    ben.locator(binding).click()
    ben.keyboard.press("Control+Home")
    ann.keyboard.type(" and more", delay=10)
    ben.keyboard.type("Search ", delay=10)
    expected_binding = "Search {{Title.text}} and more"
    for tab in (ann, ben):
        tab.wait_for_function(FIELD_SHOWN, arg=[binding, expected_binding])
    ann.locator(f"{binding} .cm-ySelectionCaret").wait_for()
    ben.locator(f"{binding} .cm-ySelectionCaret").wait_for()
    screenshots.take(ann, "shared-binding")
    ann.keyboard.press("Escape")
    ben.keyboard.press("Escape")

    # The same SQL text at once: characters from both are kept.
    for tab in (ann, ben):
        tab.get_by_role("tab", name="Explorer").click()
        tab.locator('[data-explorer-query="getOrders"] button').first.click()
        tab.locator('[data-code-field="SQL"] .cm-content').wait_for()
    ann.locator('[data-code-field="SQL"] .cm-content').click()
    ann.keyboard.press("Control+End")
    ben.locator('[data-code-field="SQL"] .cm-content').click()
    ben.keyboard.press("Control+Home")
    ann.keyboard.type(" where id > 1", delay=10)
    ben.keyboard.type("-- by Ben\n", delay=10)
    expected_sql = "-- by Ben\nselect * from orders where id > 1"
    for tab in (ann, ben):
        tab.wait_for_function(SQL_SHOWN, arg=expected_sql)
    # The other's cursor shows in the SQL editor.
    ann.locator('[data-code-field="SQL"] .cm-ySelectionCaret').wait_for()
    screenshots.take(ann, "shared-sql")

    # One goes offline, edits, and comes back: the edits merge with what the other did meanwhile.
    for tab in (ann, ben):
        tab.locator(".lc-ed-back").click()
        tab.locator('[data-grid-id="0"]').wait_for()
    ben_context = people["contexts"][1]
    ben_context.set_offline(True)
    ben.locator("[data-live-status]").wait_for()
    select_widget(ben, "Footer")
    type_property(ben, "text", "Written offline")
    select_widget(ann, "Title")
    type_property(ann, "text", "Written meanwhile")
    wait_text(ben, "Footer", "Written offline")
    time.sleep(1)
    assert shown_text(ann, "Footer") == "Hello from Ben"  # not there yet: Ben is offline
    opens_socket("ben", lambda: ben_context.set_offline(False))
    for tab in (ann, ben):
        wait_text(tab, "Footer", "Written offline")
        wait_text(tab, "Title", "Written meanwhile")
    ben.locator("[data-live-status]").wait_for(state="detached")

    # Both show the same page, and the page the server stored is that page, wherever it is read.
    names = ("Title", "Footer", "Note")
    shown = {n: shown_text(ann, n) for n in names}
    assert {n: shown_text(ben, n) for n in names} == shown
    assert [box(ann, n)["x"] for n in names] == [box(ben, n)["x"] for n in names]

    def stored_matches() -> None:
        for read in stores:
            stored = widgets_of(read(f"/pages/{page_id}")["dsl"])
            assert {n: stored[n]["text"] for n in names} == shown
            assert "Button1" in stored
            assert stored["Title"]["leftColumn"] > 0
            assert stored["Search"]["defaultText"] == expected_binding
            assert read(f"/applications/{app_id}/actions")["actions"][0]["config"]["sql"] == expected_sql

    eventually(stored_matches)

    # Undo is per person: Ann's undo takes back Ann's last edit, not Ben's offline one.
    ann.get_by_role("button", name="Undo").click()
    wait_text(ann, "Title", "Moved title")
    wait_text(ben, "Title", "Moved title")
    assert shown_text(ann, "Footer") == "Written offline"
    screenshots.take(ann, "merged")
