"""Users, login sessions, personal API tokens, password reset tokens, sign-in providers and the
identities accounts have at them, two-factor secrets, and instance-wide settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lowcraft.store.base import Base, IdMixin, TimestampMixin
from lowcraft.store.types import IdType, JSONType, UTCDateTime, utcnow


class User(IdMixin, TimestampMixin, Base):
    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(200))
    is_instance_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginSession(Base):
    """A server-side session; the cookie holds a random token whose SHA-256 is `id`.

    `seal` is an HMAC of the row's id, user and expiry under a key derived from the instance key
    (`lowcraft.identity.sessions.SessionSeal`): a row written without that key is no session.
    """

    __tablename__ = "login_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(IdType, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    client_address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    seal: Mapped[str | None] = mapped_column(String(64), nullable=True)


class SamlSession(Base):
    """A login session that came from a SAML IdP, for single logout: `id` is the session's id
    (the SHA-256 of its cookie token, as in `login_sessions` or the Redis session store), the
    provider, the person's NameID there (as XML, for the LogoutRequest; `name_id_key` is the
    SHA-256 of its text, to find the sessions an IdP's LogoutRequest names) and the SessionIndex."""

    __tablename__ = "saml_sessions"
    __table_args__ = (Index("ix_saml_sessions_provider_name", "provider_id", "name_id_key"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(IdType, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    provider_id: Mapped[str] = mapped_column(IdType, ForeignKey("sign_in_providers.id", ondelete="CASCADE"))
    name_id: Mapped[str] = mapped_column(Text)
    name_id_key: Mapped[str] = mapped_column(String(64))
    session_index: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiToken(IdMixin, Base):
    """A personal API token, stored as a SHA-256 hash; the secret is shown once at creation."""

    __tablename__ = "api_tokens"

    user_id: Mapped[str] = mapped_column(IdType, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PasswordResetToken(IdMixin, Base):
    __tablename__ = "password_reset_tokens"

    user_id: Mapped[str] = mapped_column(IdType, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SignInProvider(IdMixin, TimestampMixin, Base):
    """A configured sign-in provider: its kind (`lowcraft.signin` registry), its kind's settings
    without secrets (`settings`), and the secret settings sealed under the instance key
    (`sealed_secrets`, bound to the provider's id). `managed_by` is `admin` (the admin page) or
    `environment` (`LOWCRAFT_SIGN_IN_PROVIDERS`, read-only in the admin page)."""

    __tablename__ = "sign_in_providers"

    slug: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    sealed_secrets: Mapped[str | None] = mapped_column(Text, nullable=True)
    create_accounts: Mapped[bool] = mapped_column(Boolean, default=True)
    role_mapping: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    managed_by: Mapped[str] = mapped_column(String(20), default="admin")


class LinkedIdentity(IdMixin, Base):
    """An account's identity at a provider: the provider's stable subject for the person.

    `mapped_workspaces` lists the workspaces whose membership the provider's role mapping granted
    at the last sign-in, so a later sign-in whose claims no longer match removes exactly those."""

    __tablename__ = "linked_identities"
    __table_args__ = (UniqueConstraint("provider_id", "subject"),)

    user_id: Mapped[str] = mapped_column(IdType, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    provider_id: Mapped[str] = mapped_column(IdType, ForeignKey("sign_in_providers.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(255))
    email: Mapped[str] = mapped_column(String(320), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mapped_workspaces: Mapped[list[str]] = mapped_column(JSONType, default=list)


class TwoFactor(Base):
    """A user's TOTP authenticator: the secret, encrypted under the instance key.

    `secret` is the confirmed one (None until the first code confirms an enrolment); `pending_secret`
    is an enrolment in progress (a first one, or a new phone replacing the old), which becomes
    `secret` when a code from it is confirmed. `last_step` is the newest 30-second step a code was
    accepted for: a code is accepted once, so one seen over a shoulder or a wire cannot be replayed.
    """

    __tablename__ = "two_factor"

    user_id: Mapped[str] = mapped_column(IdType, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    secret: Mapped[str | None] = mapped_column(Text)
    pending_secret: Mapped[str | None] = mapped_column(Text)
    last_step: Mapped[int] = mapped_column(Integer, default=0)
    enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecoveryCode(IdMixin, Base):
    """A one-time code that stands in for an authenticator code; stored as a SHA-256 hash (the codes
    are 80 random bits, nothing to brute-force) and spent on use."""

    __tablename__ = "recovery_codes"

    user_id: Mapped[str] = mapped_column(IdType, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class InstanceSetting(TimestampMixin, Base):
    """An instance-wide setting an instance administrator changes at run time (the password-login
    switch, the allowed JS library URL prefixes, the 2FA policy); settings from `LOWCRAFT_*`
    variables are not rows."""

    __tablename__ = "instance_settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSONType)
    updated_by: Mapped[str | None] = mapped_column(IdType, ForeignKey("users.id", ondelete="SET NULL"))
