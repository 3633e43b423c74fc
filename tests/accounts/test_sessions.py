"""Login sessions end after a while without use (idle) and a while after login (absolute), and a
password change ends every other session. Each test runs with sessions in the database and in Redis.

Instead of sleeping, `_age` moves a stored session back in time: the database rows' times, or the
Redis value's absolute expiry and the key's remaining time to live.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from redis import Redis

from lowcraft.identity.models import LoginSession
from lowcraft.identity.secrets import token_hash
from lowcraft.identity.sessions import DatabaseSessions, RedisSessions
from tests.accounts.support import Start, login, runtime_of, session_stores, session_token, with_cookie
from tests.conftest import PASSWORD, Api, Instance

IDLE_MINUTES = 30
MAX_HOURS = 1

pytestmark = session_stores


def _age(instance: Instance, client: Api, by: timedelta) -> None:
    """Pretend `by` has passed since the client's session was last used."""
    sessions = runtime_of(instance).sessions
    hashed = token_hash(session_token(client))
    if isinstance(sessions, DatabaseSessions):
        with runtime_of(instance).db.session() as db:
            row = db.get(LoginSession, hashed)
            assert row is not None
            row.created_at -= by
            row.last_seen_at -= by
            row.expires_at -= by
            row.seal = sessions.seal.seal(row.id, row.user_id, row.expires_at)  # sealed as the server would
        return
    assert isinstance(sessions, RedisSessions)
    redis: Redis = sessions.client
    key = sessions._key(hashed)
    raw, remaining_ms = redis.get(key), int(redis.pttl(key))
    if raw is None:
        return
    data = json.loads(str(raw))
    expires_at = datetime.fromisoformat(data["expires_at"]) - by
    data["expires_at"] = expires_at.isoformat()
    data["seal"] = sessions.seal.seal(hashed, data["user_id"], expires_at)  # sealed as the server would
    left = remaining_ms - int(by.total_seconds() * 1000)
    if left <= 0:
        redis.delete(key)  # what Redis would have done by now
    else:
        redis.set(key, json.dumps(data), px=left)


def _kept_forever(instance: Instance) -> list[str]:
    """Stored session data that would never expire by itself."""
    sessions = runtime_of(instance).sessions
    if isinstance(sessions, DatabaseSessions):
        with runtime_of(instance).db.session() as db:
            return [row.id for row in db.query(LoginSession).all() if row.expires_at is None]
    assert isinstance(sessions, RedisSessions)
    keys = sessions.client.scan_iter(match=sessions.prefix + "*")
    return [key for key in keys if sessions.client.ttl(key) < 0]


@pytest.fixture
def instance(start: Start, session_settings: dict[str, str]) -> Instance:
    return start(session_idle_minutes=IDLE_MINUTES, session_max_hours=MAX_HOURS, **session_settings)


def _logged_in(client: Api) -> bool:
    status: int = client.get("/api/v1/me").status_code
    assert status in (200, 401)
    return status == 200


def test_a_session_in_use_stays_alive_beyond_the_idle_limit(instance: Instance) -> None:
    client = instance.user("ada@example.com")
    for _ in range(2):  # 58 minutes in all, but never 30 without use
        _age(instance, client, timedelta(minutes=IDLE_MINUTES - 1))
        assert _logged_in(client)


def test_a_session_unused_for_the_idle_limit_ends(instance: Instance) -> None:
    client = instance.user("ada@example.com")
    _age(instance, client, timedelta(minutes=IDLE_MINUTES, seconds=1))
    assert not _logged_in(client)
    assert not _logged_in(client), "an ended session does not come back"
    client.ok("POST", "/api/v1/auth/login", json={"email": "ada@example.com", "password": PASSWORD})
    assert _logged_in(client), "logging in again starts a new one"


def test_a_session_ends_at_its_absolute_limit_however_busy(instance: Instance) -> None:
    client = instance.user("ada@example.com")
    for _ in range(MAX_HOURS * 60 // 20 - 1):
        _age(instance, client, timedelta(minutes=20))
        assert _logged_in(client)
    _age(instance, client, timedelta(minutes=20, seconds=1))
    assert not _logged_in(client)


def test_a_password_change_ends_the_other_sessions_but_keeps_this_one(instance: Instance) -> None:
    laptop = instance.user("ada@example.com")
    phone = instance.user("ada@example.com")
    stolen = with_cookie(instance, session_token(phone))
    other_user = instance.user("bob@example.com")

    laptop.ok("POST", "/api/v1/me/password", 204, json={"currentPassword": PASSWORD, "newPassword": "a-new-secret-99"})

    assert _logged_in(laptop)
    assert not _logged_in(phone)
    assert not _logged_in(stolen)
    assert _logged_in(other_user), "other users' sessions are untouched"
    assert _kept_forever(instance) == []
    assert login(instance.anonymous(), "ada@example.com").status_code == 401
    assert login(instance.anonymous(), "ada@example.com", "a-new-secret-99").status_code == 200


def test_a_refused_password_change_changes_nothing(instance: Instance) -> None:
    laptop = instance.user("ada@example.com")
    phone = instance.user("ada@example.com")
    for current, new, status in [
        ("wrong-password-1", "a-new-secret-99", 401), (PASSWORD, "short", 422), (PASSWORD, "aaaaaaaaaaaa", 422),
    ]:
        response = laptop.post("/api/v1/me/password", json={"currentPassword": current, "newPassword": new})
        assert response.status_code == status, (current, new)
        assert _logged_in(laptop) and _logged_in(phone)
        assert login(instance.anonymous(), "ada@example.com").status_code == 200


def test_sessions_named_by_id_end_and_no_others(instance: Instance) -> None:
    """What a SAML IdP's single logout uses: ending given sessions of a user by their ids."""
    laptop, phone = instance.user("ada@example.com"), instance.user("ada@example.com")
    other_user = instance.user("bob@example.com")
    runtime = runtime_of(instance)
    with runtime.db.session() as db:
        ada = next(s for s in [runtime.sessions.resolve(db, session_token(phone))] if s)
        runtime.sessions.revoke_ids(db, ada.user_id, [token_hash(session_token(phone))])
        runtime.sessions.revoke_ids(db, ada.user_id, [token_hash(session_token(other_user))])  # not Ada's
        db.commit()
    assert not _logged_in(phone)
    assert _logged_in(laptop) and _logged_in(other_user)
