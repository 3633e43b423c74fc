"""Renames and lint over a whole application, on top of the binding analyser.

A rename rewrites every reference in widgets, actions and JS objects of the application in the
caller's one transaction, so either everything follows the new name or nothing changes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from lowcraft.actions.models import Action, JsObject
from lowcraft.apps.document import build_document, pages_of
from lowcraft.apps.models import Application
from lowcraft.apps.service import load_for
from lowcraft.audit.handler import record
from lowcraft.bindings import Change, lint, rename
from lowcraft.context import Context
from lowcraft.pages.dsl import iter_widgets
from lowcraft.store.types import utcnow
from lowcraft.widgets.registry import registry
from lowcraft.workspaces.permissions import Role


def _write_back(ctx: Context, app: Application, before: dict[str, Any], after: dict[str, Any]) -> None:
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


def rename_in_document(document: dict[str, Any], old: str, new: str) -> tuple[dict[str, Any], list[Change]]:
    return rename(document, old, new, registry.get)


def rename_entity(ctx: Context, application_id: str, old: str, new: str) -> list[Change]:
    """Rename a widget, action, JS object (`Table1`) or JS object member (`Utils.fmt`)."""
    app = load_for(ctx, application_id, Role.DEVELOPER).app
    before = build_document(ctx, app, include_ids=True)
    after, changes = rename_in_document(before, old, new)
    _write_back(ctx, app, before, after)
    if changes:
        record(ctx, "application.refactored", "application", app.id, app.name, workspace_id=app.workspace_id,
               summary={"old": old, "new": new, "changed": len(changes)})
    return changes


def widget_renames(before: dict[str, Any], after: dict[str, Any]) -> dict[str, str]:
    """Widgets that kept their id but changed name between two trees of one page: old -> new."""
    old_names = {w.get("widgetId"): w.get("widgetName") for w in iter_widgets(before)}
    renames = {}
    for widget in iter_widgets(after):
        old = old_names.get(widget.get("widgetId"))
        if isinstance(old, str) and old != widget.get("widgetName"):
            renames[old] = widget["widgetName"]
    return renames


def save_tree_with_renames(ctx: Context, app: Application, page_id: str, tree: dict[str, Any], renames: dict[str, str]) -> list[Change]:
    """Store a page's new tree, and rewrite the app's references to widgets renamed in it."""
    reverse = {new: old for old, new in renames.items()}
    original = build_document(ctx, app, include_ids=True)
    document = build_document(ctx, app, include_ids=True)
    reverted = _with_names(tree, reverse)
    for page in document["pages"]:
        if page["id"] == page_id:
            page["dsl"] = reverted
    changes: list[Change] = []
    for old, new in renames.items():
        document, more = rename_in_document(document, old, new)
        changes.extend(more)
    _write_back(ctx, app, original, document)
    return changes


def _with_names(tree: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    copy = {**tree}
    if copy.get("widgetName") in names:
        copy["widgetName"] = names[copy["widgetName"]]
    if isinstance(copy.get("children"), list):
        copy["children"] = [_with_names(c, names) if isinstance(c, dict) else c for c in copy["children"]]
    return copy


def lint_application(ctx: Context, application_id: str, page_name: str | None = None) -> list[dict[str, Any]]:
    """Diagnostics of the application's edit state (of one page when `page_name` is given)."""
    app = load_for(ctx, application_id, Role.DEVELOPER).app
    diagnostics = lint(build_document(ctx, app), registry.get)
    return [d.to_dict() for d in diagnostics if page_name is None or d.page == page_name]
