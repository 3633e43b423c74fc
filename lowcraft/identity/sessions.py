"""Server-side login sessions behind an opaque cookie: in the database, or in Redis.

The cookie holds a random token; only its hash is stored, so a leaked store cannot be replayed.
Each record is sealed with an HMAC under the instance key (`SessionSeal`), so a write to the
session store alone cannot make a session either: a record without a valid seal is no session.
A session ends after `idle` without use or `absolute` after login, whichever comes first.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, cast

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lowcraft.cache.store import redis_client
from lowcraft.identity.models import LoginSession
from lowcraft.identity.secrets import new_token, token_hash
from lowcraft.store.db import Database
from lowcraft.store.types import utcnow

# Touching last-seen on every request would turn every read into a write.
_TOUCH_EVERY = timedelta(seconds=60)


class SessionSeal:
    """An HMAC of a session record's id, user and expiry, under a key derived from the instance key.

    Who a request is rests on the session record; sealing it means whoever can write to Redis (or
    the sessions table) but does not hold the instance key cannot forge or re-point a session.
    """

    def __init__(self, instance_key: bytes) -> None:
        # A key of its own, so a seal is never also a valid MAC anywhere else the instance key is used.
        self._key = hmac.new(instance_key, b"lowcraft session seal v1", hashlib.sha256).digest()

    def seal(self, session_id: str, user_id: str, expires_at: datetime) -> str:
        # Whole seconds: the store may keep fewer digits of the time than Python has.
        message = f"{session_id}\n{user_id}\n{int(expires_at.timestamp())}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def verify(self, seal: object, session_id: str, user_id: str, expires_at: datetime) -> bool:
        return isinstance(seal, str) and hmac.compare_digest(seal, self.seal(session_id, user_id, expires_at))


@dataclass(frozen=True)
class ActiveSession:
    id: str
    user_id: str


class SessionStore(Protocol):
    """Where sessions live. The database variant joins the caller's transaction (`db`), so a
    login and its audit event commit together; the Redis variant ignores it."""

    def create(self, db: Session, user_id: str, client_address: str, user_agent: str) -> str:
        """Start a session; returns the token for the cookie."""
        ...

    def resolve(self, db: Session, token: str) -> ActiveSession | None: ...
    def revoke(self, db: Session, token: str) -> None: ...
    def revoke_user(self, db: Session, user_id: str, keep: str | None = None) -> None:
        """End every session of a user (after a password change), except the token `keep`."""
        ...

    def revoke_ids(self, db: Session, user_id: str, ids: list[str]) -> None:
        """End sessions of a user by their ids (the hashes of their tokens), e.g. on a SAML logout."""
        ...


class DatabaseSessions:
    def __init__(self, db: Database, idle: timedelta, absolute: timedelta, seal: SessionSeal) -> None:
        self.db, self.idle, self.absolute, self.seal = db, idle, absolute, seal

    def create(self, db: Session, user_id: str, client_address: str, user_agent: str) -> str:
        token = new_token()
        hashed = token_hash(token)
        now = utcnow()
        expires_at = now + self.absolute
        db.add(
            LoginSession(
                id=hashed,
                user_id=user_id,
                created_at=now,
                last_seen_at=now,
                expires_at=expires_at,
                client_address=client_address[:64],
                user_agent=user_agent[:300],
                seal=self.seal.seal(hashed, user_id, expires_at),
            )
        )
        return token

    def resolve(self, db: Session, token: str) -> ActiveSession | None:
        now = utcnow()
        row = db.get(LoginSession, token_hash(token))
        if row is None or not self.seal.verify(row.seal, row.id, row.user_id, row.expires_at):
            return None
        if row.expires_at <= now or row.last_seen_at + self.idle <= now:
            db.delete(row)
            return None
        if now - row.last_seen_at > _TOUCH_EVERY:
            row.last_seen_at = now
        return ActiveSession(row.id, row.user_id)

    def revoke(self, db: Session, token: str) -> None:
        db.execute(delete(LoginSession).where(LoginSession.id == token_hash(token)))

    def revoke_user(self, db: Session, user_id: str, keep: str | None = None) -> None:
        stmt = delete(LoginSession).where(LoginSession.user_id == user_id)
        if keep:
            stmt = stmt.where(LoginSession.id != token_hash(keep))
        db.execute(stmt)

    def revoke_ids(self, db: Session, user_id: str, ids: list[str]) -> None:
        if ids:
            db.execute(delete(LoginSession).where(LoginSession.user_id == user_id, LoginSession.id.in_(ids)))

    def purge_expired(self) -> int:
        now = utcnow()
        with self.db.session() as s:
            ids = s.scalars(
                select(LoginSession.id).where(
                    (LoginSession.expires_at <= now) | (LoginSession.last_seen_at <= now - self.idle)
                )
            ).all()
            if ids:
                s.execute(delete(LoginSession).where(LoginSession.id.in_(ids)))
            return len(ids)


class RedisSessions:
    """Sessions shared by every replica; Redis expiry implements the idle timeout."""

    def __init__(
        self, url: str, idle: timedelta, absolute: timedelta, seal: SessionSeal, prefix: str = "lowcraft:"
    ) -> None:
        self.client = redis_client(url)  # raises CacheUnavailable (503) while Redis is away
        self.idle, self.absolute, self.seal, self.prefix = idle, absolute, seal, prefix

    def _key(self, hashed: str) -> str:
        return f"{self.prefix}session:{hashed}"

    def _user_key(self, user_id: str) -> str:
        return f"{self.prefix}user-sessions:{user_id}"

    def _ttl(self, expires_at: datetime) -> int:
        remaining = (expires_at - utcnow()).total_seconds()
        return max(1, int(min(self.idle.total_seconds(), remaining)))

    def create(self, db: Session, user_id: str, client_address: str, user_agent: str) -> str:
        token = new_token()
        hashed = token_hash(token)
        expires_at = utcnow() + self.absolute
        value = json.dumps({
            "user_id": user_id,
            "expires_at": expires_at.isoformat(),
            "ip": client_address,
            "seal": self.seal.seal(hashed, user_id, expires_at),
        })
        pipe = self.client.pipeline()
        pipe.set(self._key(hashed), value, ex=self._ttl(expires_at))
        pipe.sadd(self._user_key(user_id), hashed)
        pipe.expire(self._user_key(user_id), int(self.absolute.total_seconds()))
        pipe.execute()
        return token

    def resolve(self, db: Session, token: str) -> ActiveSession | None:
        hashed = token_hash(token)
        raw = self.client.get(self._key(hashed))
        if not isinstance(raw, str):
            return None
        try:
            data = json.loads(raw)
            user_id = str(data["user_id"])
            expires_at = datetime.fromisoformat(data["expires_at"])
        except (ValueError, TypeError, KeyError):
            return None  # not a record this instance wrote
        if expires_at.tzinfo is None or not self.seal.verify(data.get("seal"), hashed, user_id, expires_at):
            return None
        if expires_at <= utcnow():
            self.client.delete(self._key(hashed))
            return None
        self.client.expire(self._key(hashed), self._ttl(expires_at))
        return ActiveSession(hashed, user_id)

    def revoke(self, db: Session, token: str) -> None:
        self.client.delete(self._key(token_hash(token)))

    def revoke_ids(self, db: Session, user_id: str, ids: list[str]) -> None:
        members = cast(set[str], self.client.smembers(self._user_key(user_id)))  # only this user's
        ids = [h for h in ids if h in members]
        if ids:
            pipe = self.client.pipeline()
            pipe.delete(*(self._key(h) for h in ids))
            pipe.srem(self._user_key(user_id), *ids)
            pipe.execute()

    def revoke_user(self, db: Session, user_id: str, keep: str | None = None) -> None:
        keep_hash = token_hash(keep) if keep else None
        members = cast(set[str], self.client.smembers(self._user_key(user_id)))  # decode_responses=True
        doomed = [self._key(h) for h in members if h != keep_hash]
        if doomed:
            self.client.delete(*doomed)
        pipe = self.client.pipeline()
        pipe.delete(self._user_key(user_id))
        if keep_hash:
            # The index must expire like the sessions it lists, or Redis keeps it forever.
            pipe.sadd(self._user_key(user_id), keep_hash)
            pipe.expire(self._user_key(user_id), int(self.absolute.total_seconds()))
        pipe.execute()

    def purge_expired(self) -> int:
        return 0  # Redis expires keys itself.
