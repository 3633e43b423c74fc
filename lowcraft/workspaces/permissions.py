"""Roles and the permission checks every service calls before it acts.

Checks live here and in services, never in routes. A caller outside a workspace is told the
workspace does not exist (404), so ids cannot be probed; a member with too small a role gets 403.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import select

from lowcraft.appmodel.errors import ApplicationNotFound
from lowcraft.appmodel.models import Application
from lowcraft.context import Context
from lowcraft.errors import NotAuthenticated, NotFound, PermissionDenied
from lowcraft.identity.models import User
from lowcraft.workspaces.models import Membership, Workspace


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    DEVELOPER = "developer"
    VIEWER = "viewer"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def allows(self, minimum: Role) -> bool:
        return self.rank >= minimum.rank


_RANK = {Role.VIEWER: 1, Role.DEVELOPER: 2, Role.ADMINISTRATOR: 3}


def require_user(ctx: Context) -> User:
    if ctx.user is None:
        raise NotAuthenticated("Log in to do this.")
    return ctx.user


def workspace_role(ctx: Context, workspace_id: str) -> Role | None:
    """The caller's effective role in a workspace; instance administrators administer all."""
    if ctx.user is None:
        return None
    if ctx.user.is_instance_admin:
        return Role.ADMINISTRATOR
    role = ctx.db.scalar(
        select(Membership.role).where(
            Membership.workspace_id == workspace_id, Membership.user_id == ctx.user.id
        )
    )
    return Role(role) if role else None


def require_workspace(ctx: Context, workspace_id: str, minimum: Role) -> tuple[Workspace, Role]:
    require_user(ctx)
    workspace = ctx.db.get(Workspace, workspace_id)
    role = workspace_role(ctx, workspace_id) if workspace else None
    if workspace is None or role is None:
        raise NotFound("Workspace not found.")
    if not role.allows(minimum):
        raise PermissionDenied(f"This needs the {minimum.value} role in workspace '{workspace.name}'.")
    return workspace, role


def require_app(
    ctx: Context, application_id: str, minimum: Role, *, missing: NotFound | None = None, denied: str | None = None
) -> tuple[Application, Role]:
    """The application (not in the trash) if the caller holds `minimum` in its workspace.

    401 without a caller; 404 when the application does not exist or the caller is not in its
    workspace, so ids cannot be probed; 403 for a member whose role is too small. Services call
    this once per request and pass the application down to handlers, which do not check again.
    A service checking access to something inside the app (an action) names its own 404
    (`missing`) and 403 message (`denied`), so the answer is about what the caller asked for.
    """
    require_user(ctx)
    app = ctx.db.get(Application, application_id)
    role = workspace_role(ctx, app.workspace_id) if app is not None and app.deleted_at is None else None
    if app is None or role is None:
        raise missing or ApplicationNotFound("Application not found.")
    if not role.allows(minimum):
        raise PermissionDenied(denied or f"This needs the {minimum.value} role in the application's workspace.")
    return app, role
