"""Routes: workspaces, members, invitations and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query
from pydantic import Field

from lowcraft.audit.handler import EventQuery
from lowcraft.audit.models import AuditEvent
from lowcraft.http import API_PREFIX
from lowcraft.http.deps import Ctx
from lowcraft.http.openapi import BODY, MEMBER, PARAMS, errors
from lowcraft.http.routing import DeferredRoute
from lowcraft.http.schemas import Body
from lowcraft.identity.users import user_out
from lowcraft.workspaces import service
from lowcraft.workspaces.models import Invite
from lowcraft.workspaces.schemas import (
    AuditLogPage,
    Invited,
    InviteList,
    MemberAdded,
    MemberList,
    MemberOut,
    WorkspaceList,
    WorkspaceOut,
    WorkspacePrivateNetworks,
)
from lowcraft.workspaces.service import MemberView, WorkspaceView

router = APIRouter(prefix=API_PREFIX, tags=["workspaces"], route_class=DeferredRoute)


class WorkspaceBody(Body):
    name: str = Field(max_length=200)


class PrivateNetworksBody(Body):
    allowed: bool | None = Field(description="true or false for this workspace; null follows the instance default")


class RoleBody(Body):
    role: str = Field(max_length=40)


class InviteBody(Body):
    email: str = Field(max_length=320)
    role: str = Field(max_length=40)


def workspace_out(view: WorkspaceView) -> dict[str, Any]:
    w = view.workspace
    return {
        "id": w.id, "name": w.name, "role": view.role.value, "createdAt": w.created_at.isoformat(),
        "privateNetworks": w.allow_private_networks, "requireTwoFactor": w.require_two_factor,
    }


def member_out(view: MemberView) -> dict[str, Any]:
    return {**user_out(view.user), "role": view.role.value}


def invite_out(invite: Invite) -> dict[str, Any]:
    return {"id": invite.id, "email": invite.email, "role": invite.role, "createdAt": invite.created_at.isoformat()}


def event_out(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "time": event.created_at.isoformat(),
        "actor": {"id": event.actor_id, "email": event.actor_email},
        "action": event.action,
        "target": {"type": event.target_type, "id": event.target_id, "name": event.target_name},
        "clientAddress": event.client_address,
        "summary": event.summary,
    }


@router.get("/workspaces", response_model=WorkspaceList, responses=errors(401))
def list_workspaces(ctx: Ctx) -> dict[str, Any]:
    """The workspaces the caller belongs to, with their role in each."""
    return {"workspaces": [workspace_out(v) for v in service.list_workspaces(ctx)]}


@router.post("/workspaces", status_code=201, response_model=WorkspaceOut, responses=errors(*BODY, 401))
def create_workspace(body: WorkspaceBody, ctx: Ctx) -> dict[str, Any]:
    """Create a workspace; the caller becomes its administrator."""
    return workspace_out(service.create_workspace(ctx, body.name))


@router.get("/workspaces/{workspace_id}", response_model=WorkspaceOut, responses=errors(*PARAMS, *MEMBER))
def get_workspace(workspace_id: str, ctx: Ctx) -> dict[str, Any]:
    """One workspace of the caller's."""
    return workspace_out(service.get_workspace(ctx, workspace_id))


@router.patch("/workspaces/{workspace_id}", response_model=WorkspaceOut, responses=errors(*BODY, *MEMBER))
def rename_workspace(workspace_id: str, body: WorkspaceBody, ctx: Ctx) -> dict[str, Any]:
    """Rename a workspace (administrators)."""
    return workspace_out(service.rename_workspace(ctx, workspace_id, body.name))


@router.put(
    "/workspaces/{workspace_id}/private-networks", response_model=WorkspacePrivateNetworks,
    responses=errors(*BODY, *MEMBER),
)
def set_private_networks(workspace_id: str, body: PrivateNetworksBody, ctx: Ctx) -> dict[str, Any]:
    """Instance administrators: may this workspace's datasources reach private networks?"""
    view = service.set_private_networks(ctx, workspace_id, body.allowed)
    allowed = ctx.runtime.workspace_policy(workspace_id, body.allowed).allow_private_networks
    return {**workspace_out(view), "privateNetworksAllowed": allowed}


@router.delete("/workspaces/{workspace_id}", status_code=204, responses=errors(*PARAMS, *MEMBER, 409))
def delete_workspace(workspace_id: str, ctx: Ctx) -> None:
    """Delete a workspace with its applications and datasources (administrators)."""
    service.delete_workspace(ctx, workspace_id)


@router.get("/workspaces/{workspace_id}/members", response_model=MemberList, responses=errors(*PARAMS, *MEMBER))
def list_members(workspace_id: str, ctx: Ctx) -> dict[str, Any]:
    """The workspace's members with their roles."""
    return {"members": [member_out(m) for m in service.list_members(ctx, workspace_id)]}


@router.patch(
    "/workspaces/{workspace_id}/members/{user_id}", response_model=MemberOut, responses=errors(*BODY, *MEMBER, 409)
)
def change_role(workspace_id: str, user_id: str, body: RoleBody, ctx: Ctx) -> dict[str, Any]:
    """Change a member's role (administrators); the last administrator keeps theirs."""
    return member_out(service.change_role(ctx, workspace_id, user_id, body.role))


@router.delete("/workspaces/{workspace_id}/members/{user_id}", status_code=204, responses=errors(*PARAMS, *MEMBER, 409))
def remove_member(workspace_id: str, user_id: str, ctx: Ctx) -> None:
    """Remove a member from the workspace (administrators, or members leaving)."""
    service.remove_member(ctx, workspace_id, user_id)


@router.get("/workspaces/{workspace_id}/invites", response_model=InviteList, responses=errors(*PARAMS, *MEMBER))
def list_invites(workspace_id: str, ctx: Ctx) -> dict[str, Any]:
    """Invitations not yet taken up (administrators)."""
    return {"invites": [invite_out(i) for i in service.list_invites(ctx, workspace_id)]}


@router.post(
    "/workspaces/{workspace_id}/invites", status_code=201, response_model=MemberAdded | Invited,
    responses=errors(*BODY, *MEMBER, 409),
)
def invite(workspace_id: str, body: InviteBody, ctx: Ctx) -> dict[str, Any]:
    """Add the email's user as a member, or invite the email when it has no account yet."""
    result = service.invite(ctx, workspace_id, body.email, body.role)
    if isinstance(result, MemberView):
        return {"status": "added", "member": member_out(result)}
    return {"status": "invited", "invite": invite_out(result)}


@router.delete("/workspaces/{workspace_id}/invites/{invite_id}", status_code=204, responses=errors(*PARAMS, *MEMBER))
def cancel_invite(workspace_id: str, invite_id: str, ctx: Ctx) -> None:
    """Cancel an invitation (administrators)."""
    service.cancel_invite(ctx, workspace_id, invite_id)


@router.get("/workspaces/{workspace_id}/audit-log", response_model=AuditLogPage, responses=errors(*PARAMS, *MEMBER))
def audit_log(
    workspace_id: str,
    ctx: Ctx,
    action: str | None = None,
    actor: str | None = None,
    target_type: str | None = Query(None, alias="targetType"),
    since: datetime | None = None,
    until: datetime | None = None,
    page: int = Query(1, ge=1, le=100_000),
    per_page: int = Query(50, ge=1, le=500, alias="perPage"),
) -> dict[str, Any]:
    """The workspace's audit log, newest first, filtered and paged (administrators)."""
    query = EventQuery(action, actor, target_type, since, until, page, per_page)
    events, total = service.list_audit_events(ctx, workspace_id, query)
    return {"events": [event_out(e) for e in events], "total": total, "page": page, "perPage": per_page}
