"""SCIM provisioning tables: the bearer tokens an identity provider calls with, the SCIM view of
provisioned users, groups with their members, and the mapping of groups to workspace roles."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lowcraft.store.base import Base, IdMixin
from lowcraft.store.types import IdType, JSONType, UTCDateTime, utcnow


class ScimToken(IdMixin, Base):
    """A provisioning token, stored as a SHA-256 hash; the secret is shown once at creation."""

    __tablename__ = "scim_tokens"

    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str | None] = mapped_column(IdType, ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ScimUser(Base):
    """A user the identity provider manages: its `userName`, `externalId` and the other SCIM
    attributes it sent (`resource`, without id, meta, password or groups), kept so what the
    provider wrote reads back unchanged. The account itself is the `users` row of the same id."""

    __tablename__ = "scim_users"

    user_id: Mapped[str] = mapped_column(IdType, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    user_name: Mapped[str] = mapped_column(String(320), unique=True)
    """Lower-cased: SCIM compares userName case-insensitively."""
    external_id: Mapped[str | None] = mapped_column(String(320))
    resource: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ScimGroup(IdMixin, Base):
    __tablename__ = "scim_groups"

    display_name: Mapped[str] = mapped_column(String(200))
    """As sent; uniqueness is on `display_key`, the lower-cased name mappings match on."""
    display_key: Mapped[str] = mapped_column(String(200), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(320))
    resource: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ScimGroupMember(Base):
    __tablename__ = "scim_group_members"

    group_id: Mapped[str] = mapped_column(IdType, ForeignKey("scim_groups.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[str] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ScimGroupMapping(IdMixin, Base):
    """Members of the group named `group_name` (compared lower-cased) get `role` in the workspace."""

    __tablename__ = "scim_group_mappings"
    __table_args__ = (UniqueConstraint("group_key", "workspace_id"),)

    group_name: Mapped[str] = mapped_column(String(200))
    group_key: Mapped[str] = mapped_column(String(200), index=True)
    workspace_id: Mapped[str] = mapped_column(IdType, ForeignKey("workspaces.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ScimRoleGrant(Base):
    """A membership a group mapping granted: provisioning manages its role, and removes it when
    the user is in no mapped group any more. Memberships made by hand have no grant."""

    __tablename__ = "scim_role_grants"

    user_id: Mapped[str] = mapped_column(IdType, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        IdType, ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True, index=True
    )
