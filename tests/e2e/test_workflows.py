"""Durable workflows end to end in Chromium (issue 16): a developer writes a workflow with an
approval in the editor's JS editor, an app's button triggers it, another person approves it from
the app's inbox page, and the developer sees the run complete in the workflow's Runs panel.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.viewer_helpers import PASSWORD, api_call, sign_up_later_user

pytestmark = pytest.mark.e2e
TIMEOUT = 20_000
DEVELOPER = "dev@example.com"
APPROVER = "approver@example.com"

WORKFLOW = """export default {
  async executeWorkflow(data) {
    const decision = await lowcraft.workflows.assignRequest({
      requestName: "Refund",
      message: "Refund " + data.amount + " euros?",
      resolutions: ["Approve", "Reject"],
      requestToUsers: ["approver@example.com"],
    });
    return { amount: data.amount, decision: decision.resolution };
  }
}
"""


def _canvas(*children: dict[str, Any]) -> dict[str, Any]:
    return {"widgetId": "0", "widgetName": "MainContainer", "type": "CANVAS_WIDGET", "leftColumn": 0,
            "rightColumn": 64, "topRow": 0, "bottomRow": 100, "children": list(children)}


def _widget(name: str, kind: str, top: int, **props: Any) -> dict[str, Any]:
    return {"widgetId": name.lower(), "widgetName": name, "type": kind, "leftColumn": 0, "rightColumn": 24,
            "topRow": top, "bottomRow": top + 4, **props}


def test_a_workflow_written_in_the_editor_waits_for_an_approval_given_in_another_users_inbox(
    page: Any, browser: Any, live_server: Any, screenshots: Any
) -> None:
    from playwright.sync_api import expect

    # The developer (first account) and the approver (an App Viewer of the workspace).
    api_call(page.request, "POST", "/auth/signup", {"email": DEVELOPER, "password": PASSWORD, "name": "Dev"}, expect=201)
    ws = api_call(page.request, "GET", "/workspaces")["workspaces"][0]["id"]
    approver_context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    approver = approver_context.new_page()
    sign_up_later_user(approver.request, live_server, APPROVER, "Approver")
    api_call(page.request, "POST", f"/workspaces/{ws}/invites", {"email": APPROVER, "role": "viewer"}, expect=201)

    # An app: a button that triggers the workflow on the first page, an inbox page with a button
    # that approves the first request assigned to whoever clicks it.
    app = api_call(page.request, "POST", f"/workspaces/{ws}/applications", {"name": "Refunds"}, expect=201)
    home = api_call(page.request, "GET", f"/applications/{app['id']}")["pages"][0]
    home_page = api_call(page.request, "GET", f"/pages/{home['id']}")
    api_call(page.request, "PUT", f"/pages/{home['id']}/dsl", {"revision": home_page["revision"], "dsl": _canvas(
        _widget("AskButton", "BUTTON_WIDGET", 0, text="Ask for a refund",
                onClick="{{triggerWorkflow('Refund', { amount: 42 }, { wait: false }).then((id) => storeValue('runId', id))}}"),
        _widget("Asked", "TEXT_WIDGET", 6, text="{{appsmith.store.runId ? 'Refund requested' : 'No request yet'}}"),
    )})
    inbox = api_call(page.request, "POST", f"/applications/{app['id']}/pages", {"name": "Inbox"}, expect=201)
    api_call(page.request, "PUT", f"/pages/{inbox['id']}/dsl", {"revision": inbox["revision"], "dsl": _canvas(
        _widget("ApproveButton", "BUTTON_WIDGET", 0, text="Approve the first request",
                onClick="{{getWorkflowRequests().then((requests) => resolveWorkflowRequest(requests[0].id, 'Approve'))"
                        ".then((r) => showAlert('Approved ' + r.name, 'success'))"
                        ".catch((e) => showAlert(e.message, 'error'))}}"),
    )})

    # The developer writes the workflow in the editor's JS editor.
    page.goto(f"/app/{app['id']}/edit/{home['slug']}")
    page.get_by_role("tab", name="Explorer").click()
    page.get_by_role("button", name="Add JS object").click()
    editor = page.get_by_label("JS object editor")
    expect(editor).to_be_visible(timeout=TIMEOUT)
    name = editor.get_by_label("JS object name")
    name.fill("Refund")
    name.press("Enter")
    expect(page.get_by_text(re.compile("is now Refund"))).to_be_visible(timeout=TIMEOUT)
    code = page.locator('[data-code-field="JS object"] .cm-content')
    code.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(WORKFLOW)
    expect(code).to_contain_text("executeWorkflow")
    # A JS object with executeWorkflow is a workflow: its Runs and Triggers show under the code.
    expect(page.get_by_role("tab", name="Runs")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("No runs of Refund yet.")).to_be_visible(timeout=TIMEOUT)
    screenshots.take(page, "workflow-written-in-the-editor")
    # Saved (autosave) before publishing.
    def saved() -> bool:
        objects = api_call(page.request, "GET", f"/applications/{app['id']}/js-objects")["jsObjects"]
        return any(o["name"] == "Refund" and "assignRequest" in o["body"] for o in objects)
    for _ in range(100):
        if saved():
            break
        page.wait_for_timeout(100)
    assert saved()
    page.get_by_role("button", name="Publish").click()
    page.get_by_role("dialog", name="Publish").get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published. Viewers now see this version.")).to_be_visible(timeout=TIMEOUT)

    # The developer uses the published app: the button starts a run, which waits for the approver.
    page.goto(f"/app/{app['slug']}")
    page.get_by_role("button", name="Ask for a refund").click()
    expect(page.get_by_text("Refund requested")).to_be_visible(timeout=TIMEOUT)
    screenshots.take(page, "refund-requested-from-the-app")

    # The approver opens the app's inbox page once the run has asked (its first step opens the request).
    for _ in range(100):
        if api_call(approver.request, "GET", f"/applications/{app['id']}/workflows/requests")["requests"]:
            break
        approver.wait_for_timeout(200)
    approver.goto(f"/app/{app['slug']}/inbox")
    approver.get_by_role("button", name="Approve the first request").click()
    expect(approver.get_by_text("Approved Refund")).to_be_visible(timeout=TIMEOUT)
    screenshots.take(approver, "approved-from-the-inbox")

    # The developer sees the run complete, with the decision as its output.
    page.goto(f"/app/{app['id']}/edit/{home['slug']}")
    page.get_by_role("tab", name="Explorer").click()
    page.get_by_role("button", name="Refund", exact=True).click()
    run = page.locator("tr[data-run]").first
    for _ in range(60):
        if run.count() and run.get_attribute("data-status") == "succeeded":
            break
        page.get_by_role("button", name="Refresh").click()
        page.wait_for_timeout(500)
    expect(run).to_have_attribute("data-status", "succeeded", timeout=TIMEOUT)
    run.click()
    expect(page.locator("[data-run-output]")).to_contain_text('"decision": "Approve"', timeout=TIMEOUT)
    expect(page.get_by_label("Step timeline")).to_contain_text("Refund")
    screenshots.take(page, "run-completed-in-the-runs-panel")
    approver_context.close()
