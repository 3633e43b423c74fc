"""Two-factor authentication in Chromium, as a person uses it: set it up from the account settings
by reading the key an authenticator app would scan, save the recovery codes, then sign in with the
password and a code from the app; and a member whose workspace requires it is led to set it up."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.accounts.test_two_factor import Phone
from tests.e2e.test_viewer_shell import sign_up
from tests.e2e.viewer_helpers import PASSWORD, signup_link

pytestmark = pytest.mark.e2e

TIMEOUT = 15_000


def log_in(page: Any, email: str) -> None:
    """On the login page (already there: going there again would race the app's own navigation)."""
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name="Log in")).to_be_visible(timeout=TIMEOUT)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_setting_up_two_factor_and_signing_in_with_a_code(page: Any, screenshots: Any) -> None:
    from playwright.sync_api import expect

    sign_up(page, "ada@example.com")
    expect(page.get_by_role("heading", name="Applications")).to_be_visible(timeout=TIMEOUT)
    page.get_by_role("link", name="Two-factor").click()
    expect(page.get_by_test_id("two-factor-state")).to_have_text("Off", timeout=TIMEOUT)
    page.get_by_role("button", name="Set up two-factor authentication").click()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible(timeout=TIMEOUT)
    phone = Phone(page.get_by_test_id("two-factor-secret").inner_text())
    screenshots.take(page, "enrol")
    page.get_by_label("Code from your authenticator app").fill(phone.code())
    page.get_by_role("button", name="Turn on").click()
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10, timeout=TIMEOUT)
    screenshots.take(page, "recovery-codes")
    page.get_by_role("button", name="I have saved them").click()
    expect(page.get_by_test_id("two-factor-state")).to_have_text(re.compile("^On · 10 recovery codes left"), timeout=TIMEOUT)

    page.get_by_role("button", name="Log out").click()
    log_in(page, "ada@example.com")
    expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible(timeout=TIMEOUT)
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("wrong", timeout=TIMEOUT)
    page.get_by_label("Code from your authenticator app").fill(phone.code())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Applications")).to_be_visible(timeout=TIMEOUT)
    screenshots.take(page, "signed-in")


def test_a_required_second_factor_is_set_up_before_anything_else(page: Any, browser: Any, live_server: Any, screenshots: Any) -> None:
    from playwright.sync_api import expect

    sign_up(page, "ada@example.com")
    expect(page.get_by_role("heading", name="Applications")).to_be_visible(timeout=TIMEOUT)
    colleague = browser.new_context(base_url=live_server.url)
    try:
        bo = colleague.new_page()
        sign_up(bo, "bo@example.com", "Bo")
        expect(bo.get_by_role("status")).to_contain_text("Check your email", timeout=TIMEOUT)
        bo.goto(signup_link(live_server.log(), "bo@example.com"))
        bo.get_by_role("button", name="Create my account").click()
        expect(bo.get_by_role("heading", name="Applications")).to_be_visible(timeout=TIMEOUT)

        # Ada sets up her own second factor, then requires one of everyone from the admin page.
        page.goto("/settings/two-factor")
        page.get_by_role("button", name="Set up two-factor authentication").click()
        phone = Phone(page.get_by_test_id("two-factor-secret").inner_text())
        page.get_by_label("Code from your authenticator app").fill(phone.code())
        page.get_by_role("button", name="Turn on").click()
        page.get_by_role("button", name="I have saved them").click()
        page.goto("/admin/two-factor")
        page.get_by_label("Everyone on this instance").click()  # saved, then shown checked
        expect(page.get_by_label("Everyone on this instance")).to_be_checked(timeout=TIMEOUT)
        screenshots.take(page, "admin")

        # Bo's session ended; signing in again leads him to set up a second factor first.
        bo.reload()
        expect(bo.get_by_role("heading", name="Log in")).to_be_visible(timeout=TIMEOUT)
        log_in(bo, "bo@example.com")
        expect(bo.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible(timeout=TIMEOUT)
        bo_phone = Phone(bo.get_by_test_id("two-factor-secret").inner_text())
        screenshots.take(bo, "required-enrolment")
        bo.get_by_label("Code from your authenticator app").fill(bo_phone.code())
        bo.get_by_role("button", name="Turn on").click()
        expect(bo.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(10, timeout=TIMEOUT)
        bo.get_by_role("button", name="Continue").click()
        expect(bo.get_by_role("heading", name="Applications")).to_be_visible(timeout=TIMEOUT)
    finally:
        colleague.close()
