"""Two developers edit one app at once through the UI, and a published app's viewer hears of a new
publish (issue 18). Two Chromium contexts are two people (two sessions); what they do goes through
the editor as a person would: the property pane (a binding typed by both at once), the keyboard, the
SQL editor.

Both end on the same state, and the page the server stored (after folding the shared document)
equals it. One goes offline, edits, and comes back: the edits merge.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lowcraft.devserver import free_port, running_server
from tests.browser import server_env
from tests.e2e.coediting_helpers import (
    FIELD_SHOWN,
    SQL_SHOWN,
    box,
    eventually,
    open_editor,
    same_text,
    select_widget,
    shown_text,
    stored_tree,
    text_widget,
    tree,
    type_property,
    wait_text,
    widgets_of,
)
from tests.e2e.viewer_helpers import api_call, sign_up_later_user

PASSWORD = "correct-horse-battery"


@pytest.fixture
def rt_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A server whose public URL is its own address (the socket checks the Origin against it),
    folding the shared document into the store every 0.5 s (or every `request.param` seconds)."""
    port = free_port()
    fold_seconds = str(getattr(request, "param", 0.5))
    env = {**server_env(tmp_path), "LOWCRAFT_BASE_URL": f"http://127.0.0.1:{port}", "LOWCRAFT_REALTIME_SAVE_SECONDS": fold_seconds}
    with running_server(env, port=port) as server:
        yield server


@pytest.fixture
def people(browser: Any, rt_server: Any, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Ann (administrator) and Ben (Developer) of one workspace, each in a browser of their own, and
    an application with three text widgets, an input and an SQL query."""
    contexts = [browser.new_context(base_url=rt_server.url, viewport={"width": 1280, "height": 800}) for _ in range(3)]
    ann, ben, visitor = contexts
    try:
        api_call(ann.request, "POST", "/auth/signup", {"email": "ann@example.com", "password": PASSWORD, "name": "Ann"}, expect=201)
        sign_up_later_user(ben.request, rt_server, "ben@example.com", "Ben")
        workspace = api_call(ann.request, "GET", "/workspaces")["workspaces"][0]["id"]
        api_call(ann.request, "POST", f"/workspaces/{workspace}/invites", {"email": "ben@example.com", "role": "developer"}, expect=201)
        app = api_call(ann.request, "POST", f"/workspaces/{workspace}/applications", {"name": "Orders"}, expect=201)
        page = api_call(ann.request, "GET", f"/applications/{app['id']}/pages")["pages"][0]
        widgets = [text_widget("w1", "Title", "Orders", 0), text_widget("w2", "Footer", "Bye", 10), text_widget("w3", "Note", "n", 20),
                   {"widgetId": "w4", "widgetName": "Search", "type": "INPUT_WIDGET_V2", "leftColumn": 20, "rightColumn": 40,
                    "topRow": 0, "bottomRow": 7}]
        api_call(ann.request, "PUT", f"/pages/{page['id']}/dsl", {"dsl": tree(*widgets), "revision": page["revision"]})
        sqlite_file = tmp_path / "orders.db"
        sqlite_file.touch()
        ds = api_call(ann.request, "POST", f"/workspaces/{workspace}/datasources", {
            "name": "Orders DB", "connector": "sqlite", "configs": {"production": {"path": str(sqlite_file)}}}, expect=201)
        action = api_call(ann.request, "POST", f"/applications/{app['id']}/actions", {
            "pageId": page["id"], "name": "getOrders", "datasourceId": ds["id"], "config": {"sql": "select * from orders"}}, expect=201)
        pages = []
        for context in (ann, ben):
            tab = context.new_page()
            tab.set_default_timeout(15_000)
            tab.on("dialog", lambda d: d.accept())
            pages.append(tab)
        yield {"app": app, "page": page, "action": action, "ann": pages[0], "ben": pages[1], "contexts": contexts, "visitor": visitor}
    finally:
        for context in contexts:
            context.close()


# ------------------------------------------------------------------ the stories


def test_two_developers_edit_one_page_at_once(people: dict[str, Any], screenshots: Any) -> None:
    ann, ben = people["ann"], people["ben"]
    try:
        co_edit(people, ann, ben, screenshots)
    except Exception:
        screenshots.take(ann, "failure-ann")
        screenshots.take(ben, "failure-ben")
        raise


def co_edit(people: dict[str, Any], ann: Any, ben: Any, screenshots: Any) -> None:
    app_id, page_id = people["app"]["id"], people["page"]["id"]
    open_editor(ann, app_id, people["page"]["slug"])
    open_editor(ben, app_id, people["page"]["slug"])

    # Presence: each sees the other in the top bar, on this page, and the other's selection.
    ann.locator('[data-peer="Ben"][data-peer-page="Page1"]').wait_for()
    ben.locator('[data-peer="Ann"]').wait_for()
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
    ben_context.set_offline(False)
    for tab in (ann, ben):
        wait_text(tab, "Footer", "Written offline")
        wait_text(tab, "Title", "Written meanwhile")
    ben.locator("[data-live-status]").wait_for(state="detached")

    # Both show the same page, and the page the server stored is that page.
    names = ("Title", "Footer", "Note")
    shown = {n: shown_text(ann, n) for n in names}
    assert {n: shown_text(ben, n) for n in names} == shown
    assert [box(ann, n)["x"] for n in names] == [box(ben, n)["x"] for n in names]

    def stored_matches() -> None:
        stored = widgets_of(stored_tree(ann.request, page_id))
        assert {n: stored[n]["text"] for n in names} == shown
        assert stored["Title"]["leftColumn"] > 0
        assert stored["Search"]["defaultText"] == expected_binding
        sql = api_call(ann.request, "GET", f"/applications/{app_id}/actions")["actions"][0]["config"]["sql"]
        assert sql == expected_sql

    eventually(stored_matches)

    # Undo is per person: Ann's undo takes back Ann's last edit, not Ben's offline one.
    ann.get_by_role("button", name="Undo").click()
    wait_text(ann, "Title", "Moved title")
    wait_text(ben, "Title", "Moved title")
    assert shown_text(ann, "Footer") == "Written offline"
    screenshots.take(ann, "merged")


def test_a_viewer_hears_of_a_new_publish(people: dict[str, Any], screenshots: Any) -> None:
    ann = people["ann"]
    app = people["app"]
    api_call(ann.request, "PATCH", f"/applications/{app['id']}", {"isPublic": True})
    api_call(ann.request, "POST", f"/applications/{app['id']}/publish")
    visitor = people["visitor"]
    typed, untouched = visitor.new_page(), visitor.new_page()
    for tab in (typed, untouched):
        tab.set_default_timeout(15_000)
        tab.goto(f"/app/{app['slug']}")
        tab.locator('[data-widget="Title"]').first.wait_for()
        tab.evaluate("window.__sameDocument = true")
    # Someone typed into one page; the other is untouched.
    typed.locator('[data-widget="Search"] input').fill("half a form")
    time.sleep(0.5)  # both sockets are open

    open_editor(ann, app["id"], people["page"]["slug"])
    select_widget(ann, "Title")
    type_property(ann, "text", "Version two")
    ann.get_by_role("button", name="Publish").click()
    ann.get_by_role("dialog", name="Publish").get_by_role("button", name="Publish").click()

    typed.locator('[data-testid="publish-banner"]').wait_for()
    assert typed.evaluate("window.__sameDocument") is True
    screenshots.take(typed, "publish-banner")
    # The untouched page reloaded itself and shows the new version.
    untouched.wait_for_function("() => window.__sameDocument === undefined", timeout=15_000)
    untouched.locator('[data-widget="Title"]', has_text="Version two").wait_for()
    typed.get_by_role("button", name="Reload").click()
    typed.locator('[data-widget="Title"]', has_text="Version two").wait_for()


@pytest.mark.parametrize("rt_server", [60], indirect=True)  # the store lags the shared document all along
def test_a_rename_keeps_the_code_a_colleague_typed_that_the_store_lacks_yet(people: dict[str, Any], screenshots: Any) -> None:
    """After a rename the editor reads the lists again from the store; code the shared document
    holds and the store does not yet (a colleague's unfolded typing) stays what the editor shows."""
    ann, ben = people["ann"], people["ben"]
    app_id, page = people["app"]["id"], people["page"]
    api_call(ann.request, "POST", f"/applications/{app_id}/js-objects", {
        "pageId": page["id"], "name": "Utils", "body": "export default {\n  first() { return 1 },\n}"}, expect=201)
    functions = "select[aria-label='Function to run'] option"
    for tab in (ann, ben):
        open_editor(tab, app_id, page["slug"])
        tab.get_by_role("tab", name="Explorer").click()
        tab.locator(".lc-ed-tree__item", has_text="Utils").click()
        tab.locator('[data-code-field="JS object"] .cm-content').wait_for()
    ben.locator('[data-code-field="JS object"] .cm-content').click()
    ben.keyboard.press("Control+Home")
    ben.keyboard.press("End")
    ben.keyboard.type("\n  second() { return 2 },", delay=10)
    ann.locator(functions, has_text="second").wait_for(state="attached")

    # The server's notice of the rename reaches Ann before her own request's answer does, so the
    # lists she reads after it are the last ones set (the store's, without Ben's function).
    def answer_late(route: Any) -> None:
        response = route.fetch()
        time.sleep(1.5)
        route.fulfill(response=response)

    ann.route("**/api/v1/applications/*/refactor", answer_late)
    name = ann.get_by_label("JS object name")
    name.fill("Helpers")
    name.press("Enter")
    ann.get_by_text("Utils is now Helpers").wait_for()
    time.sleep(1)
    screenshots.take(ann, "after-rename")
    assert ann.locator(functions).all_inner_texts() == ["second", "first"]
    assert ann.locator(".lc-ed-tree__item", has_text="Helpers").count() == 1
