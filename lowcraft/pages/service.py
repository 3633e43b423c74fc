"""Pages: add, rename, reorder, delete, set default, and save the widget tree with revisions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from lowcraft.appmodel.models import Application, Page
from lowcraft.appmodel.rename import widget_renames
from lowcraft.appmodel.tree import empty_tree, validate_tree, widget_names
from lowcraft.apps.handler import lint_document, page_entity_names, pages_of, save_tree_with_renames
from lowcraft.audit.handler import record
from lowcraft.context import Context
from lowcraft.errors import NotFound, ValidationFailed
from lowcraft.pages.errors import DuplicateName, LastPage, StaleRevision
from lowcraft.slugs import slugify, unique_slug
from lowcraft.store.types import utcnow
from lowcraft.workspaces.permissions import Role, require_app

MAX_PAGES = 100


@dataclass
class SavedPage:
    page: Page
    diagnostics: list[dict[str, Any]]


def _load_page(ctx: Context, page_id: str, minimum: Role = Role.DEVELOPER) -> tuple[Page, Application]:
    """The page and its application, once the caller's role in the app's workspace is checked."""
    page = ctx.db.get(Page, page_id)
    if page is None:
        raise NotFound("Page not found.")
    app, _ = require_app(ctx, page.application_id, minimum)
    return page, app


def _clean_name(ctx: Context, application_id: str, name: str, except_id: str | None = None) -> str:
    name = name.strip()
    if not name:
        raise ValidationFailed("A page needs a name.", details={"field": "name"})
    if len(name) > 100:
        raise ValidationFailed("Page names may have at most 100 characters.", details={"field": "name"})
    clash = ctx.db.scalar(
        select(Page.id).where(Page.application_id == application_id, func.lower(Page.name) == name.lower(), Page.id != (except_id or ""))
    )
    if clash:
        raise DuplicateName(f"This application has a page named '{name}' already.", details={"name": name})
    return name


def _slug(ctx: Context, application_id: str, wanted: str, except_id: str | None = None) -> str:
    taken = set(
        ctx.db.scalars(select(Page.slug).where(Page.application_id == application_id, Page.id != (except_id or ""))).all()
    )
    return unique_slug(slugify(wanted, "page"), taken)


def _touch(app: Application) -> None:
    app.updated_at = utcnow()


def list_pages(ctx: Context, application_id: str) -> list[Page]:
    require_app(ctx, application_id, Role.DEVELOPER)
    return pages_of(ctx, application_id)


def get_page(ctx: Context, page_id: str) -> Page:
    return _load_page(ctx, page_id)[0]


def create_page(ctx: Context, application_id: str, name: str, dsl: dict[str, Any] | None = None) -> Page:
    app, _ = require_app(ctx, application_id, Role.DEVELOPER)
    existing = pages_of(ctx, application_id)
    if len(existing) >= MAX_PAGES:
        raise ValidationFailed(f"An application may have at most {MAX_PAGES} pages.")
    name = _clean_name(ctx, application_id, name)
    tree = validate_tree(dsl) if dsl is not None else empty_tree()  # a new page has no other names yet
    page = Page(
        application_id=application_id, name=name, slug=_slug(ctx, application_id, name),
        position=len(existing), is_default=not existing, dsl=tree,
    )
    ctx.db.add(page)
    ctx.db.flush()
    _touch(app)
    record(ctx, "page.created", "page", page.id, page.name, workspace_id=app.workspace_id)
    ctx.notify_edit(app.id, "pages")
    return page


def update_page(ctx: Context, page_id: str, changes: dict[str, Any]) -> Page:
    page, app = _load_page(ctx, page_id)
    summary: dict[str, Any] = {}
    if "name" in changes:
        page.name = _clean_name(ctx, page.application_id, changes["name"], except_id=page.id)
        summary["name"] = page.name
    if "slug" in changes:
        page.slug = _slug(ctx, page.application_id, changes["slug"] or page.name, except_id=page.id)
        summary["slug"] = page.slug
    if "hidden" in changes:
        page.hidden = bool(changes["hidden"])
        summary["hidden"] = page.hidden
    _touch(app)
    record(ctx, "page.updated", "page", page.id, page.name, workspace_id=app.workspace_id, summary=summary)
    ctx.notify_edit(app.id, "pages")
    return page


def reorder_pages(ctx: Context, application_id: str, page_ids: list[str]) -> list[Page]:
    app, _ = require_app(ctx, application_id, Role.DEVELOPER)
    pages = {p.id: p for p in pages_of(ctx, application_id)}
    if sorted(page_ids) != sorted(pages):
        raise ValidationFailed("List every page of the application exactly once.", details={"field": "pageIds"})
    for position, page_id in enumerate(page_ids):
        pages[page_id].position = position
    _touch(app)
    record(ctx, "page.reordered", "application", app.id, app.name, workspace_id=app.workspace_id,
           summary={"order": [pages[i].name for i in page_ids]})
    return [pages[i] for i in page_ids]


def set_default_page(ctx: Context, page_id: str) -> Page:
    page, app = _load_page(ctx, page_id)
    for other in pages_of(ctx, page.application_id):
        other.is_default = other.id == page.id
    _touch(app)
    record(ctx, "page.set_default", "page", page.id, page.name, workspace_id=app.workspace_id)
    return page


def delete_page(ctx: Context, page_id: str) -> None:
    page, app = _load_page(ctx, page_id)
    remaining = [p for p in pages_of(ctx, page.application_id) if p.id != page.id]
    if not remaining:
        raise LastPage("An application needs at least one page; add another before deleting this one.")
    if page.is_default:
        remaining[0].is_default = True
    for position, other in enumerate(remaining):
        other.position = position
    ctx.db.delete(page)
    _touch(app)
    record(ctx, "page.deleted", "page", page.id, page.name, workspace_id=app.workspace_id)
    ctx.notify_edit(app.id, "pages")


def save_tree(ctx: Context, page_id: str, dsl: Any, base_revision: int) -> SavedPage:
    """Replace the page's widget tree if the caller saw the current revision (else 409)."""
    page, app = _load_page(ctx, page_id)
    if base_revision != page.revision:
        raise StaleRevision(page.revision)
    # Names are per page: the widgets must not clash with each other or the page's actions and JS objects.
    tree = validate_tree(dsl, page_entity_names(ctx, page.id, widgets=False))
    renames = widget_renames(page.dsl, tree)
    before = set(widget_names(page.dsl)) - set(renames)
    after = set(widget_names(tree)) - set(renames.values())
    if renames:
        # A widget renamed in the editor: every reference to it on its page follows.
        save_tree_with_renames(ctx, app, page.id, tree, renames)
    else:
        page.dsl = tree
    try:
        ctx.db.flush()
    except StaleDataError:
        ctx.db.rollback()
        current = ctx.db.scalar(select(Page.revision).where(Page.id == page_id)) or 0
        raise StaleRevision(current) from None
    _touch(app)
    record(
        ctx, "page.saved", "page", page.id, page.name, workspace_id=app.workspace_id,
        summary={"revision": page.revision, "added": sorted(after - before), "removed": sorted(before - after),
                 "renamed": renames},
    )
    ctx.notify_edit(app.id, "page")
    return SavedPage(page, lint_document(ctx, app, page.id))
