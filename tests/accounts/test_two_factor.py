"""Two-factor authentication: setting up an authenticator, signing in with a code or a recovery
code, turning it off, and the requirements administrators set. Codes are real TOTP codes (pyotp)."""

from __future__ import annotations

import time
from typing import Any

import pyotp

from lowcraft.audit.models import AuditEvent
from lowcraft.identity.models import TwoFactor
from tests.accounts.support import SESSION_COOKIE, actions, audit_rows, count, login
from tests.conftest import PASSWORD, Api, Instance, first_workspace


class Phone:
    """An authenticator app: each call gives the code of a later 30-second step than the last
    (the server accepts the next step's code too, and never one twice), so tests need no sleep."""

    def __init__(self, secret: str) -> None:
        self.totp = pyotp.TOTP(secret)
        self.step = int(time.time() // 30) - 1

    def code(self) -> str:
        self.step = max(self.step + 1, int(time.time() // 30))
        return self.totp.at(self.step * 30)


def enrol(client: Api) -> tuple[Phone, list[str]]:
    """Set up two-factor authentication from the account settings; the phone and recovery codes."""
    enrolment = client.ok("POST", "/api/v1/me/two-factor/enrolment", 201)
    phone = Phone(enrolment["secret"])
    codes = client.ok("POST", "/api/v1/me/two-factor/enrolment/confirm", json={"code": phone.code()})["recoveryCodes"]
    return phone, codes


def second_factor(client: Api, **body: str) -> Any:
    return client.post("/api/v1/auth/two-factor", json=body)


def test_setting_up_shows_a_qr_code_and_turns_on_with_a_first_code(instance: Instance, admin: Api) -> None:
    assert admin.ok("GET", "/api/v1/me/two-factor") == {
        "enabled": False, "required": False, "recoveryCodesLeft": 0, "enrolmentPending": False}
    enrolment = admin.ok("POST", "/api/v1/me/two-factor/enrolment", 201)
    assert enrolment["uri"].startswith("otpauth://totp/Lowcraft:admin%40example.com?secret=")
    assert enrolment["qrSvg"].startswith("<svg") and "<path" in enrolment["qrSvg"]
    assert admin.ok("GET", "/api/v1/me/two-factor")["enrolmentPending"] is True

    wrong = admin.post("/api/v1/me/two-factor/enrolment/confirm", json={"code": "000000"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "invalid_two_factor_code"
    assert admin.ok("GET", "/api/v1/me/two-factor")["enabled"] is False

    code = pyotp.TOTP(enrolment["secret"]).now()
    codes = admin.ok("POST", "/api/v1/me/two-factor/enrolment/confirm", json={"code": code})["recoveryCodes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert admin.ok("GET", "/api/v1/me/two-factor")["enabled"] is True
    assert admin.ok("GET", "/api/v1/me/two-factor")["recoveryCodesLeft"] == 10
    assert "user.two_factor_enabled" in actions(instance)
    assert "user.two_factor_failed" in actions(instance)  # the wrong first code, though its request failed


def test_the_secret_is_stored_encrypted(instance: Instance, admin: Api) -> None:
    enrolment = admin.ok("POST", "/api/v1/me/two-factor/enrolment", 201)
    with instance.app.state.runtime.db.session() as db:
        row = db.query(TwoFactor).one()
        assert enrolment["secret"] not in (row.pending_secret or "")


def test_signing_in_asks_for_a_code_after_the_password(instance: Instance, admin: Api) -> None:
    phone, _ = enrol(admin)
    browser = instance.anonymous()
    first = login(browser, "admin@example.com")
    assert first.status_code == 202 and first.json()["status"] == "two_factor"
    assert SESSION_COOKIE not in browser.cookies
    assert browser.get("/api/v1/me").status_code == 401  # a pending sign-in is no session

    wrong = second_factor(browser, code="123456")
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "invalid_two_factor_code"
    code = phone.code()
    me = browser.ok("POST", "/api/v1/auth/two-factor", json={"code": code})
    assert me["email"] == "admin@example.com"
    assert browser.ok("GET", "/api/v1/me")["email"] == "admin@example.com"
    event = [e for e in audit_rows(instance, AuditEvent.action == "user.logged_in")][-1]
    assert event.summary == {"method": "password", "second_factor": "totp"}

    again = instance.anonymous()
    assert login(again, "admin@example.com").status_code == 202
    replay = second_factor(again, code=code)
    assert replay.status_code == 401, "a code works once"


def test_the_pending_sign_in_cookie_opens_nothing_else(instance: Instance, admin: Api) -> None:
    enrol(admin)
    browser = instance.anonymous()
    login(browser, "admin@example.com")
    pending = browser.cookies.get("lowcraft_sign_in")
    assert pending
    forged = instance.anonymous()
    forged.cookies.set(SESSION_COOKIE, pending)
    assert forged.get("/api/v1/me").status_code == 401
    assert forged.get("/api/v1/workspaces").status_code == 401


def test_a_recovery_code_signs_in_once(instance: Instance, admin: Api) -> None:
    _, codes = enrol(admin)
    browser = instance.anonymous()
    login(browser, "admin@example.com")
    assert browser.ok("POST", "/api/v1/auth/two-factor", json={"recoveryCode": codes[3].upper()})["email"]
    assert browser.ok("GET", "/api/v1/me/two-factor")["recoveryCodesLeft"] == 9
    other = instance.anonymous()
    login(other, "admin@example.com")
    assert second_factor(other, recoveryCode=codes[3]).status_code == 401


def test_five_wrong_codes_end_the_pending_sign_in_and_count_as_wrong_passwords(instance: Instance, admin: Api) -> None:
    phone, _ = enrol(admin)
    browser = instance.anonymous()
    login(browser, "admin@example.com")
    for _ in range(5):
        assert second_factor(browser, code="000000").status_code == 401
    ended = second_factor(browser, code=phone.code())
    assert ended.status_code == 401 and ended.json()["error"]["code"] == "sign_in_expired"
    throttled = login(instance.anonymous(), "admin@example.com")
    assert throttled.status_code == 429 and throttled.json()["error"]["code"] == "login_throttled"


def test_api_tokens_need_no_second_factor(instance: Instance, admin: Api) -> None:
    token = admin.ok("POST", "/api/v1/me/tokens", 201, json={"name": "ci"})["token"]
    enrol(admin)
    robot = instance.client(Authorization=f"Bearer {token}")
    assert robot.ok("GET", "/api/v1/me")["email"] == "admin@example.com"


def test_turning_it_off_needs_a_code_or_the_password(instance: Instance, admin: Api) -> None:
    phone, _ = enrol(admin)
    assert admin.post("/api/v1/me/two-factor/disable", json={}).status_code == 422
    assert admin.post("/api/v1/me/two-factor/disable", json={"password": "not-the-password"}).status_code == 401
    assert admin.post("/api/v1/me/two-factor/disable", json={"code": "000000"}).status_code == 401
    admin.ok("POST", "/api/v1/me/two-factor/disable", 204, json={"code": phone.code()})
    assert admin.ok("GET", "/api/v1/me/two-factor")["enabled"] is False
    assert login(instance.anonymous(), "admin@example.com").status_code == 200
    assert {"user.two_factor_disabled", "user.two_factor_failed"} <= set(actions(instance))


def test_new_recovery_codes_replace_the_old(instance: Instance, admin: Api) -> None:
    _, old = enrol(admin)
    new = admin.ok("POST", "/api/v1/me/two-factor/recovery-codes", json={"password": PASSWORD})["recoveryCodes"]
    assert set(new).isdisjoint(old)
    browser = instance.anonymous()
    login(browser, "admin@example.com")
    assert second_factor(browser, recoveryCode=old[0]).status_code == 401
    assert second_factor(browser, recoveryCode=new[0]).status_code == 200


def test_a_password_reset_link_still_asks_for_the_second_factor(instance: Instance, admin: Api) -> None:
    enrol(admin)
    browser = instance.anonymous()
    browser.ok("POST", "/api/v1/auth/password-reset", 202, json={"email": "admin@example.com"})
    mail = instance.app.state.runtime.mailer.sent[-1].get_content()
    token = mail.split("token=")[1].split()[0]
    answer = browser.post("/api/v1/auth/password-reset/confirm", json={"token": token, "password": "a-new-long-password"})
    assert answer.status_code == 202 and answer.json()["status"] == "two_factor"
    assert browser.get("/api/v1/me").status_code == 401


def test_a_workspace_requirement_leads_members_without_a_second_factor_to_set_one_up(
    instance: Instance, admin: Api
) -> None:
    ws = first_workspace(admin)
    member = instance.user("bob@example.com")
    admin.ok("POST", f"/api/v1/workspaces/{ws}/invites", 201, json={"email": "bob@example.com", "role": "developer"})
    member = instance.user("bob@example.com")  # signing in again accepts the invitation
    refused = admin.put(f"/api/v1/workspaces/{ws}/two-factor", json={"required": True})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "two_factor_setup_needed"

    enrol(admin)
    assert admin.ok("PUT", f"/api/v1/workspaces/{ws}/two-factor", json={"required": True})["required"] is True
    assert member.get("/api/v1/me").status_code == 401, "their session ended"
    assert admin.get("/api/v1/me").status_code == 200

    browser = instance.anonymous()
    first = login(browser, "bob@example.com")
    assert first.status_code == 202 and first.json()["status"] == "two_factor_enrolment"
    assert second_factor(browser, code="123456").json()["error"]["code"] == "sign_in_expired"  # not this step
    enrolment = browser.ok("POST", "/api/v1/auth/two-factor/enrolment", 201)
    phone = Phone(enrolment["secret"])
    done = browser.ok("POST", "/api/v1/auth/two-factor/enrolment/confirm", json={"code": phone.code()})
    assert done["user"]["email"] == "bob@example.com" and len(done["recoveryCodes"]) == 10
    assert browser.ok("GET", "/api/v1/me/two-factor")["required"] is True
    refused_off = browser.post("/api/v1/me/two-factor/disable", json={"code": phone.code()})
    assert refused_off.status_code == 409 and refused_off.json()["error"]["code"] == "two_factor_required"
    assert "workspace.two_factor_policy_changed" in actions(instance)


def test_the_instance_requirement_is_an_instance_administrators_decision(instance: Instance, admin: Api) -> None:
    bob = instance.user("bob@example.com")
    assert bob.get("/api/v1/admin/two-factor").status_code == 403
    assert bob.put("/api/v1/admin/two-factor", json={"required": True}).status_code == 403
    enrol(admin)
    policy = admin.ok("PUT", "/api/v1/admin/two-factor", json={"required": True})
    assert policy["required"] is True and len(policy["workspaces"]) == 2
    assert bob.get("/api/v1/me").status_code == 401
    assert login(instance.anonymous(), "bob@example.com").json()["status"] == "two_factor_enrolment"
    assert count(instance, AuditEvent, AuditEvent.action == "instance.two_factor_policy_changed") == 1
