"""Password reset by a one-time emailed link: sent through SMTP when configured, to the log when
not; the link works once, expires, and ends every session of the account."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import time
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import update

from lowcraft.accounts.models import PasswordResetToken
from lowcraft.audit.models import AuditEvent
from lowcraft.store.types import utcnow
from tests.accounts.support import Start, count, login, runtime_of, sqlite_only
from tests.conftest import Api, Instance

NEW_PASSWORD = "brand-new-secret-42"
LINK = re.compile(r"(https?://\S+/reset-password\?token=([\w-]+))")


class Inbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted"

    def wait_for(self, count: int, timeout: float = 5.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, Inbox]]:
    """A real SMTP server on a free local port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


def _request(client: Api, address: str) -> dict[str, Any]:
    response = client.post("/api/v1/auth/password-reset", json={"email": address})
    assert response.status_code == 202
    body: dict[str, Any] = response.json()
    return body


def _link_from_log(caplog: pytest.LogCaptureFixture) -> tuple[str, str]:
    found = [LINK.search(r.getMessage()) for r in caplog.records if r.name == "lowcraft.mail"]
    links = [m.groups() for m in found if m]
    assert len(links) == 1, [r.getMessage() for r in caplog.records]
    return links[0][0], links[0][1]


def _confirm(client: Api, token: str, password: str = NEW_PASSWORD) -> Any:
    return client.post("/api/v1/auth/password-reset/confirm", json={"token": token, "password": password})


def test_the_request_answers_the_same_for_any_email_and_only_known_ones_get_a_link(
    instance: Instance, admin: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="lowcraft")
    client = instance.anonymous()
    events = count(instance, AuditEvent)
    answers = [_request(client, address) for address in ("nobody@example.com", "not an email", "admin@example.com")]
    assert answers[0] == answers[1] == answers[2]
    assert count(instance, PasswordResetToken) == 1
    assert count(instance, AuditEvent) == events + 1
    assert [r.getMessage().count("reset-password?token=") for r in caplog.records if r.name == "lowcraft.mail"] == [1]


def test_without_smtp_the_link_goes_to_the_log(start: Start, caplog: pytest.LogCaptureFixture) -> None:
    instance = start(base_url="https://tools.example.com/")
    instance.user("ada@example.com")
    caplog.set_level("INFO", logger="lowcraft")
    _request(instance.anonymous(), "Ada@Example.com")
    link, _ = _link_from_log(caplog)
    assert link.startswith("https://tools.example.com/reset-password?token=")
    record = next(r for r in caplog.records if r.name == "lowcraft.mail")
    assert record.levelname == "WARNING" and "ada@example.com" in record.getMessage()


@sqlite_only
def test_with_smtp_the_link_is_emailed_and_not_logged(
    start: Start, smtp_server: tuple[int, Inbox], caplog: pytest.LogCaptureFixture
) -> None:
    port, inbox = smtp_server
    instance = start(smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False, smtp_from="tools@example.com")
    ada = instance.user("ada@example.com")
    caplog.set_level("INFO", logger="lowcraft")

    _request(instance.anonymous(), "ada@example.com")

    [message] = inbox.wait_for(1)
    assert (message["To"], message["From"], message["Subject"]) == (
        "ada@example.com", "tools@example.com", "Reset your Lowcraft password",
    )
    body = message.get_content()
    match = LINK.search(body)
    assert match, body
    assert not any(match.group(2) in r.getMessage() for r in caplog.records)
    assert _confirm(instance.anonymous(), match.group(2)).status_code == 200
    assert ada.get("/api/v1/me").status_code == 401


def test_the_link_sets_a_new_password_logs_in_and_ends_every_other_session(
    instance: Instance, admin: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="lowcraft")
    laptop = instance.user("bob@example.com")
    phone = instance.user("bob@example.com")
    _request(instance.anonymous(), "bob@example.com")
    _, token = _link_from_log(caplog)

    browser = instance.anonymous()
    response = _confirm(browser, token)

    assert response.status_code == 200 and response.json()["email"] == "bob@example.com"
    assert browser.ok("GET", "/api/v1/me")["email"] == "bob@example.com"
    assert laptop.get("/api/v1/me").status_code == 401
    assert phone.get("/api/v1/me").status_code == 401
    assert login(instance.anonymous(), "bob@example.com").status_code == 401
    assert login(instance.anonymous(), "bob@example.com", NEW_PASSWORD).status_code == 200
    assert admin.get("/api/v1/me").status_code == 200, "other accounts keep their sessions"


def test_the_link_works_only_once_and_made_up_links_never(instance: Instance, admin: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="lowcraft")
    _request(instance.anonymous(), "admin@example.com")
    _, token = _link_from_log(caplog)
    assert _confirm(instance.anonymous(), token).status_code == 200
    for replayed in (token, "", "made-up-token", "x" * 200):
        again = _confirm(instance.anonymous(), replayed, "yet-another-secret-7")
        assert again.status_code == 400, replayed
        assert again.json()["error"]["code"] == "invalid_reset_token"
    assert login(instance.anonymous(), "admin@example.com", NEW_PASSWORD).status_code == 200


def test_the_link_expires(instance: Instance, admin: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="lowcraft")
    _request(instance.anonymous(), "admin@example.com")
    _, token = _link_from_log(caplog)
    with runtime_of(instance).db.session() as db:
        db.execute(update(PasswordResetToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    response = _confirm(instance.anonymous(), token)
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_reset_token"
    assert admin.get("/api/v1/me").status_code == 200, "a refused link ends no session"
    assert login(instance.anonymous(), "admin@example.com").status_code == 200


def test_a_weak_new_password_is_refused_and_the_link_stays_usable(
    instance: Instance, admin: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="lowcraft")
    _request(instance.anonymous(), "admin@example.com")
    _, token = _link_from_log(caplog)
    assert _confirm(instance.anonymous(), token, "short").status_code == 422
    assert admin.get("/api/v1/me").status_code == 200
    assert _confirm(instance.anonymous(), token).status_code == 200


def test_reset_emails_are_limited_per_account_without_a_different_answer(admin: Api, instance: Instance) -> None:
    mailer = instance.app.state.runtime.mailer
    before = len(mailer.sent)
    for _ in range(5):
        response = instance.anonymous().post("/api/v1/auth/password-reset", json={"email": "admin@example.com"})
        assert response.status_code == 202
    assert len(mailer.sent) - before == 3


def test_a_reset_also_ends_every_api_token_of_the_account(
    instance: Instance, admin: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="lowcraft")
    bob = instance.user("bob@example.com")
    leaked = bob.ok("POST", "/api/v1/me/tokens", 201, json={"name": "CI"})["token"]
    admins = admin.ok("POST", "/api/v1/me/tokens", 201, json={"name": "CI"})["token"]
    _request(instance.anonymous(), "bob@example.com")
    _, token = _link_from_log(caplog)

    browser = instance.anonymous()
    assert _confirm(browser, token).status_code == 200

    def works(secret: str) -> bool:
        return instance.client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200

    assert not works(leaked)
    assert works(admins), "other accounts keep their tokens"
    assert browser.ok("GET", "/api/v1/me/tokens")["tokens"] == []
