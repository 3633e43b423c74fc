"""The tables of an application: the application, its pages (each one widget tree), its actions
(queries) and JS objects, and how an action runs (`ActionSettings`).

The edit state lives in pages, actions and JS objects; the published state is one immutable
application document snapshotted by Publish.
"""

from __future__ import annotations

import re
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
    settings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, server_default="{}")
    """Per function: `{"fetchAll": {"runOnPageLoad": true, "confirmBeforeRun": false}}`."""


class ActionSettings(BaseModel):
    """How an action runs; stored as JSON on the action and carried in exports."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)

    run_on_page_load: bool = Field(False, alias="runOnPageLoad")
    confirm_before_run: bool = Field(False, alias="confirmBeforeRun")
    timeout_ms: int = Field(10_000, alias="timeoutMs", ge=100, le=600_000)
    prepared_statements: bool = Field(True, alias="preparedStatements")
    cache_seconds: int = Field(
        0, alias="cacheSeconds", ge=0, le=86_400,
        description="Serve the same result for the same bound values for this long (0: never cache; for reads only)",
    )

    def as_json(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True)


class JsLibrary(IdMixin, TimestampMixin, Base):
    """A JavaScript library installed in an application (app-wide, not per page): where it came from,
    the global names it defines (`accessor`), and the code it loads (`sha256`, a `JsLibraryCode`)."""

    __tablename__ = "js_libraries"
    __table_args__ = (UniqueConstraint("application_id", "name"),)

    application_id: Mapped[str] = mapped_column(
        IdType, ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(2000))
    version: Mapped[str | None] = mapped_column(String(100))
    accessor: Mapped[list[str]] = mapped_column(JSONType, default=list)
    sha256: Mapped[str] = mapped_column(String(64))


class JsLibraryCode(TimestampMixin, Base):
    """The code of a library as the server fetched it once, kept per application and by hash: the
    editor and viewer load it from Lowcraft, never from the third-party URL. Code fetched but not
    (or no longer) installed nor published is removed when the app's libraries change."""

    __tablename__ = "js_library_code"

    application_id: Mapped[str] = mapped_column(
        IdType, ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True
    )
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    size: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(Text)


class JsFunctionSettings(BaseModel):
    """How one function of a JS object runs, as in Appsmith: with the page's on-load actions, and
    after the user confirms (each call from an event handler, the page load or another function)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, strict=True, defer_build=True)

    run_on_page_load: bool = Field(False, alias="runOnPageLoad")
    confirm_before_run: bool = Field(False, alias="confirmBeforeRun")

    def as_json(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True)


_FUNCTION_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
MAX_JS_FUNCTIONS = 1000


def js_settings(raw: Any) -> dict[str, JsFunctionSettings]:
    """Validated per-function settings (ValueError naming the problem); functions with every
    setting off are left out, so the stored form is canonical."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ValueError("settings must be an object of function name -> settings")  # noqa: TRY004 (pydantic reports ValueError)
    if len(raw) > MAX_JS_FUNCTIONS:
        raise ValueError(f"settings may name at most {MAX_JS_FUNCTIONS} functions")
    out: dict[str, JsFunctionSettings] = {}
    for name, value in raw.items():
        if not isinstance(name, str) or not _FUNCTION_NAME.fullmatch(name) or len(name) > 200:
            raise ValueError(f"settings: {name!r} is not a function name")
        parsed = value if isinstance(value, JsFunctionSettings) else JsFunctionSettings.model_validate(value)
        if parsed.run_on_page_load or parsed.confirm_before_run:
            out[name] = parsed
    return dict(sorted(out.items()))


def js_settings_json(raw: Any) -> dict[str, dict[str, Any]]:
    """The stored settings (checked when written) as JSON: what exports, the API and the viewer carry."""
    return {name: s.as_json() for name, s in js_settings(raw).items()}
