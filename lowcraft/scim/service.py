"""SCIM provisioning: who may call (a provisioning token an instance administrator made), what
each call does, and its audit event; and the administration of tokens and group mappings.

Every write by the identity provider is audited (`scim.*` events, instance-wide, naming the token);
reads are not, as providers poll them constantly. A deactivated or deleted user's sessions and API
tokens end in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from scim2_models import Context as ScimContext
from scim2_models import ListResponse, PatchOp, SearchRequest
from sqlalchemy import select

from lowcraft.audit.handler import record
from lowcraft.context import Context
from lowcraft.errors import NotFound, PermissionDenied, ValidationFailed
from lowcraft.identity.models import User
from lowcraft.identity.secrets import new_token, token_hash
from lowcraft.scim import handler
from lowcraft.scim.errors import NotFoundException, UnauthorizedException
from lowcraft.scim.handler import GroupResource, UserResource
from lowcraft.scim.models import ScimGroup, ScimGroupMapping, ScimToken
from lowcraft.store.types import utcnow
from lowcraft.workspaces.models import Workspace
from lowcraft.workspaces.permissions import Role, require_user

SCIM_TOKEN_PREFIX = "lcscim_"
MAX_PAGE = 200
MAX_TOKENS = 20


# -- the caller ---------------------------------------------------------------------------------


def authenticate(ctx: Context, authorization: str) -> ScimToken:
    """The provisioning token of `Authorization: Bearer ...`; anything else is a SCIM 401."""
    secret = authorization[7:].strip() if authorization.lower().startswith("bearer ") else ""
    token = ctx.db.scalar(select(ScimToken).where(ScimToken.token_hash == token_hash(secret))) if secret else None
    if token is None or token.revoked_at is not None:
        raise UnauthorizedException(detail="Send a provisioning token made by an instance administrator as a bearer token.")
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
    ctx.extra["scim_token"] = token
    return token


def _audit(ctx: Context, action: str, target_type: str, target_id: str, name: str, **summary: Any) -> None:
    token = ctx.extra["scim_token"]
    assert isinstance(token, ScimToken)
    record(ctx, action, target_type, target_id, name, summary={"client": token.name, **summary})


def _audit_role_changes(ctx: Context, changes: list[tuple[str, str, str | None, str | None]]) -> None:
    for user_id, workspace_id, before, after in changes:
        user = ctx.db.get(User, user_id)
        action = "member.joined" if before is None else "member.removed" if after is None else "member.role_changed"
        token = ctx.extra.get("scim_token")
        client = token.name if isinstance(token, ScimToken) else "group mapping"
        record(ctx, action, "user", user_id, user.email if user else "", workspace_id=workspace_id,
               summary={"role": after or before, "before": before, "via": f"SCIM ({client})"})


# -- users --------------------------------------------------------------------------------------


def _user(ctx: Context, user_id: str) -> tuple[Any, User]:
    found = handler.find_scim_user(ctx.db, user_id)
    if found is None:
        raise NotFoundException(detail=f"No user {user_id}.")
    return found


def get_user(ctx: Context, user_id: str) -> UserResource:
    return handler.user_resource(ctx, *_user(ctx, user_id))


def create_user(ctx: Context, payload: Any) -> UserResource:
    resource = UserResource.model_validate(payload, scim_ctx=ScimContext.RESOURCE_CREATION_REQUEST)
    scim_user, account = handler.create_user(ctx, resource)
    _audit(ctx, "scim.user.created", "user", account.id, account.email, active=account.is_active)
    return handler.user_resource(ctx, scim_user, account)


def _save_user(ctx: Context, scim_user: Any, account: User, resource: UserResource, action: str) -> UserResource:
    was_active = account.is_active
    handler.save_user(ctx, scim_user, account, resource)
    if was_active and not account.is_active:
        _audit(ctx, "scim.user.deactivated", "user", account.id, account.email)
    elif account.is_active and not was_active:
        _audit(ctx, "scim.user.reactivated", "user", account.id, account.email)
    _audit(ctx, action, "user", account.id, account.email)
    return handler.user_resource(ctx, scim_user, account)


def replace_user(ctx: Context, user_id: str, payload: Any) -> UserResource:
    scim_user, account = _user(ctx, user_id)
    resource = UserResource.model_validate(payload, scim_ctx=ScimContext.RESOURCE_REPLACEMENT_REQUEST)
    resource.replace(handler.user_resource(ctx, scim_user, account))
    return _save_user(ctx, scim_user, account, resource, "scim.user.replaced")


def patch_user(ctx: Context, user_id: str, payload: Any) -> UserResource:
    scim_user, account = _user(ctx, user_id)
    patch = PatchOp[UserResource].model_validate(payload, scim_ctx=ScimContext.RESOURCE_PATCH_REQUEST)
    resource = handler.user_resource(ctx, scim_user, account)
    patch.patch(resource)
    return _save_user(ctx, scim_user, account, resource, "scim.user.patched")


def delete_user(ctx: Context, user_id: str) -> None:
    scim_user, account = _user(ctx, user_id)
    changes = handler.delete_user(ctx, scim_user, account)
    _audit(ctx, "scim.user.deleted", "user", account.id, account.email)
    _audit_role_changes(ctx, changes)


# -- groups -------------------------------------------------------------------------------------


def _group(ctx: Context, group_id: str) -> ScimGroup:
    group = ctx.db.get(ScimGroup, group_id)
    if group is None:
        raise NotFoundException(detail=f"No group {group_id}.")
    return group


def get_group(ctx: Context, group_id: str) -> GroupResource:
    return handler.group_resource(ctx, _group(ctx, group_id))


def create_group(ctx: Context, payload: Any) -> GroupResource:
    resource = GroupResource.model_validate(payload, scim_ctx=ScimContext.RESOURCE_CREATION_REQUEST)
    group, changes = handler.create_group(ctx, resource)
    _audit(ctx, "scim.group.created", "group", group.id, group.display_name)
    _audit_role_changes(ctx, changes)
    return handler.group_resource(ctx, group)


def replace_group(ctx: Context, group_id: str, payload: Any) -> GroupResource:
    group = _group(ctx, group_id)
    resource = GroupResource.model_validate(payload, scim_ctx=ScimContext.RESOURCE_REPLACEMENT_REQUEST)
    resource.replace(handler.group_resource(ctx, group))
    _audit_role_changes(ctx, handler.save_group(ctx, group, resource))
    _audit(ctx, "scim.group.replaced", "group", group.id, group.display_name)
    return handler.group_resource(ctx, group)


def patch_group(ctx: Context, group_id: str, payload: Any) -> GroupResource:
    group = _group(ctx, group_id)
    patch = PatchOp[GroupResource].model_validate(payload, scim_ctx=ScimContext.RESOURCE_PATCH_REQUEST)
    resource = handler.group_resource(ctx, group)
    patch.patch(resource)
    _audit_role_changes(ctx, handler.save_group(ctx, group, resource))
    _audit(ctx, "scim.group.patched", "group", group.id, group.display_name)
    return handler.group_resource(ctx, group)


def delete_group(ctx: Context, group_id: str) -> None:
    group = _group(ctx, group_id)
    _audit(ctx, "scim.group.deleted", "group", group.id, group.display_name)
    _audit_role_changes(ctx, handler.delete_group(ctx, group))


# -- listing ------------------------------------------------------------------------------------


def search(ctx: Context, kind: str, parameters: dict[str, Any]) -> dict[str, Any]:
    """A page of users or groups (`kind`), filtered and sorted as asked, serialised with the
    attributes asked for."""
    model: Any = UserResource if kind == "Users" else GroupResource
    request = SearchRequest[model].model_validate(
        {k: v for k, v in parameters.items() if v is not None}, scim_ctx=ScimContext.SEARCH_REQUEST
    )
    found = handler.list_users(ctx, request.filter) if kind == "Users" else handler.list_groups(ctx, request.filter)
    if request.sort_by is not None:
        found = request.sort(found)
    start = max(request.start_index or 1, 1)
    count = min(MAX_PAGE, request.count if request.count is not None else MAX_PAGE)
    page = found[start - 1 : start - 1 + count]
    listing = ListResponse[model](
        total_results=len(found), start_index=start, items_per_page=len(page), resources=page
    )
    return dict(listing.model_dump(scim_ctx=ScimContext.SEARCH_RESPONSE, response_parameters=request))


# -- administration: tokens and mappings (instance administrators) -----------------------------


def _require_instance_admin(ctx: Context) -> User:
    user = require_user(ctx)
    if not user.is_instance_admin:
        raise PermissionDenied("Only an instance administrator manages provisioning.")
    return user


def list_tokens(ctx: Context) -> list[ScimToken]:
    _require_instance_admin(ctx)
    return list(ctx.db.scalars(select(ScimToken).where(ScimToken.revoked_at.is_(None)).order_by(ScimToken.created_at.desc())).all())


def create_token(ctx: Context, name: str) -> tuple[ScimToken, str]:
    user = _require_instance_admin(ctx)
    name = name.strip()
    if not name:
        raise ValidationFailed("Give the token a name (the identity provider it is for).", details={"field": "name"})
    if len(list_tokens(ctx)) >= MAX_TOKENS:
        raise ValidationFailed(f"An instance may have at most {MAX_TOKENS} active provisioning tokens.")
    secret = new_token(SCIM_TOKEN_PREFIX)
    token = ScimToken(name=name[:100], token_hash=token_hash(secret), prefix=secret[:12], created_by=user.id)
    ctx.db.add(token)
    ctx.db.flush()
    record(ctx, "scim.token_created", "scim_token", token.id, token.name)
    return token, secret


def revoke_token(ctx: Context, token_id: str) -> None:
    _require_instance_admin(ctx)
    token = ctx.db.get(ScimToken, token_id)
    if token is None or token.revoked_at is not None:
        raise NotFound("Provisioning token not found.")
    token.revoked_at = utcnow()
    record(ctx, "scim.token_revoked", "scim_token", token.id, token.name)


@dataclass(frozen=True)
class MappingView:
    mapping: ScimGroupMapping
    workspace_name: str


def list_mappings(ctx: Context) -> list[MappingView]:
    _require_instance_admin(ctx)
    rows = ctx.db.execute(
        select(ScimGroupMapping, Workspace.name).join(Workspace, Workspace.id == ScimGroupMapping.workspace_id)
        .order_by(ScimGroupMapping.group_key, Workspace.name)
    ).all()
    return [MappingView(m, name) for m, name in rows]


def create_mapping(ctx: Context, group: str, workspace_id: str, role: str) -> MappingView:
    """Members of the group named `group` get `role` in the workspace, now and as groups change."""
    _require_instance_admin(ctx)
    group = group.strip()
    if not group:
        raise ValidationFailed("Name the group, as the identity provider calls it.", details={"field": "group"})
    try:
        chosen = Role(role)
    except ValueError:
        raise ValidationFailed("The role is administrator, developer or viewer.", details={"field": "role"}) from None
    workspace = ctx.db.get(Workspace, workspace_id)
    if workspace is None:
        raise NotFound("Workspace not found.")
    key = group.lower()
    mapping = ctx.db.scalar(select(ScimGroupMapping).where(ScimGroupMapping.group_key == key,
                                                           ScimGroupMapping.workspace_id == workspace.id))
    if mapping is None:
        mapping = ScimGroupMapping(group_name=group[:200], group_key=key[:200], workspace_id=workspace.id)
        ctx.db.add(mapping)
    mapping.role = chosen.value
    ctx.db.flush()
    record(ctx, "scim.mapping_saved", "workspace", workspace.id, workspace.name, workspace_id=workspace.id,
           summary={"group": group, "role": chosen.value})
    _audit_role_changes(ctx, handler.sync_roles(ctx, handler.mapped_user_ids(ctx.db, key)))
    return MappingView(mapping, workspace.name)


def delete_mapping(ctx: Context, mapping_id: str) -> None:
    _require_instance_admin(ctx)
    mapping = ctx.db.get(ScimGroupMapping, mapping_id)
    if mapping is None:
        raise NotFound("Mapping not found.")
    affected = handler.mapped_user_ids(ctx.db, mapping.group_key)
    record(ctx, "scim.mapping_deleted", "workspace", mapping.workspace_id, mapping.group_name,
           workspace_id=mapping.workspace_id, summary={"group": mapping.group_name, "role": mapping.role})
    ctx.db.delete(mapping)
    ctx.db.flush()
    _audit_role_changes(ctx, handler.sync_roles(ctx, affected))
