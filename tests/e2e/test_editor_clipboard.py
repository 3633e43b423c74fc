"""The editor's clipboard and error badges, tried in the browser as a developer would.

A pasted Tabs widget gets tabs of its own (each tab names the copy's canvas, not the original's),
and a Form whose buttons are set up, handler included, shows no error badge. Screenshots go to
test-artifacts/<test name>/.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.test_editor import drag_from_palette, select_widget, set_event, wait_saved
from tests.e2e.viewer_helpers import PASSWORD, api_call

pytestmark = pytest.mark.e2e

TIMEOUT = 15_000


def open_new_app(page: Any) -> str:
    """Sign up, create an empty application and open its first page in the editor; returns the app id."""
    api_call(
        page.request,
        "POST",
        "/auth/signup",
        {"email": "dev@example.com", "password": PASSWORD, "name": "Dev"},
        expect=201,
    )
    workspace = api_call(page.request, "GET", "/workspaces")["workspaces"][0]
    app = api_call(
        page.request, "POST", f"/workspaces/{workspace['id']}/applications", {"name": "Clipboard"}, expect=201
    )
    page.set_default_timeout(TIMEOUT)
    page.goto(f"/app/{app['id']}/edit/home")
    page.locator('[data-grid-id="0"]').wait_for()
    return str(app["id"])


def saved_widgets(page: Any, app_id: str) -> list[dict[str, Any]]:
    """Every widget of the app's first page as the server stored it, depth first."""
    pages = api_call(page.request, "GET", f"/applications/{app_id}")["pages"]
    dsl = api_call(page.request, "GET", f"/pages/{pages[0]['id']}")["dsl"]
    out: list[dict[str, Any]] = []

    def walk(widget: dict[str, Any]) -> None:
        for child in widget.get("children", []):
            out.append(child)
            walk(child)

    walk(dsl)
    return out


def saved_widgets_once(page: Any, app_id: str, ready: Callable[[dict[str, dict[str, Any]]], bool]) -> dict[str, dict[str, Any]]:
    """The saved widgets by name, once `ready` holds for them. The editor saves after a pause, and
    its "saved" status may still describe the previous save when an edit has just been made."""
    for _ in range(50):
        widgets = {w["widgetName"]: w for w in saved_widgets(page, app_id)}
        if ready(widgets):
            return widgets
        page.wait_for_timeout(200)
    raise AssertionError(f"the server never had the edit; it has {sorted(widgets)}")


def test_a_pasted_tabs_widget_switches_between_canvases_of_its_own(page: Any, screenshots: Any) -> None:
    from playwright.sync_api import expect

    app_id = open_new_app(page)
    grid = page.locator('[data-grid-id="0"]')
    drag_from_palette(page, "TABS_WIDGET", grid, 200, 120)
    tabs = page.locator('[data-widget="Tabs1"]')
    tabs.wait_for()
    drag_from_palette(page, "TEXT_WIDGET", tabs.locator("[data-grid-id]").first, 120, 40)
    page.locator('[data-widget="Text1"]').wait_for()

    # Select the tabs widget by its tab bar, copy it and paste it onto the page.
    tabs.click(position={"x": 20, "y": 10})
    page.keyboard.press("Control+c")
    page.keyboard.press("Control+v")
    copy = page.locator('[data-widget="Tabs2"]')
    copy.wait_for()
    expect(copy.locator('[data-widget="Text2"]')).to_be_visible()
    wait_saved(page)
    screenshots.take(page, "pasted")

    widgets = saved_widgets_once(page, app_id, lambda w: "Tabs2" in w)
    for name in ("Tabs1", "Tabs2"):
        canvases = {c["widgetId"] for c in widgets[name]["children"]}
        targets = {tab["label"]: tab["widgetId"] for tab in widgets[name]["tabsObj"].values()}
        assert set(targets.values()) == set(canvases), (
            f"{name}'s tabs point at {targets}, its canvases are {canvases}"
        )
    tab_one_of_copy = next(
        t["widgetId"] for t in widgets["Tabs2"]["tabsObj"].values() if t["label"] == "Tab 1"
    )
    assert any(
        c["widgetId"] == tab_one_of_copy and [x["widgetName"] for x in c["children"]] == ["Text2"]
        for c in widgets["Tabs2"]["children"]
    )

    # In preview the copy's tabs switch between the copy's own canvases; the original keeps its text.
    page.get_by_role("button", name="Preview").click()
    copy.get_by_role("tab", name="Tab 2").click()
    expect(copy.locator('[data-widget="Text2"]')).to_have_count(0)
    expect(tabs.locator('[data-widget="Text1"]')).to_be_visible()
    copy.get_by_role("tab", name="Tab 1").click()
    expect(copy.locator('[data-widget="Text2"]')).to_be_visible()
    screenshots.take(page, "copy-switched-tabs")


def test_a_dropped_form_with_its_submit_handler_set_shows_no_error_badge(page: Any, screenshots: Any) -> None:
    from playwright.sync_api import expect

    open_new_app(page)
    drag_from_palette(page, "FORM_WIDGET", page.locator('[data-grid-id="0"]'), 200, 150)
    # The Form arrives with its Submit (Button1) and Reset (Button2) buttons.
    page.locator('[data-widget="Form1"] [data-widget="Button1"]').wait_for()
    page.locator('[data-widget="Form1"] [data-widget="Button2"]').wait_for()
    wait_saved(page)
    expect(page.locator(".lc-ed-widget__problems")).to_have_count(0)

    # The submit button runs a handler that shows an alert.
    select_widget(page, "Button1")
    set_event(page, "On click", "{{showAlert('Saved ' + Object.keys(Form1.data).length, 'success')}}")
    wait_saved(page)
    # The engine hears of a handler edit after a short pause: give it time to report anything.
    page.wait_for_timeout(1000)
    screenshots.take(page, "form-buttons-set-up")
    expect(page.locator(".lc-ed-widget__problems")).to_have_count(0)

    # The handler as edited is the one that runs.
    page.get_by_role("button", name="Preview").click()
    page.locator('[data-widget="Button1"] button').click()
    expect(page.get_by_role("status").filter(has_text="Saved 0")).to_be_visible()
