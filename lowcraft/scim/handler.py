"""SCIM resources to and from the store, and group -> workspace role mappings applied to
memberships: database work that trusts its caller (the service checked the token).

A SCIM user is a Lowcraft account (`users`) plus what the provider wrote (`scim_users.resource`),
kept so it reads back as written. The account takes its email, name and active flag from it.
A membership a mapping grants is the provider's from then on (`scim_role_grants`): the role follows
the groups, and leaving the last mapped group removes it. Memberships made by hand are never
removed by provisioning: a mapping sets their role, which they keep after the user leaves the group.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scim2_models import EnterpriseUser, Group, GroupMember, Meta, ScimFilter, User
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lowcraft.context import Context
from lowcraft.errors import ValidationFailed
from lowcraft.identity.models import User as Account
from lowcraft.identity.users import normalise_email, revoke_api_tokens
from lowcraft.scim import SCIM_PREFIX
from lowcraft.scim.errors import InvalidValueException, UniquenessException
from lowcraft.scim.models import ScimGroup, ScimGroupMapping, ScimGroupMember, ScimRoleGrant, ScimUser
from lowcraft.store.types import new_id, utcnow
from lowcraft.workspaces.models import Membership
from lowcraft.workspaces.permissions import Role

UserResource = User[EnterpriseUser]
"""The User resource with the enterprise extension (employee number, department, manager) that
Entra ID and Okta send."""
GroupResource = Group

PLACEHOLDER_DOMAIN = "scim.invalid"
"""Accounts provisioned without an email get `<id>@scim.invalid` (a reserved, undeliverable
domain): they sign in through a provider, never by password or reset link."""


def location(ctx: Context, kind: str, resource_id: str) -> str:
    return f"{ctx.runtime.settings.base_url.rstrip('/')}{SCIM_PREFIX}/{kind}/{resource_id}"


def _meta(ctx: Context, kind: str, resource_id: str, created: datetime, modified: datetime) -> Meta:
    return Meta(resource_type=kind[:-1], created=created, last_modified=modified, location=location(ctx, kind, resource_id))


# -- users --------------------------------------------------------------------------------------


def user_resource(ctx: Context, scim_user: ScimUser, account: Account) -> UserResource:
    """What GET answers for a user: the stored attributes, the account's state, its groups."""
    groups = ctx.db.execute(
        select(ScimGroup.id, ScimGroup.display_name)
        .join(ScimGroupMember, ScimGroupMember.group_id == ScimGroup.id)
        .where(ScimGroupMember.user_id == account.id)
        .order_by(ScimGroup.display_name)
    ).all()
    data = {
        **scim_user.resource,
        "id": account.id,
        # As the provider left it, unless the account was deactivated some other way.
        "active": False if not account.is_active else scim_user.resource.get("active"),
        "meta": _meta(ctx, "Users", account.id, scim_user.created_at, scim_user.updated_at),
        "groups": [{"value": gid, "display": name, "$ref": location(ctx, "Groups", gid), "type": "direct"}
                   for gid, name in groups],
    }
    return UserResource.model_validate(data)


def stored_attributes(resource: UserResource | GroupResource) -> dict[str, Any]:
    """What the store keeps of a resource: everything the client may write, minus what is derived
    (id, meta, a user's groups) or never kept (the password: sign-in is through a provider).
    A group's member entries are kept as written; who is a member is `scim_group_members`."""
    data = resource.model_dump(mode="json", by_alias=True, exclude_none=True)
    for derived in ("id", "meta", "groups", "password"):
        data.pop(derived, None)
    return data


def _email_of(resource: UserResource, account_id: str) -> str:
    emails = resource.emails or []
    chosen = next((e for e in emails if e.primary and e.value), None) or next((e for e in emails if e.value), None)
    candidates = [chosen.value if chosen else None, resource.user_name]
    for candidate in candidates:
        if candidate:
            try:
                return normalise_email(str(candidate))
            except ValidationFailed:
                continue
    return f"{account_id}@{PLACEHOLDER_DOMAIN}"


def _name_of(resource: UserResource) -> str:
    if resource.display_name:
        return resource.display_name
    name = resource.name
    if name and name.formatted:
        return name.formatted
    if name and (name.given_name or name.family_name):
        return " ".join(p for p in (name.given_name, name.family_name) if p)
    return resource.user_name or ""


def find_scim_user(db: Session, user_id: str) -> tuple[ScimUser, Account] | None:
    row = db.execute(select(ScimUser, Account).join(Account, Account.id == ScimUser.user_id).where(ScimUser.user_id == user_id)).first()
    return (row[0], row[1]) if row else None


def _check_user_name(db: Session, user_name: str, user_id: str | None) -> str:
    key = user_name.strip().lower()
    if not key:
        raise InvalidValueException(detail="userName is required.")
    taken = db.scalar(select(ScimUser.user_id).where(ScimUser.user_name == key))
    if taken is not None and taken != user_id:
        raise UniquenessException(detail=f"A user with userName '{user_name}' exists already.")
    return key


def create_user(ctx: Context, resource: UserResource) -> tuple[ScimUser, Account]:
    """A new account for a provisioned user, or an existing account (same email, not yet
    provisioned, not an instance administrator) taken under the provider's management."""
    key = _check_user_name(ctx.db, resource.user_name or "", None)
    account_id = new_id()
    email = _email_of(resource, account_id)
    account = ctx.db.scalar(select(Account).where(Account.email == email))
    if account is not None:
        if account.is_instance_admin or ctx.db.get(ScimUser, account.id) is not None:
            raise UniquenessException(detail=f"An account with the email {email} exists and cannot be provisioned.")
    else:
        account = Account(id=account_id, email=email, name=_name_of(resource)[:200] or email, password_hash=None)
        ctx.db.add(account)
        ctx.db.flush()
    now = utcnow()
    scim_user = ScimUser(user_id=account.id, user_name=key, external_id=resource.external_id,
                         resource=stored_attributes(resource), created_at=now, updated_at=now)
    ctx.db.add(scim_user)
    _apply_to_account(ctx, scim_user, account, resource)
    return scim_user, account


def save_user(ctx: Context, scim_user: ScimUser, account: Account, resource: UserResource) -> None:
    """Store a replaced or patched user and bring the account in line."""
    scim_user.user_name = _check_user_name(ctx.db, resource.user_name or "", account.id)
    scim_user.external_id = resource.external_id
    scim_user.resource = stored_attributes(resource)
    scim_user.updated_at = utcnow()
    _apply_to_account(ctx, scim_user, account, resource)


def _apply_to_account(ctx: Context, scim_user: ScimUser, account: Account, resource: UserResource) -> None:
    email = _email_of(resource, account.id)
    if email != account.email:
        clash = ctx.db.scalar(select(Account.id).where(Account.email == email, Account.id != account.id))
        if clash is not None:
            raise UniquenessException(detail=f"Another account has the email {email}.")
        account.email = email
    account.name = (_name_of(resource).strip() or email.split("@")[0])[:200]
    active = resource.active is not False
    if account.is_active and not active:
        end_access(ctx, account)
    account.is_active = active
    ctx.db.flush()


def end_access(ctx: Context, account: Account) -> int:
    """A deactivated account's sessions and API tokens end at once (not at their next expiry)."""
    ctx.runtime.sessions.revoke_user(ctx.db, account.id)
    return revoke_api_tokens(ctx.db, account.id)


def delete_user(ctx: Context, scim_user: ScimUser, account: Account) -> list[tuple[str, str, str | None, str | None]]:
    """The SCIM resource goes; the account stays (its audit trail and what it made), deactivated,
    out of every group and every membership a mapping granted."""
    if account.is_active:
        end_access(ctx, account)
    account.is_active = False
    ctx.db.execute(delete(ScimGroupMember).where(ScimGroupMember.user_id == account.id))
    ctx.db.delete(scim_user)
    ctx.db.flush()
    return sync_roles(ctx, [account.id])


def list_users(ctx: Context, scim_filter: ScimFilter[Any] | None) -> list[UserResource]:
    """Every provisioned user matching the filter, in creation order. `userName eq` (what
    provisioning clients send before creating) is answered by the index; other filters are
    evaluated on the resources."""
    query = select(ScimUser, Account).join(Account, Account.id == ScimUser.user_id).order_by(ScimUser.created_at, ScimUser.user_id)
    name = _user_name_equality(scim_filter)
    if name is not None:
        query = query.where(ScimUser.user_name == name.lower())
    resources = [user_resource(ctx, s, a) for s, a in ctx.db.execute(query).all()]
    return [r for r in resources if scim_filter is None or scim_filter.match(r)]


def _user_name_equality(scim_filter: ScimFilter[Any] | None) -> str | None:
    """The name of a `userName eq "..."` filter, the one filter provisioning clients send."""
    node: Any = scim_filter.ast if scim_filter is not None else None
    attr = getattr(node, "attr_path", None)
    operator = str(getattr(node, "operator", "")).lower()
    value = getattr(node, "value", None)
    if attr is None or not operator.endswith("eq") or not isinstance(value, str):
        return None
    if str(getattr(attr, "attr", "")).lower() != "username" or getattr(attr, "sub_attr", None):
        return None
    return value


# -- groups -------------------------------------------------------------------------------------


def group_resource(ctx: Context, group: ScimGroup) -> GroupResource:
    members = ctx.db.execute(
        select(Account.id, Account.name)
        .join(ScimGroupMember, ScimGroupMember.user_id == Account.id)
        .where(ScimGroupMember.group_id == group.id)
        .order_by(Account.id)
    ).all()
    # Member entries read back as the provider wrote them (its `display`), for users still members.
    written = {str(m.get("value")): m for m in group.resource.get("members", []) if isinstance(m, dict)}
    data = {
        **group.resource,
        "id": group.id,
        "displayName": group.display_name,
        "meta": _meta(ctx, "Groups", group.id, group.created_at, group.updated_at),
        "members": [written.get(uid) or {"value": uid, "display": name, "$ref": location(ctx, "Users", uid), "type": "User"}
                    for uid, name in members] or None,
    }
    return GroupResource.model_validate(data)


def _group_key(db: Session, display_name: str, group_id: str | None) -> str:
    key = display_name.strip().lower()
    if not key:
        raise InvalidValueException(detail="displayName is required.")
    taken = db.scalar(select(ScimGroup.id).where(ScimGroup.display_key == key))
    if taken is not None and taken != group_id:
        raise UniquenessException(detail=f"A group named '{display_name}' exists already.")
    return key


def _member_ids(db: Session, members: list[GroupMember] | None) -> set[str]:
    ids = {str(m.value) for m in members or [] if m.value}
    if not ids:
        return set()
    known = set(db.scalars(select(ScimUser.user_id).where(ScimUser.user_id.in_(ids))).all())
    unknown = ids - known
    if unknown:
        raise InvalidValueException(detail=f"Members must be provisioned users; unknown: {sorted(unknown)}.")
    return ids


def create_group(ctx: Context, resource: GroupResource) -> tuple[ScimGroup, list[tuple[str, str, str | None, str | None]]]:
    key = _group_key(ctx.db, resource.display_name or "", None)
    members = _member_ids(ctx.db, resource.members)
    now = utcnow()
    group = ScimGroup(display_name=(resource.display_name or "").strip()[:200], display_key=key,
                      external_id=resource.external_id, resource=stored_attributes(resource), created_at=now, updated_at=now)
    ctx.db.add(group)
    ctx.db.flush()
    for user_id in members:
        ctx.db.add(ScimGroupMember(group_id=group.id, user_id=user_id))
    ctx.db.flush()
    return group, sync_roles(ctx, sorted(members))


def save_group(ctx: Context, group: ScimGroup, resource: GroupResource) -> list[tuple[str, str, str | None, str | None]]:
    before = set(ctx.db.scalars(select(ScimGroupMember.user_id).where(ScimGroupMember.group_id == group.id)).all())
    group.display_key = _group_key(ctx.db, resource.display_name or "", group.id)
    group.display_name = (resource.display_name or "").strip()[:200]
    group.external_id = resource.external_id
    group.resource = stored_attributes(resource)
    group.updated_at = utcnow()
    after = _member_ids(ctx.db, resource.members)
    for user_id in before - after:
        ctx.db.execute(delete(ScimGroupMember).where(ScimGroupMember.group_id == group.id, ScimGroupMember.user_id == user_id))
    for user_id in after - before:
        ctx.db.add(ScimGroupMember(group_id=group.id, user_id=user_id))
    ctx.db.flush()
    return sync_roles(ctx, sorted(before | after))  # a renamed group may match other mappings


def delete_group(ctx: Context, group: ScimGroup) -> list[tuple[str, str, str | None, str | None]]:
    members = list(ctx.db.scalars(select(ScimGroupMember.user_id).where(ScimGroupMember.group_id == group.id)).all())
    ctx.db.delete(group)
    ctx.db.flush()
    return sync_roles(ctx, members)


def list_groups(ctx: Context, scim_filter: ScimFilter[Any] | None) -> list[GroupResource]:
    groups = ctx.db.scalars(select(ScimGroup).order_by(ScimGroup.created_at, ScimGroup.id)).all()
    resources = [group_resource(ctx, g) for g in groups]
    return [r for r in resources if scim_filter is None or scim_filter.match(r)]


# -- group -> workspace role mappings -----------------------------------------------------------


def desired_roles(db: Session, user_id: str) -> dict[str, Role]:
    """The highest mapped role per workspace over the groups the user is in."""
    rows = db.execute(
        select(ScimGroupMapping.workspace_id, ScimGroupMapping.role)
        .join(ScimGroup, ScimGroup.display_key == ScimGroupMapping.group_key)
        .join(ScimGroupMember, ScimGroupMember.group_id == ScimGroup.id)
        .where(ScimGroupMember.user_id == user_id)
    ).all()
    roles: dict[str, Role] = {}
    for workspace_id, role in rows:
        if workspace_id not in roles or Role(role).allows(roles[workspace_id]):
            roles[workspace_id] = Role(role)
    return roles


def sync_roles(ctx: Context, user_ids: list[str]) -> list[tuple[str, str, str | None, str | None]]:
    """Bring the memberships of `user_ids` in line with the mappings; the changes made, as
    (user, workspace, role before, role after)."""
    changes: list[tuple[str, str, str | None, str | None]] = []
    for user_id in user_ids:
        wanted = desired_roles(ctx.db, user_id)
        grants = {g.workspace_id: g for g in ctx.db.scalars(select(ScimRoleGrant).where(ScimRoleGrant.user_id == user_id))}
        for workspace_id, role in wanted.items():
            membership = ctx.db.get(Membership, (workspace_id, user_id))
            if membership is None:
                ctx.db.add(Membership(workspace_id=workspace_id, user_id=user_id, role=role.value))
                changes.append((user_id, workspace_id, None, role.value))
                if workspace_id not in grants:
                    ctx.db.add(ScimRoleGrant(user_id=user_id, workspace_id=workspace_id))
            elif membership.role != role.value:
                changes.append((user_id, workspace_id, membership.role, role.value))
                membership.role = role.value
        for workspace_id, grant in grants.items():
            if workspace_id in wanted:
                continue
            membership = ctx.db.get(Membership, (workspace_id, user_id))
            if membership is not None:
                changes.append((user_id, workspace_id, membership.role, None))
                ctx.db.delete(membership)
            ctx.db.delete(grant)
        ctx.db.flush()
    return changes


def mapped_user_ids(db: Session, group_key: str) -> list[str]:
    return list(db.scalars(
        select(ScimGroupMember.user_id).join(ScimGroup, ScimGroup.id == ScimGroupMember.group_id)
        .where(ScimGroup.display_key == group_key)
    ).all())


def granted_user_ids(db: Session, workspace_id: str) -> list[str]:
    return list(db.scalars(select(ScimRoleGrant.user_id).where(ScimRoleGrant.workspace_id == workspace_id)).all())

