"""The tables of an application: the application, its pages (each one widget tree), its actions
(queries) and JS objects, and how an action runs (`ActionSettings`).

The edit state lives in pages, actions and JS objects; the published state is one immutable
application document snapshotted by Publish.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lowcraft.store.base import Base, IdMixin, TimestampMixin
from lowcraft.store.types import IdType, JSONType, UTCDateTime

MAX_JS_BYTES = 500_000
"""The largest JS object body, in bytes of UTF-8."""



class Application(IdMixin, TimestampMixin, Base):
    __tablename__ = "applications"

    workspace_id: Mapped[str] = mapped_column(
        IdType, ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    icon: Mapped[str] = mapped_column(String(40), default="app")
    theme: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    settings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    js_libraries: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONType)
    """`[{"name", "url", "version", "accessor": [globals]}]`, the document's `application.jsLibraries`."""
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    published: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_by: Mapped[str | None] = mapped_column(IdType, ForeignKey("users.id", ondelete="SET NULL"))


class Page(IdMixin, TimestampMixin, Base):
    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("application_id", "slug"),)

    application_id: Mapped[str] = mapped_column(
        IdType, ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    slug: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    dsl: Mapped[dict[str, Any]] = mapped_column(JSONType)
    revision: Mapped[int] = mapped_column(Integer, default=1)

    # Optimistic locking: every UPDATE carries `WHERE revision = <seen>` and bumps it, so two
    # saves based on the same revision cannot both succeed.
    __mapper_args__ = {"version_id_col": revision}


class Action(IdMixin, TimestampMixin, Base):
    __tablename__ = "actions"
    # Names are per page, as in Appsmith: two pages may each have a `getOrders`.
    __table_args__ = (UniqueConstraint("page_id", "name"),)

    application_id: Mapped[str] = mapped_column(
        IdType, ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    page_id: Mapped[str] = mapped_column(IdType, ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    datasource_id: Mapped[str | None] = mapped_column(IdType, ForeignKey("datasources.id"), index=True)
    connector: Mapped[str] = mapped_column(String(40))
    config: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    settings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class JsObject(IdMixin, TimestampMixin, Base):
    """`export default { … }`: variables and functions called from bindings as `Name.fn()`."""

    __tablename__ = "js_objects"
    __table_args__ = (UniqueConstraint("page_id", "name"),)

    application_id: Mapped[str] = mapped_column(
        IdType, ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    page_id: Mapped[str] = mapped_column(IdType, ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text, default="export default {\n}\n")


class ActionSettings(BaseModel):
    """How an action runs; stored as JSON on the action and carried in exports."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    run_on_page_load: bool = Field(False, alias="runOnPageLoad")
    confirm_before_run: bool = Field(False, alias="confirmBeforeRun")
    timeout_ms: int = Field(10_000, alias="timeoutMs", ge=100, le=600_000)
    prepared_statements: bool = Field(True, alias="preparedStatements")

    def as_json(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True)
