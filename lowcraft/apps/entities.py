"""The application-wide namespace of entity names (widgets, queries, JS objects)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from lowcraft.actions.models import Action, JsObject
from lowcraft.context import Context
from lowcraft.pages.dsl import widget_names
from lowcraft.pages.models import Page


def entity_names(ctx: Context, application_id: str, *, except_page: str | None = None) -> set[str]:
    """Every entity name in the application's edit state, leaving out one page's widgets."""
    names: set[str] = set()
    rows: list[tuple[str, dict[str, Any]]] = [
        (row.id, row.dsl) for row in ctx.db.execute(select(Page.id, Page.dsl).where(Page.application_id == application_id))
    ]
    for page_id, dsl in rows:
        if page_id != except_page:
            names.update(widget_names(dsl))
    names.update(ctx.db.scalars(select(Action.name).where(Action.application_id == application_id)).all())
    names.update(ctx.db.scalars(select(JsObject.name).where(JsObject.application_id == application_id)).all())
    return names
