"""Changing a password: wrong current passwords are throttled like logins, the other sessions end,
and the API tokens end too when the owner asks (a password reset always ends them)."""

from __future__ import annotations

from typing import Any

import pytest

from lowcraft.accounts.throttle import MAX_FAILURES_PER_CLIENT
from tests.accounts.support import Start, login, signup, sqlite_only
from tests.conftest import PASSWORD, Api, Instance

NEW_PASSWORD = "a-new-secret-99"


def _change(client: Api, current: str, **extra: Any) -> Any:
    return client.post("/api/v1/me/password", json={"currentPassword": current, "newPassword": NEW_PASSWORD, **extra})


def _token(client: Api) -> str:
    secret: str = client.ok("POST", "/api/v1/me/tokens", 201, json={"name": "CI"})["token"]
    return secret


def _token_works(instance: Instance, secret: str) -> bool:
    return instance.client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


@sqlite_only
def test_guessing_the_current_password_with_a_session_is_throttled(start: Start) -> None:
    instance = start()
    stolen = instance.anonymous()  # a session in the wrong hands
    assert signup(stolen, "ada@example.com").status_code == 201
    for _ in range(MAX_FAILURES_PER_CLIENT):
        assert _change(stolen, "guess-number-x").status_code == 401
    refused = _change(stolen, PASSWORD)
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "login_throttled"
    assert int(refused.headers["Retry-After"]) > 0
    assert login(instance.anonymous(), "ada@example.com", NEW_PASSWORD).status_code != 200, "nothing changed"


@sqlite_only
def test_password_change_failures_count_against_logins_from_the_same_place(start: Start) -> None:
    instance = start()
    holder = instance.anonymous()
    assert signup(holder, "ada@example.com").status_code == 201
    for _ in range(MAX_FAILURES_PER_CLIENT):
        assert _change(holder, "guess-number-x").status_code == 401
    # The same client cannot switch to the login form to keep guessing.
    assert login(instance.anonymous(), "ada@example.com").status_code == 429


@pytest.mark.parametrize(("revoke", "tokens_work"), [(True, False), (False, True), (None, True)])
def test_the_owner_chooses_whether_api_tokens_end_with_the_old_password(
    instance: Instance, admin: Api, revoke: bool | None, tokens_work: bool
) -> None:
    laptop = instance.user("bob@example.com")
    phone = instance.user("bob@example.com")
    secrets = [_token(laptop), _token(laptop)]
    admins_token = _token(admin)

    extra = {} if revoke is None else {"revokeApiTokens": revoke}
    assert _change(laptop, PASSWORD, **extra).status_code == 204

    assert [_token_works(instance, s) for s in secrets] == [tokens_work, tokens_work]
    assert _token_works(instance, admins_token), "other users' tokens are untouched"
    assert laptop.get("/api/v1/me").status_code == 200
    assert phone.get("/api/v1/me").status_code == 401, "other sessions end either way"
    listed = laptop.ok("GET", "/api/v1/me/tokens")["tokens"]
    assert len(listed) == (2 if tokens_work else 0)
