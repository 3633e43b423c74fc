"""Instance settings saved in the store: one row per setting, its value as JSON."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lowcraft.store.base import Base, TimestampMixin
from lowcraft.store.types import IdType, JSONType


class InstanceSetting(TimestampMixin, Base):
    """A setting an instance administrator saved; settings from `LOWCRAFT_*` variables are not rows."""

    __tablename__ = "instance_settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSONType)
    updated_by: Mapped[str | None] = mapped_column(IdType, ForeignKey("users.id", ondelete="SET NULL"))
