"""Version history in Chromium, through the editor's UI: a developer publishes with a message,
changes a widget, publishes again, opens History, compares the two versions (the changed text,
before and after), opens the first version in the viewer (read-only, its old text), restores it,
and sees the old state back in the editor; the restore is listed as a new version.
Screenshots: test-artifacts/<test>/."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.e2e.test_editor import select_widget, set_code
from tests.e2e.viewer_helpers import PASSWORD, api_call

pytestmark = pytest.mark.e2e

TIMEOUT = 15_000


def _document() -> dict[str, Any]:
    text = {"widgetId": "t1", "widgetName": "Greeting", "type": "TEXT_WIDGET", "leftColumn": 0, "rightColumn": 30,
            "topRow": 0, "bottomRow": 4, "text": "Hello v1"}
    return {
        "format": "lowcraft-app", "formatVersion": 1, "application": {"name": "Greeter", "slug": "greeter"},
        "pages": [{
            "name": "Home", "slug": "home",
            "dsl": {"widgetId": "0", "widgetName": "MainContainer", "type": "CANVAS_WIDGET", "leftColumn": 0,
                    "rightColumn": 64, "topRow": 0, "bottomRow": 100, "children": [text]},
            "jsObjects": [{"name": "Utils", "body": "export default {\n  label: 'one',\n}\n"}],
        }],
    }


def publish(page: Any, app_id: str, message: str) -> None:
    """Publish through the dialog and wait for the version it makes: an earlier publish's toast
    may still be on screen, and a publish first waits for the server to store the shared edits."""
    page.locator("header.lc-ed-top").get_by_role("button", name="Publish").click()
    dialog = page.get_by_role("dialog", name="Publish")
    dialog.get_by_label("What changed? (optional)").fill(message)
    dialog.get_by_role("button", name="Publish").click()
    deadline = time.monotonic() + TIMEOUT / 1000
    while message not in [v.get("message") for v in api_call(page.request, "GET", f"/applications/{app_id}/versions")["versions"]]:
        assert time.monotonic() < deadline, f"no version with the message {message!r}"
        time.sleep(0.1)
    page.get_by_text("Published. Viewers now see this version.").last.wait_for(timeout=TIMEOUT)


def test_publish_compare_view_and_restore_through_the_history_panel(page: Any, screenshots: Any) -> None:
    from playwright.sync_api import expect

    request = page.request
    api_call(request, "POST", "/auth/signup", {"email": "dev@example.com", "password": PASSWORD, "name": "Dee Developer"}, expect=201)
    workspace = api_call(request, "GET", "/workspaces")["workspaces"][0]
    app = api_call(request, "POST", f"/workspaces/{workspace['id']}/applications/import", {"document": _document()}, expect=201)

    page.goto(f"/app/{app['id']}/edit/home")
    canvas_text = page.locator('[data-widget="Greeting"]')
    expect(canvas_text).to_contain_text("Hello v1", timeout=TIMEOUT)
    publish(page, app["id"], "First cut")

    select_widget(page, "Greeting")
    set_code(page, "text", "Hello v2")
    page.locator('[data-save-status="saved"]').wait_for(timeout=TIMEOUT)
    expect(canvas_text).to_contain_text("Hello v2", timeout=TIMEOUT)
    publish(page, app["id"], "Friendlier greeting")
    assert "Hello v2" in str(api_call(request, "GET", f"/view/{app['id']}")["document"])

    page.get_by_role("button", name="History").click()
    versions = page.get_by_role("list", name="Versions")
    expect(versions.locator("li")).to_have_count(2, timeout=TIMEOUT)
    second, first = versions.locator('[data-version="2"]'), versions.locator('[data-version="1"]')
    expect(second).to_contain_text("Friendlier greeting")
    expect(second).to_contain_text("Published")
    expect(second).to_contain_text("Dee Developer")
    expect(first).to_contain_text("First cut")

    page.get_by_label("Compare from").select_option(label="Version 1")
    page.get_by_label("Compare to").select_option(label="Version 2")
    page.get_by_role("button", name="Compare").click()
    changes = page.get_by_role("region", name="Changes")
    expect(changes).to_contain_text("From Version 1 to Version 2", timeout=TIMEOUT)
    changed = changes.locator('[data-entity="widget:Greeting"]')
    expect(changed).to_contain_text("changed")
    expect(changed.locator("tr", has_text="text")).to_contain_text("Hello v1")
    expect(changed.locator("tr", has_text="text")).to_contain_text("Hello v2")
    expect(page.get_by_test_id("history-counts")).to_have_text("1 widget changed")
    screenshots.take(page, "compare-versions")

    # The first version in the viewer: read-only, with its old text.
    href = first.get_by_role("link", name="View").get_attribute("href")
    viewer = page.context.new_page()
    viewer.goto(href)
    expect(viewer.locator('[data-widget="Greeting"]')).to_contain_text("Hello v1", timeout=TIMEOUT)
    expect(viewer.get_by_test_id("version-banner")).to_contain_text("Version 1")
    expect(viewer.get_by_test_id("version-banner")).to_contain_text("First cut")
    screenshots.take(viewer, "version-1-in-the-viewer")
    viewer.close()

    first.get_by_role("button", name="Restore…").click()
    confirm = page.get_by_role("alertdialog", name="Restore Version 1?")
    confirm.get_by_role("button", name="Restore").click()
    page.get_by_text("Version 1 restored as the edit state.").wait_for(timeout=TIMEOUT)
    expect(canvas_text).to_contain_text("Hello v1", timeout=TIMEOUT)
    screenshots.take(page, "restored-in-the-editor")

    # The restore is a version of its own; viewers still see version 2 until the next publish.
    page.get_by_role("button", name="History").click()
    restored = page.get_by_role("list", name="Versions").locator('[data-version="3"]')
    expect(restored).to_contain_text("Version 3 (restored 1)", timeout=TIMEOUT)
    assert "Hello v2" in str(api_call(request, "GET", f"/view/{app['id']}")["document"])
    edited = api_call(request, "GET", f"/applications/{app['id']}/export")
    assert edited["pages"][0]["dsl"]["children"][0]["text"] == "Hello v1"
