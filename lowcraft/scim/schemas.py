"""Response models of the provisioning administration routes."""

from __future__ import annotations

from pydantic import Field

from lowcraft.http.openapi import Out


class ScimTokenOut(Out):
    """A provisioning token, without its secret (only `prefix`, to recognise it)."""

    id: str
    name: str
    prefix: str
    created_at: str = Field(alias="createdAt")
    last_used_at: str | None = Field(alias="lastUsedAt")


class ScimTokenCreated(ScimTokenOut):
    """A new provisioning token with its secret: the only time the secret is shown."""

    token: str = Field(description="The secret the identity provider sends as `Authorization: Bearer <token>`.")
    scim_url: str = Field(alias="scimUrl", description="The SCIM base URL to give the identity provider.")


class ScimTokenList(Out):
    tokens: list[ScimTokenOut]
    scim_url: str = Field(alias="scimUrl", description="The SCIM base URL to give the identity provider.")


class GroupMappingOut(Out):
    """Members of the identity provider's group `group` get `role` in the workspace."""

    id: str
    group: str
    workspace_id: str = Field(alias="workspaceId")
    workspace_name: str = Field(alias="workspaceName")
    role: str


class GroupMappingList(Out):
    mappings: list[GroupMappingOut]
