"""Datasources and their per-environment configurations (encrypted whole, secrets included)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lowcraft.store.base import Base, IdMixin, TimestampMixin
from lowcraft.store.types import IdType

ENVIRONMENTS = ("production", "staging", "development")


class Datasource(IdMixin, TimestampMixin, Base):
    __tablename__ = "datasources"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    workspace_id: Mapped[str] = mapped_column(IdType, ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    connector: Mapped[str] = mapped_column(String(40))
    created_by: Mapped[str | None] = mapped_column(IdType, ForeignKey("users.id", ondelete="SET NULL"))


class DatasourceConfig(TimestampMixin, Base):
    """One environment's connection config, AES-GCM encrypted under the instance key."""

    __tablename__ = "datasource_configs"

    datasource_id: Mapped[str] = mapped_column(
        IdType, ForeignKey("datasources.id", ondelete="CASCADE"), primary_key=True
    )
    environment: Mapped[str] = mapped_column(String(20), primary_key=True)
    encrypted: Mapped[str] = mapped_column(Text)
