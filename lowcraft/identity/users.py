"""Users as the layers above see them: email rules, API token lookup, the public view of a user."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lowcraft.errors import ValidationFailed
from lowcraft.identity.models import ApiToken, User
from lowcraft.identity.secrets import token_hash
from lowcraft.store.types import utcnow

_EMAIL = re.compile(
    r"[^\s\x00-\x1f\x7f@,;:<>()\[\]\"\\]+@[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)+"
)


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if len(email) > 320 or not _EMAIL.fullmatch(email):
        raise ValidationFailed("Enter a valid email address.", details={"field": "email"})
    return email


def user_for_api_token(db: Session, secret: str) -> User | None:
    """The active user an API token belongs to, or None (unknown, revoked, expired or inactive)."""
    token = db.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(secret)))
    now = utcnow()
    if token is None or token.revoked_at is not None or (token.expires_at and token.expires_at <= now):
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
    user = db.get(User, token.user_id)
    return user if user and user.is_active else None


def revoke_api_tokens(db: Session, user_id: str) -> int:
    """Revoke every active API token of a user (a reset password, a deactivated account); how many."""
    tokens = db.scalars(select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))).all()
    now = utcnow()
    for token in tokens:
        token.revoked_at = now
    return len(tokens)


def user_out(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "isInstanceAdmin": user.is_instance_admin,
        "createdAt": user.created_at.isoformat() if user.created_at else None,
    }
