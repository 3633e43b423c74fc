"""Personal API tokens: the secret is shown once, `Authorization: Bearer` works without the browser's
CSRF header, and revoked or expired tokens stop working."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import update

from lowcraft.identity.models import ApiToken
from lowcraft.store.types import utcnow
from tests.accounts.support import runtime_of
from tests.conftest import Api, Instance


def _bearer(instance: Instance, secret: str) -> Api:
    """A script: no cookie, no X-Requested-By header, just the token."""
    return Api(instance.app, headers={"Authorization": f"Bearer {secret}"})


def _create(client: Api, name: str = "deploy script", **extra: Any) -> dict[str, Any]:
    created: dict[str, Any] = client.ok("POST", "/api/v1/me/tokens", 201, json={"name": name, **extra})
    return created


def test_the_secret_is_shown_once_at_creation_and_never_listed(instance: Instance, admin: Api) -> None:
    created = _create(admin)
    secret = created["token"]
    assert secret.startswith("lct_") and len(secret) > 40
    assert created["prefix"] == secret[:10] and created["expiresAt"] is None

    listing = admin.get("/api/v1/me/tokens")
    assert secret not in listing.text
    [listed] = listing.json()["tokens"]
    assert listed == {k: v for k, v in created.items() if k != "token"}
    with runtime_of(instance).db.session() as db:
        assert secret not in str([tuple(vars(t).values()) for t in db.query(ApiToken).all()]), "stored hashed"


def test_a_bearer_token_acts_as_its_user_without_the_csrf_header(instance: Instance, admin: Api) -> None:
    script = _bearer(instance, _create(admin)["token"])
    assert script.ok("GET", "/api/v1/me")["email"] == "admin@example.com"
    workspace = script.ok("POST", "/api/v1/workspaces", 201, json={"name": "Made by script"})
    assert workspace["name"] in [w["name"] for w in admin.ok("GET", "/api/v1/workspaces")["workspaces"]]
    assert "lowcraft_session" not in script.cookies, "a token call starts no session"


def test_using_a_token_shows_when_it_was_last_used(instance: Instance, admin: Api) -> None:
    created = _create(admin)
    assert created["lastUsedAt"] is None
    _bearer(instance, created["token"]).ok("GET", "/api/v1/me")
    [listed] = admin.ok("GET", "/api/v1/me/tokens")["tokens"]
    assert listed["lastUsedAt"] is not None


def test_a_revoked_token_gets_401(instance: Instance, admin: Api) -> None:
    created = _create(admin)
    keep = _create(admin, "other")
    admin.ok("DELETE", f"/api/v1/me/tokens/{created['id']}", 204)
    response = _bearer(instance, created["token"]).get("/api/v1/me")
    assert response.status_code == 401
    assert [t["id"] for t in admin.ok("GET", "/api/v1/me/tokens")["tokens"]] == [keep["id"]]
    assert _bearer(instance, keep["token"]).get("/api/v1/me").status_code == 200
    assert admin.delete(f"/api/v1/me/tokens/{created['id']}").status_code == 404, "revoking twice"
    assert admin.delete("/api/v1/me/tokens/bad%00id").status_code == 400


def test_an_expired_token_gets_401(instance: Instance, admin: Api) -> None:
    created = _create(admin, expiresInDays=7)
    script = _bearer(instance, created["token"])
    assert script.get("/api/v1/me").status_code == 200
    with runtime_of(instance).db.session() as db:
        db.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert script.get("/api/v1/me").status_code == 401
    assert script.post("/api/v1/workspaces", json={"name": "Late"}).status_code == 401


def test_an_unknown_token_gets_401_and_never_falls_back_to_the_cookie(instance: Instance, admin: Api) -> None:
    for secret in ("", "lct_made-up", "not-even-the-format", _create(admin)["token"] + "x"):
        client = instance.client(Authorization=f"Bearer {secret}")
        client.cookies.update(admin.cookies)
        assert client.get("/api/v1/me").status_code == 401, secret


def test_a_user_cannot_see_or_revoke_another_users_tokens(instance: Instance, admin: Api) -> None:
    created = _create(admin)
    bob = instance.user("bob@example.com")
    assert bob.ok("GET", "/api/v1/me/tokens")["tokens"] == []
    assert bob.delete(f"/api/v1/me/tokens/{created['id']}").status_code == 404
    assert _bearer(instance, created["token"]).get("/api/v1/me").status_code == 200


MALFORMED = [
    ({"name": "  "}, "name"),
    ({"name": "x" * 101}, "name"),
    ({"name": "ci", "expiresInDays": 0}, "expiresInDays"),
    ({"name": "ci", "expiresInDays": "soon"}, "expiresInDays"),
    ({"name": "ci", "scope": "all"}, "scope"),
    ({"name": "c\x00i"}, "name"),
]


def test_malformed_token_requests_create_nothing(instance: Instance, admin: Api) -> None:
    for body, field in MALFORMED:
        response = admin.post("/api/v1/me/tokens", json=body)
        assert response.status_code == 422, body
        assert field in str(response.json()["error"]), body
    assert admin.ok("GET", "/api/v1/me/tokens")["tokens"] == []
