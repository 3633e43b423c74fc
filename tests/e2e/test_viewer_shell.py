"""The screens around the viewer, used as a person would: an account from signup to a forgotten
password, applications from creation to the trash and back, workspaces and API tokens."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.viewer_helpers import CSRF, PASSWORD, api_call, signup_link

pytestmark = pytest.mark.e2e

TIMEOUT = 15_000


def sign_up(page: Any, email: str, name: str = "Ada Admin") -> None:
    page.goto("/signup")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile("Password")).fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()


def test_an_account_from_signup_to_a_forgotten_password(page: Any, live_server: Any, screenshots: Any) -> None:
    from playwright.sync_api import expect

    sign_up(page, "ada@example.com")
    expect(page.get_by_role("heading", name="Applications")).to_be_visible(timeout=TIMEOUT)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible(timeout=TIMEOUT)

    # A wrong password says so and keeps the user on the page.
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible(timeout=TIMEOUT)
    screenshots.take(page, "wrong-password")

    # Forgotten password: ask for a link, open it, choose a new password, and be logged in.
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("status")).to_contain_text("reset link", timeout=TIMEOUT)
    screenshots.take(page, "reset-link-sent")
    link = re.search(r"/reset-password\?token=[\w\-.~%]+", live_server.log())
    assert link, "the reset email (logged without SMTP) holds a link"
    page.goto(link.group(0))
    page.get_by_label("New password", exact=True).fill("a-brand-new-password")
    page.get_by_label("Repeat the new password").fill("a-brand-new-passwrd")
    expect(page.get_by_text("The two passwords differ.")).to_be_visible()
    page.get_by_label("Repeat the new password").fill("a-brand-new-password")
    screenshots.take(page, "choose-new-password")
    page.get_by_role("button", name="Set password and log in").click()
    expect(page.get_by_role("heading", name="Applications")).to_be_visible(timeout=TIMEOUT)

    # The old password no longer works; the new one does.
    response = page.request.post("/api/v1/auth/login", headers=CSRF, data={"email": "ada@example.com", "password": PASSWORD})
    assert response.status == 401
    response = page.request.post("/api/v1/auth/login", headers=CSRF, data={"email": "ada@example.com", "password": "a-brand-new-password"})
    assert response.ok

    # A used link cannot be used again.
    page.goto(link.group(0))
    page.get_by_label("New password", exact=True).fill("yet-another-password")
    page.get_by_label("Repeat the new password").fill("yet-another-password")
    page.get_by_role("button", name="Set password and log in").click()
    expect(page.get_by_role("alert")).to_contain_text("invalid or has expired", timeout=TIMEOUT)


def test_applications_from_creation_to_the_trash_and_back(page: Any, screenshots: Any) -> None:
    from playwright.sync_api import expect

    sign_up(page, "ada@example.com")
    expect(page.get_by_role("heading", name="Applications")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("No applications yet.")).to_be_visible()

    def cards() -> Any:
        return page.locator(".lc-card h2")

    page.get_by_role("button", name="New application").click()
    page.get_by_role("dialog").get_by_label("Name").fill("Stock")
    page.get_by_role("dialog").get_by_role("button", name="Create").click()
    expect(cards()).to_have_text(["Stock"], timeout=TIMEOUT)

    card = page.locator("[data-app='Stock']")
    card.get_by_role("button", name="Rename").click()
    page.get_by_role("dialog").get_by_label("New name").fill("Warehouse stock")
    page.get_by_role("dialog").get_by_role("button", name="Rename").click()
    expect(cards()).to_have_text(["Warehouse stock"], timeout=TIMEOUT)

    page.locator("[data-app='Warehouse stock']").get_by_role("button", name="Clone").click()
    expect(cards()).to_have_count(2, timeout=TIMEOUT)
    screenshots.take(page, "created-renamed-cloned")

    with page.expect_download() as download:
        page.locator("[data-app='Warehouse stock']").get_by_role("button", name="Export").click()
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert download.value.suggested_filename == "Warehouse-stock.lowcraft.json"
    assert exported["application"]["name"] == "Warehouse stock" and exported["pages"]

    page.locator("[data-app='Warehouse stock']").get_by_role("button", name="Delete").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Move to trash").click()
    expect(page.locator("[data-app='Warehouse stock']")).to_have_count(0, timeout=TIMEOUT)
    expect(cards()).to_have_count(1)

    page.get_by_role("link", name="Trash").click()
    trashed = page.locator("[data-app='Warehouse stock']")
    expect(trashed).to_be_visible(timeout=TIMEOUT)
    screenshots.take(page, "in-the-trash")
    trashed.get_by_role("button", name="Restore").click()
    expect(page.get_by_text("The trash is empty.")).to_be_visible(timeout=TIMEOUT)
    page.get_by_role("link", name="Applications").click()
    expect(cards()).to_have_count(2, timeout=TIMEOUT)

    # A file that is not an export is refused with a clear message.
    page.get_by_label("Import an application file").set_input_files(
        files=[{"name": "notes.json", "mimeType": "application/json", "buffer": b'{"hello": 1}'}]
    )
    expect(page.get_by_role("alert")).to_contain_text("not a Lowcraft application export", timeout=TIMEOUT)

    # A second workspace, from the switcher; it starts empty, and the first one is one pick away.
    page.get_by_label("Workspace", exact=True).select_option("__new__")
    page.get_by_role("dialog").get_by_label("Name").fill("Finance")
    page.get_by_role("dialog").get_by_role("button", name="Create").click()
    expect(page.locator(".lc-shell__workspace")).to_have_text("Finance", timeout=TIMEOUT)
    expect(cards()).to_have_count(0)
    page.get_by_label("Workspace", exact=True).select_option(label="Ada Admin's apps")
    expect(cards()).to_have_count(2, timeout=TIMEOUT)
    screenshots.take(page, "back-in-the-first-workspace")


def test_a_personal_api_token_is_shown_once_works_and_can_be_revoked(page: Any, screenshots: Any) -> None:
    from playwright.sync_api import expect

    sign_up(page, "ada@example.com")
    expect(page.get_by_role("heading", name="Applications")).to_be_visible(timeout=TIMEOUT)
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("CI deploys")
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_test_id("new-token").inner_text(timeout=TIMEOUT)
    screenshots.take(page, "token-shown-once")

    api = page.context.request
    whoami = api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}", "Cookie": ""})
    assert whoami.ok and whoami.json()["email"] == "ada@example.com"

    page.get_by_role("button", name="Done").click()
    expect(page.get_by_test_id("new-token")).to_have_count(0)
    assert secret not in page.content()
    row = page.locator("[data-token='CI deploys']")
    row.get_by_role("button", name="Revoke").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Revoke").click()
    expect(row).to_have_count(0, timeout=TIMEOUT)
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}", "Cookie": ""}).status == 401


def test_a_password_change_can_take_the_api_tokens_along(page: Any, browser: Any, live_server: Any, screenshots: Any) -> None:
    from playwright.sync_api import expect

    sign_up(page, "ada@example.com")
    expect(page.get_by_role("heading", name="Applications")).to_be_visible(timeout=TIMEOUT)
    secret = api_call(page.request, "POST", "/me/tokens", {"name": "CI"}, expect=201)["token"]
    other = browser.new_context(base_url=live_server.url)
    try:
        api_call(other.request, "POST", "/auth/login", {"email": "ada@example.com", "password": PASSWORD})

        page.get_by_role("link", name="Password").click()
        page.get_by_label("Current password").fill(PASSWORD)
        page.get_by_label(re.compile("^New password")).fill("a-brand-new-password")
        page.get_by_label("Repeat the new password").fill("a-brand-new-password")
        page.get_by_label("Also revoke my API tokens").check()
        screenshots.take(page, "change-password")
        page.get_by_role("button", name="Change password").click()
        expect(page.get_by_role("status")).to_contain_text("your API tokens are revoked", timeout=TIMEOUT)

        bearer = {"Authorization": f"Bearer {secret}", "Cookie": ""}
        assert page.context.request.get("/api/v1/me", headers=bearer).status == 401
        assert other.request.get("/api/v1/me").status == 401, "the other session ended"
        assert page.context.request.get("/api/v1/me").ok, "this one goes on"
    finally:
        other.close()


def test_logged_out_visitors_are_sent_to_log_in_and_back(page: Any) -> None:
    from playwright.sync_api import expect

    page.goto("/workspaces")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible(timeout=TIMEOUT)
    assert page.evaluate("location.search") == "?next=%2Fworkspaces"
    page.get_by_role("link", name="Create an account").click()
    assert page.evaluate("location.search") == "?next=%2Fworkspaces"
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label(re.compile("Password")).fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Applications")).to_be_visible(timeout=TIMEOUT)

    # An app that does not exist says so, instead of a blank page.
    page.goto("/app/no-such-app")
    expect(page.get_by_role("alert")).to_contain_text("does not exist", timeout=TIMEOUT)
    api_call(page.request, "GET", "/health")


def test_an_administrator_adds_a_colleague_changes_their_role_and_removes_them(
    page: Any, browser: Any, live_server: Any, screenshots: Any
) -> None:
    from playwright.sync_api import expect

    sign_up(page, "ada@example.com")
    expect(page.get_by_role("heading", name="Applications")).to_be_visible(timeout=TIMEOUT)
    workspace_id = re.search(r"/workspaces/([^/]+)", page.url).group(1)  # type: ignore[union-attr]
    # Bo signs up on his own: after the first account, signup goes through an emailed link.
    colleague = browser.new_context(base_url=live_server.url)
    try:
        bo = colleague.new_page()
        sign_up(bo, "bo@example.com", "Bo")
        expect(bo.get_by_role("status")).to_contain_text("Check your email", timeout=TIMEOUT)
        screenshots.take(bo, "signup-link-sent")
        bo.goto(signup_link(live_server.log(), "bo@example.com"))
        bo.get_by_role("button", name="Create my account").click()
        expect(bo.get_by_role("heading", name="Applications")).to_be_visible(timeout=TIMEOUT)
    finally:
        colleague.close()

    page.get_by_role("link", name="Members").click()
    page.get_by_label("Email").fill("bo@example.com")
    page.get_by_label("Role").select_option(label="Developer")
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_text("bo@example.com is now a member.")).to_be_visible(timeout=TIMEOUT)

    def role_of(email: str) -> str:
        members = api_call(page.request, "GET", f"/workspaces/{workspace_id}/members")["members"]
        return next(m["role"] for m in members if m["email"] == email)  # type: ignore[no-any-return]

    assert role_of("bo@example.com") == "developer"
    page.get_by_label("Role of bo@example.com").select_option(label="App Viewer")
    expect(page.get_by_label("Role of bo@example.com")).to_have_value("viewer", timeout=TIMEOUT)
    page.wait_for_load_state("networkidle")
    assert role_of("bo@example.com") == "viewer"
    screenshots.take(page, "members")

    page.locator("[data-member='bo@example.com']").get_by_role("button", name="Remove").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Remove").click()
    expect(page.locator("[data-member='bo@example.com']")).to_have_count(0, timeout=TIMEOUT)
    assert [m["email"] for m in api_call(page.request, "GET", f"/workspaces/{workspace_id}/members")["members"]] == ["ada@example.com"]
