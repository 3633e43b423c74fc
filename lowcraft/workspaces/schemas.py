"""Response models of the workspace routes: workspaces, users and members, invitations and the audit log."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from lowcraft.http.openapi import Out
from lowcraft.workspaces.permissions import Role


class UserOut(Out):
    """A user as the API shows it: never its password hash or sessions."""

    id: str
    email: str
    name: str
    is_instance_admin: bool = Field(alias="isInstanceAdmin")
    created_at: str | None = Field(alias="createdAt", description="ISO 8601 time.")


class WorkspaceOut(Out):
    """A workspace with the caller's role in it."""

    id: str
    name: str
    role: Role
    created_at: str = Field(alias="createdAt")
    private_networks: bool | None = Field(
        None, alias="privateNetworks",
        description="Whether its datasources may reach private networks: true or false as an instance "
        "administrator set it, null to follow the instance default (LOWCRAFT_ALLOW_PRIVATE_NETWORKS).",
    )
    require_two_factor: bool = Field(
        False, alias="requireTwoFactor", description="Whether members must sign in with a second factor.",
    )


class WorkspacePrivateNetworks(WorkspaceOut):
    """A workspace after an instance administrator set its private-network access."""

    private_networks_allowed: bool = Field(
        alias="privateNetworksAllowed", description="What its datasources may do now, the instance default applied."
    )


class WorkspaceList(Out):
    workspaces: list[WorkspaceOut]


class MemberOut(UserOut):
    """A user of the workspace with their role in it."""

    role: Role


class MemberList(Out):
    members: list[MemberOut]


class InviteOut(Out):
    """An invitation waiting for its email's owner to sign up."""

    id: str
    email: str
    role: Role
    created_at: str = Field(alias="createdAt")


class InviteList(Out):
    invites: list[InviteOut]


class MemberAdded(Out):
    """The email already had an account: it is a member now."""

    status: Literal["added"]
    member: MemberOut


class Invited(Out):
    """The email has no account yet: an invitation went out."""

    status: Literal["invited"]
    invite: InviteOut


class AuditActor(Out):
    id: str | None = Field(description="Null once the user is deleted; the email stays.")
    email: str


class AuditTarget(Out):
    type: str
    id: str | None
    name: str


class AuditEventOut(Out):
    """One recorded change: who did what to which target, when and from where."""

    id: str
    time: str
    actor: AuditActor
    action: str
    target: AuditTarget
    client_address: str = Field(alias="clientAddress")
    summary: dict[str, Any] = Field(description="What changed, in the action's own terms.")


class AuditLogPage(Out):
    """A page of the audit log, newest first, with the number of events that match."""

    events: list[AuditEventOut]
    total: int
    page: int
    per_page: int = Field(alias="perPage")
