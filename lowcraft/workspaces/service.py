"""Workspaces, members and invitations: permission check, change, audit event, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from lowcraft.audit import handler as audit
from lowcraft.audit.handler import EventQuery, record
from lowcraft.audit.models import AuditEvent
from lowcraft.context import Context
from lowcraft.errors import NotFound, PermissionDenied, ValidationFailed
from lowcraft.identity.models import User
from lowcraft.identity.users import normalise_email
from lowcraft.store.db import lock_for_update
from lowcraft.workspaces.errors import AlreadyMember, InvalidRole, LastAdministrator
from lowcraft.workspaces.models import Invite, Membership, Workspace
from lowcraft.workspaces.permissions import Role, require_user, require_workspace


@dataclass
class WorkspaceView:
    workspace: Workspace
    role: Role


@dataclass
class MemberView:
    user: User
    role: Role


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InvalidRole(
            f"Unknown role '{value}'. Use administrator, developer or viewer.", details={"field": "role"}
        ) from None


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationFailed("A workspace needs a name.", details={"field": "name"})
    if len(name) > 100:
        raise ValidationFailed("Workspace names may have at most 100 characters.", details={"field": "name"})
    return name


def list_workspaces(ctx: Context) -> list[WorkspaceView]:
    user = require_user(ctx)
    if user.is_instance_admin:
        rows = ctx.db.scalars(select(Workspace).order_by(Workspace.name)).all()
        return [WorkspaceView(w, Role.ADMINISTRATOR) for w in rows]
    pairs = ctx.db.execute(
        select(Workspace, Membership.role)
        .join(Membership, Membership.workspace_id == Workspace.id)
        .where(Membership.user_id == user.id)
        .order_by(Workspace.name)
    ).all()
    return [WorkspaceView(w, Role(role)) for w, role in pairs]


def get_workspace(ctx: Context, workspace_id: str) -> WorkspaceView:
    workspace, role = require_workspace(ctx, workspace_id, Role.VIEWER)
    return WorkspaceView(workspace, role)


def create_workspace(ctx: Context, name: str) -> WorkspaceView:
    user = require_user(ctx)
    workspace = Workspace(name=_clean_name(name))
    ctx.db.add(workspace)
    ctx.db.flush()
    ctx.db.add(Membership(workspace_id=workspace.id, user_id=user.id, role=Role.ADMINISTRATOR))
    record(ctx, "workspace.created", "workspace", workspace.id, workspace.name, workspace_id=workspace.id)
    return WorkspaceView(workspace, Role.ADMINISTRATOR)


def rename_workspace(ctx: Context, workspace_id: str, name: str) -> WorkspaceView:
    workspace, role = require_workspace(ctx, workspace_id, Role.ADMINISTRATOR)
    before = workspace.name
    workspace.name = _clean_name(name)
    record(
        ctx, "workspace.renamed", "workspace", workspace.id, workspace.name,
        workspace_id=workspace.id, summary={"before": before, "after": workspace.name},
    )
    return WorkspaceView(workspace, role)


def set_private_networks(ctx: Context, workspace_id: str, allowed: bool | None) -> WorkspaceView:
    """Whether the workspace's datasources may reach private and loopback addresses (None: the
    instance default). Instance administrators only: a workspace administrator deciding it would
    let any workspace reach the instance's internal network. The instance's own store and Redis
    stay out of reach either way."""
    user = require_user(ctx)
    if not user.is_instance_admin:
        raise PermissionDenied("Only an instance administrator decides whether a workspace may reach private networks.")
    workspace, role = require_workspace(ctx, workspace_id, Role.VIEWER)
    before = workspace.allow_private_networks
    workspace.allow_private_networks = allowed
    record(
        ctx, "workspace.private_networks_changed", "workspace", workspace.id, workspace.name,
        workspace_id=workspace.id, summary={"before": before, "after": allowed},
    )
    return WorkspaceView(workspace, role)


def delete_workspace(ctx: Context, workspace_id: str) -> None:
    workspace, _ = require_workspace(ctx, workspace_id, Role.ADMINISTRATOR)
    # The audit event outlives the workspace's own log, so it is kept instance-wide.
    record(ctx, "workspace.deleted", "workspace", workspace.id, workspace.name)
    ctx.db.delete(workspace)


def list_members(ctx: Context, workspace_id: str) -> list[MemberView]:
    require_workspace(ctx, workspace_id, Role.VIEWER)
    rows = ctx.db.execute(
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.workspace_id == workspace_id)
        .order_by(User.email)
    ).all()
    return [MemberView(u, Role(r)) for u, r in rows]


def _administrator_count(ctx: Context, workspace_id: str) -> int:
    return ctx.db.scalar(
        select(func.count()).select_from(Membership).where(
            Membership.workspace_id == workspace_id, Membership.role == Role.ADMINISTRATOR
        )
    ) or 0


def _membership(ctx: Context, workspace_id: str, user_id: str) -> tuple[Membership, User]:
    membership = ctx.db.get(Membership, (workspace_id, user_id), populate_existing=True)
    user = ctx.db.get(User, user_id)
    if membership is None or user is None:
        raise NotFound("Member not found.")
    return membership, user


def change_role(ctx: Context, workspace_id: str, user_id: str, role: str) -> MemberView:
    # Locked before the permission check and the count: two administrators demoting each other at
    # once must run one after the other, or each sees the other still in office and both succeed.
    lock_for_update(ctx.db, Workspace, workspace_id)
    require_workspace(ctx, workspace_id, Role.ADMINISTRATOR)
    new_role = parse_role(role)
    membership, user = _membership(ctx, workspace_id, user_id)
    before = Role(membership.role)
    if before == Role.ADMINISTRATOR and new_role != before and _administrator_count(ctx, workspace_id) <= 1:
        raise LastAdministrator("A workspace needs at least one administrator; promote someone else first.")
    membership.role = new_role
    record(
        ctx, "member.role_changed", "user", user.id, user.email,
        workspace_id=workspace_id, summary={"before": before.value, "after": new_role.value},
    )
    return MemberView(user, new_role)


def remove_member(ctx: Context, workspace_id: str, user_id: str) -> None:
    leaving_self = ctx.user is not None and ctx.user.id == user_id
    lock_for_update(ctx.db, Workspace, workspace_id)  # as in change_role: the count must stay true
    require_workspace(ctx, workspace_id, Role.VIEWER if leaving_self else Role.ADMINISTRATOR)
    membership, user = _membership(ctx, workspace_id, user_id)
    if membership.role == Role.ADMINISTRATOR and _administrator_count(ctx, workspace_id) <= 1:
        raise LastAdministrator("A workspace needs at least one administrator; promote someone else first.")
    ctx.db.delete(membership)
    record(ctx, "member.removed", "user", user.id, user.email, workspace_id=workspace_id)


def invite(ctx: Context, workspace_id: str, email: str, role: str) -> Invite | MemberView:
    """Invite by email: an existing user joins at once, anyone else when they sign up or log in."""
    workspace, _ = require_workspace(ctx, workspace_id, Role.ADMINISTRATOR)
    email = normalise_email(email)
    new_role = parse_role(role)
    user = ctx.db.scalar(select(User).where(User.email == email))
    summary = {"email": email, "role": new_role.value}
    if user is not None:
        if ctx.db.get(Membership, (workspace_id, user.id)) is not None:
            raise AlreadyMember(f"{email} is a member of this workspace already.")
        ctx.db.add(Membership(workspace_id=workspace_id, user_id=user.id, role=new_role))
        record(ctx, "member.added", "user", user.id, email, workspace_id=workspace_id, summary=summary)
        return MemberView(user, new_role)
    pending = ctx.db.scalar(select(Invite).where(Invite.workspace_id == workspace_id, Invite.email == email))
    if pending is None:
        pending = Invite(workspace_id=workspace_id, email=email, role=new_role, invited_by=ctx.user.id if ctx.user else None)
        ctx.db.add(pending)
    else:
        pending.role = new_role
    ctx.db.flush()
    record(ctx, "member.invited", "invite", pending.id, email, workspace_id=workspace_id, summary=summary)
    settings = ctx.runtime.settings
    ctx.runtime.mailer.send(
        email,
        f"You are invited to {workspace.name} on Lowcraft",
        f"{ctx.user.email if ctx.user else 'Someone'} invited you to the workspace '{workspace.name}' "
        f"as {new_role.value}.\n\nSign up or log in with this email address to join:\n"
        f"{settings.base_url.rstrip('/')}/signup?email={email}",
    )
    return pending


def list_invites(ctx: Context, workspace_id: str) -> list[Invite]:
    require_workspace(ctx, workspace_id, Role.ADMINISTRATOR)
    return list(ctx.db.scalars(select(Invite).where(Invite.workspace_id == workspace_id).order_by(Invite.email)).all())


def cancel_invite(ctx: Context, workspace_id: str, invite_id: str) -> None:
    require_workspace(ctx, workspace_id, Role.ADMINISTRATOR)
    pending = ctx.db.get(Invite, invite_id)
    if pending is None or pending.workspace_id != workspace_id:
        raise NotFound("Invitation not found.")
    ctx.db.delete(pending)
    record(ctx, "member.invite_cancelled", "invite", pending.id, pending.email, workspace_id=workspace_id)


def list_audit_events(ctx: Context, workspace_id: str, query: EventQuery) -> tuple[list[AuditEvent], int]:
    """A page of the workspace's audit log, newest first, and the number of matching events."""
    require_workspace(ctx, workspace_id, Role.ADMINISTRATOR)
    return audit.find_events(ctx, workspace_id, query)
