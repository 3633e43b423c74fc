"""Writing a version's document back as an application's edit state: database work only.

Trusts its caller (`lowcraft.versions.service`, which checked the Developer role). Everything
happens in the caller's one transaction: either the whole edit state is the version's, or, on
any error, nothing changed.

Ids are kept: a page, query or JS object that still exists is updated in place (an editor open
on an older revision of the page gets a conflict on its next save rather than overwriting the
restore); one deleted since the version was made comes back with its old id, so the published
app (which runs actions by id) and links to pages keep working.
"""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import delete

from lowcraft.appmodel.document_format import AppDocument
from lowcraft.appmodel.models import Action, Application, JsObject, Page
from lowcraft.apps import handler as apps_handler
from lowcraft.apps.service import datasources_for
from lowcraft.context import Context
from lowcraft.slugs import slugify, unique_slug
from lowcraft.store.types import new_id, utcnow


def _free_id(ctx: Context, model: type[Page | Action | JsObject], wanted: str | None) -> str:
    """`wanted` when no row holds it (it was this app's and has been deleted), else a new id."""
    if wanted and ctx.db.get(model, wanted) is None:
        return wanted
    return new_id()


def replace_edit_state(ctx: Context, app: Application, doc: AppDocument) -> None:
    """Make the edit state of `app` the document's: pages (widget trees), queries, JS objects,
    the theme and the settings. The app's name, address, icon, public access and installed JS
    libraries stay as they are (they are the app's identity and grants, not its content)."""
    datasources = datasources_for(ctx, app.workspace_id, doc)
    ctx.db.execute(delete(Action).where(Action.application_id == app.id))
    ctx.db.execute(delete(JsObject).where(JsObject.application_id == app.id))
    existing = {p.id: p for p in apps_handler.pages_of(ctx, app.id)}
    kept_ids = {p.id for p in doc.pages if p.id}
    for page_id, page in list(existing.items()):
        if page_id not in kept_ids:
            ctx.db.delete(page)
            del existing[page_id]
        else:
            page.slug = f"~{page.id}"[:120]  # out of the way of the slugs the pages take below
    ctx.db.flush()
    has_default = any(p.is_default for p in doc.pages)
    taken: set[str] = set()
    for position, page_doc in enumerate(doc.pages):
        slug = unique_slug(slugify(page_doc.slug or page_doc.name, "page"), taken)
        taken.add(slug)
        values: dict[str, Any] = {
            "name": page_doc.name, "slug": slug, "position": position,
            "is_default": page_doc.is_default if has_default else position == 0,
            "hidden": page_doc.hidden, "dsl": copy.deepcopy(page_doc.dsl),
        }
        found = existing.get(page_doc.id or "")
        if found is None:
            page = Page(id=_free_id(ctx, Page, page_doc.id), application_id=app.id, **values)
            ctx.db.add(page)
        else:
            page = found
            for key, value in values.items():
                setattr(page, key, value)
        ctx.db.flush()
        for action in page_doc.actions:
            ctx.db.add(Action(
                id=_free_id(ctx, Action, action.id), application_id=app.id, page_id=page.id, name=action.name,
                datasource_id=datasources[action.datasource].id, connector=action.connector,
                config=copy.deepcopy(action.config), settings=action.settings.as_json(),
            ))
        for js in page_doc.js_objects:
            ctx.db.add(JsObject(
                id=_free_id(ctx, JsObject, js.id), application_id=app.id, page_id=page.id, name=js.name,
                body=js.body, settings={name: value.as_json() for name, value in js.settings.items()},
            ))
        ctx.db.flush()
    app.theme = dict(doc.application.theme)
    app.settings = doc.application.settings.model_dump(by_alias=True, exclude={"public_access"})
    app.updated_at = utcnow()
    ctx.db.flush()


def current_document(ctx: Context, app: Application) -> dict[str, Any]:
    """The edit state as a document with ids, as versions hold it."""
    return apps_handler.build_document(ctx, app, include_ids=True)

