"""Signup: who may create an account, what they get, and what bad input changes (nothing).

The first user is signed up at once; anyone later gets a link by email, and the answer is the
same whether or not the email has an account, so signup does not tell who has one."""

from __future__ import annotations

from typing import Any

import pytest

from lowcraft.audit.models import AuditEvent
from lowcraft.identity.models import User
from lowcraft.identity.throttle import MAX_MAILS_PER_ACCOUNT
from lowcraft.workspaces.models import Membership
from tests.accounts.support import Start, actions, count, login, runtime_of, signup, sqlite_only
from tests.conftest import PASSWORD, Api, Instance, signup_link_token


def test_the_first_user_becomes_instance_administrator_with_a_personal_workspace(instance: Instance) -> None:
    client = instance.anonymous()
    me = client.ok("POST", "/api/v1/auth/signup", 201, json={"email": "Ada@Example.com", "password": PASSWORD, "name": "Ada"})
    assert me["email"] == "ada@example.com"
    assert me["isInstanceAdmin"] is True
    assert client.ok("GET", "/api/v1/me")["id"] == me["id"]
    workspaces = client.ok("GET", "/api/v1/workspaces")["workspaces"]
    assert [(w["name"], w["role"]) for w in workspaces] == [("Ada's apps", "administrator")]
    assert actions(instance) == ["user.signed_up", "workspace.created", "user.logged_in"]


def test_later_users_are_ordinary_users_with_their_own_workspace(instance: Instance, admin: Api) -> None:
    bob = instance.anonymous()
    response = signup(bob, "bob@example.com")
    assert response.status_code == 201, response.text
    me = response.json()
    assert me["isInstanceAdmin"] is False
    assert me["name"] == "bob", "without a name the email's local part is used"
    workspaces = bob.ok("GET", "/api/v1/workspaces")["workspaces"]
    assert [(w["name"], w["role"]) for w in workspaces] == [("bob's apps", "administrator")]


def test_admin_emails_become_instance_administrators_whenever_they_sign_up(start: Start) -> None:
    instance = start(admin_emails="ops@example.com, Boss@Example.com")
    instance.user("first@example.com")
    created = {email: signup(instance.anonymous(), email).json() for email in ("ops@example.com", "boss@example.com", "dev@example.com")}
    assert {email: user["isInstanceAdmin"] for email, user in created.items()} == {
        "ops@example.com": True, "boss@example.com": True, "dev@example.com": False,
    }


# policy -> {email: status}; the first user always gets in, so these are all later signups.
# "invited@..." addresses hold a pending invitation, which overrides the policy.
POLICY_CASES: dict[str, dict[str, int]] = {
    "open": {"anyone@anywhere.org": 201, "invited@example.com": 201},
    "invite": {"stranger@example.com": 400, "invited@example.com": 201, "INVITED@elsewhere.net": 201},
    "example.com": {
        "dev@example.com": 201,
        "DEV2@EXAMPLE.COM": 201,
        "dev@sub.example.com": 400,
        "dev@example.com.evil.org": 400,
        "dev@notexample.com": 400,
        "invited@elsewhere.net": 201,
    },
    "example.com, @corp.example.org": {"ceo@corp.example.org": 201, "cto@example.com": 201, "x@example.org": 400},
}


@sqlite_only  # the policy is decided before the store is touched
@pytest.mark.parametrize("policy", list(POLICY_CASES))
def test_the_signup_policy_decides_who_may_sign_up(start: Start, policy: str) -> None:
    instance = start(signup=policy)
    admin = instance.user("first@example.com")  # the first user gets in whatever the policy
    workspace = admin.ok("POST", "/api/v1/workspaces", 201, json={"name": "Team"})["id"]
    for invited in ("invited@example.com", "invited@elsewhere.net"):
        admin.ok("POST", f"/api/v1/workspaces/{workspace}/invites", 201, json={"email": invited, "role": "viewer"})

    outcomes = {}
    for email, expected in POLICY_CASES[policy].items():
        users_before, events_before = count(instance, User), count(instance, AuditEvent)
        response = signup(instance.anonymous(), email)
        outcomes[email] = response.status_code
        if expected == 400:
            assert response.json()["error"]["code"] == "signup_closed"
            assert (count(instance, User), count(instance, AuditEvent)) == (users_before, events_before)
    assert outcomes == POLICY_CASES[policy]


def test_an_invited_signup_joins_the_workspace_with_the_invited_role(start: Start) -> None:
    instance = start(signup="invite")
    admin = instance.user("first@example.com")
    workspace = admin.ok("POST", "/api/v1/workspaces", 201, json={"name": "Team"})["id"]
    admin.ok("POST", f"/api/v1/workspaces/{workspace}/invites", 201, json={"email": "dev@example.com", "role": "developer"})

    dev = instance.anonymous()
    assert signup(dev, "DEV@example.com").status_code == 201

    assert [(w["id"], w["role"]) for w in dev.ok("GET", "/api/v1/workspaces")["workspaces"]] == [(workspace, "developer")]
    assert admin.ok("GET", f"/api/v1/workspaces/{workspace}/invites")["invites"] == []
    members = admin.ok("GET", f"/api/v1/workspaces/{workspace}/members")["members"]
    assert {m["email"]: m["role"] for m in members} == {"first@example.com": "administrator", "dev@example.com": "developer"}


def _ask(email: str, instance: Instance, password: str = PASSWORD) -> Any:
    return instance.anonymous().post("/api/v1/auth/signup", json={"email": email, "password": password})


def _mails_to(instance: Instance, email: str) -> list[str]:
    return [m.get_content() for m in runtime_of(instance).mailer.sent if m["To"] == email]


def test_signup_answers_the_same_whether_or_not_the_email_has_an_account(instance: Instance, admin: Api) -> None:
    taken, free = _ask("admin@example.com", instance, "another-password-1"), _ask("new@example.com", instance)

    assert taken.status_code == free.status_code == 202
    assert taken.json() == free.json() == {"status": "check_email", "message": taken.json()["message"]}
    assert sorted(taken.headers) == sorted(free.headers)
    assert "set-cookie" not in taken.headers and "set-cookie" not in free.headers


def test_a_later_signup_makes_no_account_until_its_emailed_link_is_opened(instance: Instance, admin: Api) -> None:
    users_before = count(instance, User)
    _ask("new@example.com", instance)
    assert count(instance, User) == users_before
    assert login(instance.anonymous(), "new@example.com").status_code == 401

    token = signup_link_token(instance.app, "new@example.com")
    assert token
    browser = instance.anonymous()
    me = browser.ok("POST", "/api/v1/auth/signup/confirm", 201, json={"token": token})
    assert me["email"] == "new@example.com" and me["isInstanceAdmin"] is False
    assert browser.ok("GET", "/api/v1/me")["id"] == me["id"]
    assert login(instance.anonymous(), "new@example.com").status_code == 200

    again = instance.anonymous().post("/api/v1/auth/signup/confirm", json={"token": token})
    assert (again.status_code, again.json()["error"]["code"]) == (400, "invalid_signup_link")
    made_up = instance.anonymous().post("/api/v1/auth/signup/confirm", json={"token": "x" * 43})
    assert (made_up.status_code, made_up.json()["error"]["code"]) == (400, "invalid_signup_link")
    assert count(instance, User) == users_before + 1


def test_signing_up_with_a_taken_email_tells_only_its_owner_and_changes_nothing(instance: Instance, admin: Api) -> None:
    users_before, events_before = count(instance, User), count(instance, AuditEvent)
    for email in ("admin@example.com", "ADMIN@example.com", "  admin@Example.COM "):
        assert _ask(email, instance, "another-password-1").status_code == 202, email
    assert (count(instance, User), count(instance, AuditEvent)) == (users_before, events_before)
    notes = _mails_to(instance, "admin@example.com")
    assert len(notes) == 3 and all("has one already" in n and "/signup/confirm" not in n for n in notes)
    assert signup_link_token(instance.app, "admin@example.com") is None
    assert login(instance.anonymous(), "admin@example.com", "another-password-1").status_code == 401
    assert login(instance.anonymous(), "admin@example.com").status_code == 200


@sqlite_only
def test_an_invitation_only_instance_refuses_a_taken_email_as_it_refuses_a_free_one(start: Start) -> None:
    instance = start(signup="invite")
    instance.user("first@example.com")
    taken, free = _ask("first@example.com", instance), _ask("stranger@example.com", instance)
    assert taken.status_code == free.status_code == 400
    assert taken.json() == free.json()


def test_signup_emails_are_limited_per_address_without_a_different_answer(instance: Instance, admin: Api) -> None:
    answers = {_ask("new@example.com", instance).status_code for _ in range(MAX_MAILS_PER_ACCOUNT + 2)}
    assert answers == {202}
    assert len(_mails_to(instance, "new@example.com")) == MAX_MAILS_PER_ACCOUNT


INVALID_EMAILS = [
    "",
    "   ",
    "no-at-sign.example.com",
    "@example.com",
    "user@",
    "user@localhost",
    "user@.com",
    "user@example.",
    "user@exa mple.com",
    "us er@example.com",
    "user@@example.com",
    "a@b@example.com",
    "user@example..com",
    "x@evil.com,victim@example.com",
    "Victim <victim@example.com>",
    "line\nbreak@example.com",
    "tab\t@example.com",
    "a" * 310 + "@example.com",
]

WEAK_PASSWORDS = [
    "",
    "short",
    "1234567",
    "aaaaaaaaaaaa",
    "abababababab",
    "            ",
    "x" * 300,
]


def _refused_without_trace(instance: Instance, bodies: list[dict[str, Any]]) -> None:
    """Every body is refused with 422 and a message, and leaves no user, session or audit event."""
    before = count(instance, User), count(instance, AuditEvent), count(instance, Membership)
    accepted = []
    for body in bodies:
        response = instance.anonymous().post("/api/v1/auth/signup", json=body)
        if response.status_code != 422 or not response.json()["error"]["message"] or response.cookies:
            accepted.append((body, response.status_code, response.text))
    assert accepted == []
    assert (count(instance, User), count(instance, AuditEvent), count(instance, Membership)) == before


def test_invalid_emails_are_refused_and_change_nothing(instance: Instance, admin: Api) -> None:
    _refused_without_trace(instance, [{"email": email, "password": PASSWORD} for email in INVALID_EMAILS])


def test_weak_passwords_are_refused_and_change_nothing(instance: Instance, admin: Api) -> None:
    _refused_without_trace(instance, [{"email": "new@example.com", "password": p} for p in WEAK_PASSWORDS])


def test_a_weak_password_is_refused_even_for_the_first_user(instance: Instance) -> None:
    _refused_without_trace(instance, [{"email": "first@example.com", "password": "short"}])
    assert signup(instance.anonymous(), "first@example.com").json()["isInstanceAdmin"] is True


def test_malformed_signups_are_refused_and_change_nothing(instance: Instance, admin: Api) -> None:
    _refused_without_trace(
        instance,
        [
            {"email": "new@example.com"},
            {"password": PASSWORD},
            {"email": "new@example.com", "password": PASSWORD, "isInstanceAdmin": True},
            {"email": ["new@example.com"], "password": PASSWORD},
            {"email": "new@example.com", "password": PASSWORD, "name": "n" * 201},
            {"email": "new@example.com", "password": PASSWORD, "name": "Null\x00Byte"},
        ],
    )
