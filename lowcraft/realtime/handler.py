"""Reading an application's edit state for its shared document: database work that trusts its
caller (the real-time service, which checked the caller's role when the room opened)."""

from __future__ import annotations

from sqlalchemy import select

from lowcraft.appmodel.models import Action, JsObject, Page
from lowcraft.context import Context
from lowcraft.realtime.layout import EditState


def read_state(ctx: Context, application_id: str) -> EditState:
    state = EditState()
    for page in ctx.db.scalars(select(Page).where(Page.application_id == application_id).order_by(Page.position)):
        state.pages[page.id] = {"name": page.name, "dsl": page.dsl}
        state.revisions[page.id] = page.revision
    for action in ctx.db.scalars(select(Action).where(Action.application_id == application_id)):
        state.actions[action.id] = {"name": action.name, "pageId": action.page_id, "config": dict(action.config or {})}
    for js in ctx.db.scalars(select(JsObject).where(JsObject.application_id == application_id)):
        state.js_objects[js.id] = {"name": js.name, "pageId": js.page_id, "body": js.body}
    return state
