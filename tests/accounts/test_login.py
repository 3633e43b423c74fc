"""Login, logout and `GET /me`: the session cookie, wrong credentials and what login also does."""

from __future__ import annotations

from http.cookies import SimpleCookie

from lowcraft.audit.models import AuditEvent
from lowcraft.identity.models import User
from lowcraft.workspaces.models import Invite
from tests.accounts.support import (
    Start,
    audit_rows,
    login,
    runtime_of,
    session_stores,
    session_token,
    signup,
    sqlite_only,
    with_cookie,
)
from tests.conftest import CSRF, PASSWORD, Api, Instance


def _session_cookie(set_cookie: str) -> dict[str, str | bool]:
    morsel = SimpleCookie(set_cookie)["lowcraft_session"]
    return {
        "httponly": bool(morsel["httponly"]),
        "samesite": str(morsel["samesite"]).lower(),
        "secure": bool(morsel["secure"]),
        "path": morsel["path"],
    }


@sqlite_only
def test_the_session_cookie_is_httponly_lax_and_secure_only_behind_https(start: Start) -> None:
    cases = [("http://127.0.0.1:8080", False), ("http://lowcraft.internal", False), ("https://lowcraft.example.com", True)]
    for n, (base_url, secure) in enumerate(cases):
        instance = start(base_url=base_url)  # the instances share one store
        email = f"user{n}@example.com"
        expected = {"httponly": True, "samesite": "lax", "secure": secure, "path": "/"}
        for how, response in [("signup", signup(instance.anonymous(), email)), ("login", login(instance.anonymous(), email))]:
            assert response.status_code in (200, 201), response.text
            assert _session_cookie(response.headers["set-cookie"]) == expected, (base_url, how)


def test_login_starts_a_session_that_me_reports(instance: Instance, admin: Api) -> None:
    client = instance.anonymous()
    me = client.ok("POST", "/api/v1/auth/login", json={"email": " ADMIN@example.com ", "password": PASSWORD})
    assert me["email"] == "admin@example.com"
    assert client.ok("GET", "/api/v1/me") == me
    assert "password" not in str(me).lower()


WRONG_CREDENTIALS = [
    ("admin@example.com", "wrong-password-1"),
    ("admin@example.com", ""),
    ("admin@example.com", PASSWORD.upper()),
    ("nobody@example.com", PASSWORD),
    ("not-an-email", PASSWORD),
]


def test_wrong_credentials_get_401_without_saying_which_part_was_wrong(instance: Instance, admin: Api) -> None:
    for email, password in WRONG_CREDENTIALS:
        client = instance.anonymous()
        response = login(client, email, password)
        assert response.status_code == 401, (email, password)
        assert response.json()["error"] == {
            "code": "invalid_credentials", "message": "Email or password is wrong.", "details": {},
        }
        assert "lowcraft_session" not in response.cookies
        assert client.get("/api/v1/me").status_code == 401


def test_every_failed_password_login_is_audited_with_the_email_tried_and_never_the_password(
    instance: Instance, admin: Api
) -> None:
    for email, password in WRONG_CREDENTIALS:
        assert login(instance.anonymous(), email, password).status_code == 401
    failures = audit_rows(instance, AuditEvent.action == "user.sign_in_failed")[-len(WRONG_CREDENTIALS):]
    assert [(e.target_name, e.summary) for e in failures] == [
        (email.lower(), {"reason": "invalid_credentials", "method": "password"}) for email, _ in WRONG_CREDENTIALS
    ]
    with runtime_of(instance).db.session() as db:
        account = db.query(User).filter_by(email="admin@example.com").one().id
    assert [e.target_id for e in failures] == [account, account, account, None, None]
    stored = " ".join(str((e.summary, e.target_name)) for e in failures)
    assert "wrong-password-1" not in stored and PASSWORD not in stored and PASSWORD.upper() not in stored


def test_without_a_valid_session_me_is_401_and_logout_is_harmless(instance: Instance, admin: Api) -> None:
    for client in (instance.anonymous(), with_cookie(instance, "forged-" + session_token(admin))):
        response = client.get("/api/v1/me")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"
        client.ok("POST", "/api/v1/auth/logout", 204)
    assert admin.ok("GET", "/api/v1/me")["email"] == "admin@example.com"


@session_stores
def test_logout_ends_the_session_on_the_server_not_just_in_the_browser(
    start: Start, session_settings: dict[str, str]
) -> None:
    instance = start(**session_settings)
    client = instance.user("ada@example.com")
    laptop = instance.user("ada@example.com")
    token = session_token(client)
    client.ok("POST", "/api/v1/auth/logout", 204)
    assert client.get("/api/v1/me").status_code == 401
    replayed = with_cookie(instance, token)
    assert replayed.get("/api/v1/me").status_code == 401, "a copied cookie must not outlive logout"
    assert laptop.ok("GET", "/api/v1/me")["email"] == "ada@example.com", "other browsers stay logged in"


def test_pending_invitations_are_accepted_at_login(instance: Instance, admin: Api) -> None:
    """An account created outside signup (e.g. by `lowcraft create-admin`) may hold invitations."""
    bob = instance.user("bob@example.com")
    workspace = admin.ok("POST", "/api/v1/workspaces", 201, json={"name": "Team"})["id"]
    with runtime_of(instance).db.session() as db:
        db.add(Invite(workspace_id=workspace, email="bob@example.com", role="developer"))
    assert workspace not in [w["id"] for w in bob.ok("GET", "/api/v1/workspaces")["workspaces"]]

    bob = instance.anonymous()
    bob.ok("POST", "/api/v1/auth/login", json={"email": "bob@example.com", "password": PASSWORD})

    roles = {w["id"]: w["role"] for w in bob.ok("GET", "/api/v1/workspaces")["workspaces"]}
    assert roles[workspace] == "developer"
    assert admin.ok("GET", f"/api/v1/workspaces/{workspace}/invites")["invites"] == []


def test_a_deactivated_account_cannot_log_in_and_its_sessions_stop_working(instance: Instance, admin: Api) -> None:
    bob = instance.user("bob@example.com")
    with runtime_of(instance).db.session() as db:
        user = db.query(User).filter_by(email="bob@example.com").one()
        user.is_active = False
    assert bob.get("/api/v1/me").status_code == 401
    assert login(instance.anonymous(), "bob@example.com").status_code == 401


@sqlite_only
def test_cookie_authenticated_unsafe_requests_need_the_x_requested_by_header(instance: Instance, admin: Api) -> None:
    bare = Api(instance.app)
    bare.cookies.update(admin.cookies)
    attempts = {
        "create workspace": bare.post("/api/v1/workspaces", json={"name": "Forged"}),
        "rename me": bare.patch("/api/v1/me", json={"name": "Forged"}),
        "logout": bare.post("/api/v1/auth/logout"),
        "wrong header value": bare.post("/api/v1/workspaces", json={"name": "Forged"}, headers={"X-Requested-By": "evil"}),
        # A junk bearer header skips the CSRF check, but then the cookie is not used either.
        "junk bearer": bare.post("/api/v1/workspaces", json={"name": "Forged"}, headers={"Authorization": "Bearer junk"}),
    }
    statuses = {what: response.status_code for what, response in attempts.items()}
    assert statuses == {"create workspace": 403, "rename me": 403, "logout": 403, "wrong header value": 403, "junk bearer": 401}
    assert attempts["create workspace"].json()["error"]["code"] == "csrf_header_missing"
    assert bare.ok("GET", "/api/v1/me")["name"] == "Ada Admin", "safe requests need no header; nothing changed"
    assert [w["name"] for w in bare.ok("GET", "/api/v1/workspaces")["workspaces"]] == ["Ada Admin's apps"]
    bare.headers.update(CSRF)
    bare.ok("POST", "/api/v1/workspaces", 201, json={"name": "Real"})


def test_users_change_their_display_name_and_bad_names_change_nothing(instance: Instance, admin: Api) -> None:
    assert admin.ok("PATCH", "/api/v1/me", json={"name": "  Ada Lovelace "})["name"] == "Ada Lovelace"
    for body in ({"name": ""}, {"name": "   "}, {"name": "x" * 201}, {"name": "Ada\x00"}, {"email": "evil@example.com"}):
        response = admin.patch("/api/v1/me", json=body)
        assert response.status_code == 422, body
    assert admin.ok("GET", "/api/v1/me")["name"] == "Ada Lovelace"
    assert admin.ok("GET", "/api/v1/me")["email"] == "admin@example.com"
