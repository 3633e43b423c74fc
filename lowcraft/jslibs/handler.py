"""A application's JS libraries and their stored code: database work only, trusting its caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select

from lowcraft.appmodel.models import Action, JsLibrary, JsLibraryCode, JsObject, Page
from lowcraft.appmodel.tree import widget_names
from lowcraft.context import Context
from lowcraft.store.types import utcnow

PENDING_CODE = timedelta(hours=1)
"""How long fetched code waits to be installed before a change of the app's libraries removes it."""


@dataclass(frozen=True, slots=True)
class CodeToStore:
    url: str
    code: str
    size: int
    sha256: str


def libraries_of(ctx: Context, application_id: str) -> list[JsLibrary]:
    return list(
        ctx.db.scalars(
            select(JsLibrary).where(JsLibrary.application_id == application_id).order_by(JsLibrary.created_at, JsLibrary.name)
        ).all()
    )


def document_entry(library: JsLibrary) -> dict[str, Any]:
    """A library as the application document carries it (`application.jsLibraries`)."""
    return {
        "name": library.name,
        "url": library.url,
        "version": library.version,
        "accessor": list(library.accessor),
        "sha256": library.sha256,
    }


def document_entries(ctx: Context, application_id: str) -> list[dict[str, Any]]:
    return [document_entry(lib) for lib in libraries_of(ctx, application_id)]


def app_entity_names(ctx: Context, application_id: str) -> set[str]:
    """Every widget, query and JS object name of the application, on any page."""
    names: set[str] = set()
    dsl: dict[str, Any]
    for dsl in ctx.db.scalars(select(Page.dsl).where(Page.application_id == application_id)):
        names.update(widget_names(dsl))
    names.update(ctx.db.scalars(select(Action.name).where(Action.application_id == application_id)))
    names.update(ctx.db.scalars(select(JsObject.name).where(JsObject.application_id == application_id)))
    return names


def store_code(ctx: Context, application_id: str, code: CodeToStore) -> JsLibraryCode:
    row = ctx.db.get(JsLibraryCode, (application_id, code.sha256))
    if row is None:
        row = JsLibraryCode(application_id=application_id, sha256=code.sha256, url=code.url, size=code.size, code=code.code)
        ctx.db.add(row)
    else:
        row.url = code.url
        row.updated_at = utcnow()  # fetched again: pending anew
    ctx.db.flush()
    return row


def code_of(ctx: Context, application_id: str, sha256: str) -> JsLibraryCode | None:
    return ctx.db.get(JsLibraryCode, (application_id, sha256))


def add_library(
    ctx: Context, application_id: str, *, name: str, url: str, version: str | None, accessor: list[str], sha256: str
) -> JsLibrary:
    library = JsLibrary(
        application_id=application_id, name=name, url=url, version=version, accessor=list(accessor), sha256=sha256
    )
    ctx.db.add(library)
    ctx.db.flush()
    return library


def published_hashes(published: dict[str, Any] | None) -> set[str]:
    """The code hashes the published document loads (its viewers need them until the next publish)."""
    if not isinstance(published, dict):
        return set()
    application = published.get("application")
    entries = application.get("jsLibraries") if isinstance(application, dict) else None
    return {e["sha256"] for e in entries or [] if isinstance(e, dict) and isinstance(e.get("sha256"), str)}


def prune_code(ctx: Context, application_id: str, published: dict[str, Any] | None) -> None:
    """Remove code neither installed, published nor fetched within the last hour."""
    keep = {lib.sha256 for lib in libraries_of(ctx, application_id)} | published_hashes(published)
    ctx.db.execute(
        delete(JsLibraryCode).where(
            JsLibraryCode.application_id == application_id,
            JsLibraryCode.sha256.not_in(keep) if keep else JsLibraryCode.sha256.is_not(None),
            JsLibraryCode.updated_at < utcnow() - PENDING_CODE,
        )
    )
