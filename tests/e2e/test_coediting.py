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
    co_edit,
    open_editor,
    open_tabs,
    screenshots_on_failure,
    select_widget,
    set_up_orders_app,
    type_property,
)
from tests.e2e.viewer_helpers import api_call


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
        team = set_up_orders_app(ann.request, ben.request, rt_server, tmp_path)
        ann_tab, ben_tab = open_tabs([ann, ben])
        yield {**team, "ann": ann_tab, "ben": ben_tab, "contexts": contexts, "visitor": visitor}
    finally:
        for context in contexts:
            context.close()


# ------------------------------------------------------------------ the stories


def test_two_developers_edit_one_page_at_once(people: dict[str, Any], screenshots: Any) -> None:
    """The whole story (tests/e2e/coediting_helpers.py `co_edit`), the stored page read from the server."""
    ann = people["ann"]
    with screenshots_on_failure(screenshots, {"ann": ann, "ben": people["ben"]}):
        co_edit(people, screenshots, stores=[lambda path: api_call(ann.request, "GET", path)])


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
