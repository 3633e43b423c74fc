"""Routes: provisioning tokens and group -> workspace role mappings (instance administrators)."""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal

from fastapi import APIRouter
from pydantic import Field

from lowcraft.http import API_PREFIX
from lowcraft.http.deps import Ctx
from lowcraft.http.openapi import BODY, PARAMS, errors
from lowcraft.http.routing import DeferredRoute
from lowcraft.http.schemas import Body
from lowcraft.scim import SCIM_PREFIX
from lowcraft.scim.schemas import GroupMappingList, GroupMappingOut, ScimTokenCreated, ScimTokenList

if TYPE_CHECKING:
    from lowcraft.scim.models import ScimToken  # the tables load with the service, on first use
    from lowcraft.scim.service import MappingView


def _service() -> ModuleType:
    from lowcraft.scim import service  # scim2-models loads with the first use, not at start-up

    return service


router = APIRouter(prefix=f"{API_PREFIX}/admin/scim", tags=["provisioning"], route_class=DeferredRoute)


class ScimTokenBody(Body):
    name: str = Field(max_length=100, description="Which identity provider the token is for.")


class MappingBody(Body):
    group: str = Field(max_length=200, description="The group's display name at the identity provider.")
    workspace_id: str = Field(alias="workspaceId", max_length=40)
    role: Literal["administrator", "developer", "viewer"]


def _scim_url(ctx: Ctx) -> str:
    return ctx.runtime.settings.base_url.rstrip("/") + SCIM_PREFIX


def _token_out(token: ScimToken) -> dict[str, Any]:
    return {"id": token.id, "name": token.name, "prefix": token.prefix, "createdAt": token.created_at.isoformat(),
            "lastUsedAt": token.last_used_at.isoformat() if token.last_used_at else None}


def _mapping_out(view: MappingView) -> dict[str, Any]:
    m = view.mapping
    return {"id": m.id, "group": m.group_name, "workspaceId": m.workspace_id, "workspaceName": view.workspace_name, "role": m.role}


@router.get("/tokens", response_model=ScimTokenList, responses=errors(401, 403))
def list_tokens(ctx: Ctx) -> dict[str, Any]:
    """Active provisioning tokens, without their secrets, and the SCIM URL to configure."""
    return {"tokens": [_token_out(t) for t in _service().list_tokens(ctx)], "scimUrl": _scim_url(ctx)}


@router.post("/tokens", status_code=201, response_model=ScimTokenCreated, responses=errors(*BODY, 401, 403))
def create_token(body: ScimTokenBody, ctx: Ctx) -> dict[str, Any]:
    """Make a provisioning token for an identity provider; its secret is in this answer only."""
    token, secret = _service().create_token(ctx, body.name)
    return {**_token_out(token), "token": secret, "scimUrl": _scim_url(ctx)}


@router.delete("/tokens/{token_id}", status_code=204, responses=errors(*PARAMS, 401, 403, 404))
def revoke_token(token_id: str, ctx: Ctx) -> None:
    """Revoke a provisioning token: the provider's next call is refused."""
    _service().revoke_token(ctx, token_id)


@router.get("/group-mappings", response_model=GroupMappingList, responses=errors(401, 403))
def list_mappings(ctx: Ctx) -> dict[str, Any]:
    """Which provider groups give which role in which workspace."""
    return {"mappings": [_mapping_out(v) for v in _service().list_mappings(ctx)]}


@router.post("/group-mappings", status_code=201, response_model=GroupMappingOut, responses=errors(*BODY, 401, 403, 404))
def create_mapping(body: MappingBody, ctx: Ctx) -> dict[str, Any]:
    """Give the members of a provider group a role in a workspace (replacing the role a mapping of
    the same group and workspace gave); applied to the group's members at once."""
    return _mapping_out(_service().create_mapping(ctx, body.group, body.workspace_id, body.role))


@router.delete("/group-mappings/{mapping_id}", status_code=204, responses=errors(*PARAMS, 401, 403, 404))
def delete_mapping(mapping_id: str, ctx: Ctx) -> None:
    """Remove a mapping; memberships it granted end unless another mapping still gives them."""
    _service().delete_mapping(ctx, mapping_id)
