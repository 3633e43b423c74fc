"""Reading and writing an application's edit state as one document: database work only.

Nothing here checks permissions: every function trusts its caller (a service, which has
checked the caller's role with `lowcraft.workspaces.permissions.require_app`) and takes the
application it loaded, so one request checks once.

Names are per page, as in Appsmith: a widget, action or JS object is unique on its page, and two
pages may each have a `Table1`. A rename rewrites every reference in the widgets, actions and JS
objects of the entity's page in the caller's one transaction, so either everything follows the new
name or nothing changes; other pages are left alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from lowcraft import bindings
from lowcraft.appmodel.document_format import FORMAT, FORMAT_VERSION, app_settings
from lowcraft.appmodel.models import Action, ActionSettings, Application, JsObject, Page, js_settings_json
from lowcraft.appmodel.rename import rename_in_document, with_names
from lowcraft.appmodel.tree import widget_names
from lowcraft.context import Context
from lowcraft.datasources.handler import shared_settings
from lowcraft.datasources.models import Datasource
from lowcraft.errors import ValidationFailed
from lowcraft.jslibs import handler as jslibs
from lowcraft.store.types import utcnow
from lowcraft.widgets.registry import registry

if TYPE_CHECKING:
    from lowcraft.bindings import Change


def pages_of(ctx: Context, application_id: str) -> list[Page]:
    return list(
        ctx.db.scalars(select(Page).where(Page.application_id == application_id).order_by(Page.position)).all()
    )


def _action_entry(action: Action, datasource: Datasource | None, include_ids: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": action.name,
        "datasource": datasource.name if datasource else "",
        "connector": action.connector,
        "config": action.config,
        "settings": ActionSettings.model_validate(action.settings or {}).as_json(),
    }
    if include_ids:
        entry = {"id": action.id, **entry, "datasourceId": action.datasource_id}
    return entry


def build_document(
    ctx: Context, app: Application, *, include_ids: bool = False, datasource_settings: bool = False
) -> dict[str, Any]:
    """The application's edit state as one document. With `datasource_settings` (exports, Git
    trees) each datasource carries its non-secret production settings (`shared_settings`); the
    published snapshot, which anonymous visitors of a public app read, never does."""
    actions = ctx.db.scalars(select(Action).where(Action.application_id == app.id).order_by(Action.name)).all()
    js_objects = ctx.db.scalars(select(JsObject).where(JsObject.application_id == app.id).order_by(JsObject.name)).all()
    datasources = {
        ds.id: ds
        for ds in ctx.db.scalars(
            select(Datasource).where(Datasource.id.in_({a.datasource_id for a in actions if a.datasource_id}))
        ).all()
    }
    pages = []
    for page in pages_of(ctx, app.id):
        entry: dict[str, Any] = {
            "name": page.name,
            "slug": page.slug,
            "isDefault": page.is_default,
            "hidden": page.hidden,
            "dsl": page.dsl,
            "actions": [
                _action_entry(a, datasources.get(a.datasource_id or ""), include_ids)
                for a in actions if a.page_id == page.id
            ],
            "jsObjects": [
                ({"id": j.id} if include_ids else {})
                | {"name": j.name, "body": j.body, "settings": js_settings_json(j.settings)}
                for j in js_objects if j.page_id == page.id
            ],
        }
        if include_ids:
            entry = {"id": page.id, **entry}
        pages.append(entry)
    return {
        "format": FORMAT,
        "formatVersion": FORMAT_VERSION,
        "exportedAt": utcnow().isoformat().replace("+00:00", "Z"),
        "application": {
            "name": app.name,
            "slug": app.slug,
            "icon": app.icon,
            "theme": app.theme or {},
            "settings": app_settings(app),
            "jsLibraries": jslibs.document_entries(ctx, app.id),
        },
        "datasources": [
            {"name": ds.name, "connector": ds.connector}
            | ({"settings": shared_settings(ctx, ds)} if datasource_settings else {})
            for ds in sorted(datasources.values(), key=lambda d: d.name)
        ],
        "pages": pages,
    }



def page_entity_names(ctx: Context, page_id: str, *, widgets: bool = True) -> set[str]:
    """Every entity name of one page's edit state: its actions, JS objects and (unless `widgets`
    is false) its widgets. Widgets, actions and JS objects of a page share this one namespace."""
    names: set[str] = set()
    if widgets:
        dsl = ctx.db.scalar(select(Page.dsl).where(Page.id == page_id))
        if isinstance(dsl, dict):
            names.update(widget_names(dsl))
    names.update(ctx.db.scalars(select(Action.name).where(Action.page_id == page_id)).all())
    names.update(ctx.db.scalars(select(JsObject.name).where(JsObject.page_id == page_id)).all())
    return names


def page_index(document: dict[str, Any], page_id: str) -> int:
    """The position of the page with id `page_id` in a document built with ids."""
    for index, page in enumerate(document["pages"]):
        if page.get("id") == page_id:
            return index
    raise ValidationFailed("The page does not belong to this application.", details={"field": "pageId"})


def write_back(ctx: Context, app: Application, before: dict[str, Any], after: dict[str, Any]) -> None:
    """Store what differs between two documents built with ids from the same edit state."""
    pages = {p.id: p for p in pages_of(ctx, app.id)}
    actions = {a.id: a for a in ctx.db.scalars(select(Action).where(Action.application_id == app.id)).all()}
    js_objects = {j.id: j for j in ctx.db.scalars(select(JsObject).where(JsObject.application_id == app.id)).all()}
    for old_page, new_page in zip(before["pages"], after["pages"], strict=True):
        page = pages[new_page["id"]]
        if new_page["dsl"] != page.dsl:
            page.dsl = new_page["dsl"]
        for old_action, new_action in zip(old_page["actions"], new_page["actions"], strict=True):
            if old_action != new_action:
                action = actions[new_action["id"]]
                action.name, action.config = new_action["name"], new_action["config"]
        for old_js, new_js in zip(old_page["jsObjects"], new_page["jsObjects"], strict=True):
            if old_js != new_js:
                js = js_objects[new_js["id"]]
                js.name, js.body = new_js["name"], new_js["body"]
    app.updated_at = utcnow()


def save_tree_with_renames(ctx: Context, app: Application, page_id: str, tree: dict[str, Any], renames: dict[str, str]) -> list[Change]:
    """Store a page's new tree, and rewrite the page's references to widgets renamed in it."""
    reverse = {new: old for old, new in renames.items()}
    original = build_document(ctx, app, include_ids=True)
    document = build_document(ctx, app, include_ids=True)
    index = page_index(document, page_id)
    document["pages"][index]["dsl"] = with_names(tree, reverse)
    changes: list[Change] = []
    for old, new in renames.items():
        document, more = rename_in_document(document, old, new, index)
        changes.extend(more)
    write_back(ctx, app, original, document)
    return changes

def lint_document(ctx: Context, app: Application, page_id: str | None = None) -> list[dict[str, Any]]:
    """Diagnostics of the application's edit state (of one page when `page_id` is given), each
    page linted with its own names."""
    document = build_document(ctx, app, include_ids=page_id is not None)
    page = page_index(document, page_id) if page_id is not None else None
    return [d.to_dict() for d in bindings.lint(document, registry.get, page)]
