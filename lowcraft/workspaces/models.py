"""Workspaces, their members (one role each) and pending invitations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from lowcraft.store.base import Base, IdMixin, TimestampMixin
from lowcraft.store.types import IdType, UTCDateTime, utcnow


class Workspace(IdMixin, TimestampMixin, Base):
    __tablename__ = "workspaces"

    name: Mapped[str] = mapped_column(String(100))
    allow_private_networks: Mapped[bool | None] = mapped_column(Boolean, nullable=True, default=None)
    """Whether this workspace's datasources may reach private networks, as an instance
    administrator set it; None follows the instance's LOWCRAFT_ALLOW_PRIVATE_NETWORKS."""
    require_two_factor: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Whether members must sign in with a second factor (set by the workspace's administrators)."""


class Membership(Base):
    __tablename__ = "memberships"

    workspace_id: Mapped[str] = mapped_column(
        IdType, ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Invite(IdMixin, Base):
    __tablename__ = "invites"
    __table_args__ = (UniqueConstraint("workspace_id", "email"),)

    workspace_id: Mapped[str] = mapped_column(IdType, ForeignKey("workspaces.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320), index=True)
    role: Mapped[str] = mapped_column(String(20))
    invited_by: Mapped[str | None] = mapped_column(IdType, ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
