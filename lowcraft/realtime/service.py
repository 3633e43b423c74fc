"""Who may join a channel, and storing the shared state through the services the REST API uses.

Joining checks once, like any service: an `edit:` channel needs the Developer role in the app's
workspace (as reading its edit state does), a `view:` channel what opening the published app needs.
Storing the shared state goes through `pages.service.save_tree`, `actions.service.update_action`
and `update_js_object` as the last user who edited, so revisions, validation, rename refactors,
lint and the audit log hold exactly as for a save from the editor; those check the role again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lowcraft.actions import service as actions
from lowcraft.appmodel.errors import ApplicationNotFound
from lowcraft.appmodel.models import Application
from lowcraft.context import Context
from lowcraft.errors import NotAuthenticated
from lowcraft.pages import service as pages
from lowcraft.realtime import handler
from lowcraft.realtime.layout import EditState
from lowcraft.workspaces.permissions import Role, require_app, workspace_role

EDIT, VIEW = "edit", "view"
FOLD_ORIGIN = "realtime"
"""`ctx.extra["origin"]` of a fold: notices it causes are not sent back to the rooms."""


@dataclass
class Joined:
    kind: str
    application_id: str
    user_id: str | None
    user_name: str


def join(ctx: Context, kind: str, application_id: str) -> Joined:
    """Check the caller may join `kind:application_id` (raises NotAuthenticated, ApplicationNotFound,
    PermissionDenied like the REST API)."""
    if kind == EDIT:
        require_app(ctx, application_id, Role.DEVELOPER)
    else:
        app = ctx.db.get(Application, application_id)
        if app is None or app.deleted_at is not None:
            raise ApplicationNotFound("Application not found.")
        if not app.is_public and workspace_role(ctx, app.workspace_id) is None:
            if ctx.user is None:
                raise NotAuthenticated("Log in to open this application.")
            raise ApplicationNotFound("Application not found.")
    user = ctx.user
    return Joined(kind, application_id, user.id if user else None, (user.name or user.email) if user else "")


def edit_state(ctx: Context, application_id: str) -> EditState:
    """The store's edit state of an app whose room the caller joined (checked by `join`)."""
    return handler.read_state(ctx, application_id)


def fold_page(ctx: Context, page_id: str, dsl: dict[str, Any], base_revision: int) -> list[dict[str, Any]]:
    """Store a page's widget tree from the shared state; the page's lint diagnostics."""
    return pages.save_tree(ctx, page_id, dsl, base_revision).diagnostics


def fold_action(ctx: Context, action_id: str, changes: dict[str, Any]) -> None:
    actions.update_action(ctx, action_id, changes)


def fold_js_object(ctx: Context, js_id: str, *, name: str | None, body: str | None) -> None:
    actions.update_js_object(ctx, js_id, body=body, name=name)
