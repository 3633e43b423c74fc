"""SCIM provisioning as an identity provider and the people it manages see it: who may call,
errors in SCIM's shape, deactivation ending access at once, and groups mapped to workspace roles."""

from __future__ import annotations

from typing import Any

import pytest

from lowcraft.audit.models import AuditEvent
from lowcraft.identity.models import ApiToken, User
from tests.accounts.support import SESSION_COOKIE, audit_rows, count, login
from tests.conftest import Api, Instance, first_workspace

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


@pytest.fixture
def provider(instance: Instance, admin: Api) -> Api:
    """The identity provider: a client with a provisioning token the instance administrator made."""
    token = admin.ok("POST", "/api/v1/admin/scim/tokens", 201, json={"name": "Okta"})["token"]
    return instance.client(Authorization=f"Bearer {token}")


def new_user(provider: Api, user_name: str, email: str | None = None, **extra: Any) -> dict[str, Any]:
    body = {"schemas": [USER], "userName": user_name, "name": {"givenName": "Grace", "familyName": "Hopper"}, **extra}
    if email:
        body["emails"] = [{"value": email, "primary": True, "type": "work"}]
    return provider.ok("POST", "/scim/v2/Users", 201, json=body)  # type: ignore[no-any-return]


def new_group(provider: Api, name: str, *member_ids: str) -> dict[str, Any]:
    body = {"schemas": [GROUP], "displayName": name, "members": [{"value": m} for m in member_ids]}
    return provider.ok("POST", "/scim/v2/Groups", 201, json=body)  # type: ignore[no-any-return]


def patch(provider: Api, path: str, *operations: dict[str, Any]) -> Any:
    return provider.ok("PATCH", path, json={"schemas": [PATCH], "Operations": list(operations)})


def roles(admin: Api, workspace: str) -> dict[str, str]:
    return {m["email"]: m["role"] for m in admin.ok("GET", f"/api/v1/workspaces/{workspace}/members")["members"]}


def test_only_a_provisioning_token_opens_scim(instance: Instance, admin: Api, provider: Api) -> None:
    for client in (instance.anonymous(), admin, instance.client(Authorization="Bearer lcscim_made-up")):
        answer = client.get("/scim/v2/Users")
        assert answer.status_code == 401
        assert answer.json()["schemas"] == [ERROR] and answer.json()["status"] == "401"
        assert answer.headers["www-authenticate"].startswith("Bearer")
    assert provider.get("/scim/v2/Users").status_code == 200
    api_token = admin.ok("POST", "/api/v1/me/tokens", 201, json={"name": "mine"})["token"]
    assert instance.client(Authorization=f"Bearer {api_token}").get("/scim/v2/Users").status_code == 401


def test_tokens_are_shown_once_and_revocable(instance: Instance, admin: Api) -> None:
    created = admin.ok("POST", "/api/v1/admin/scim/tokens", 201, json={"name": "Entra ID"})
    assert created["token"].startswith("lcscim_") and created["scimUrl"].endswith("/scim/v2")
    listed = admin.ok("GET", "/api/v1/admin/scim/tokens")["tokens"]
    assert [t["name"] for t in listed] == ["Entra ID"] and "token" not in listed[0]
    idp = instance.client(Authorization=f"Bearer {created['token']}")
    assert idp.get("/scim/v2/ServiceProviderConfig").status_code == 200
    admin.ok("DELETE", f"/api/v1/admin/scim/tokens/{created['id']}", 204)
    assert idp.get("/scim/v2/ServiceProviderConfig").status_code == 401
    assert admin.ok("GET", "/api/v1/admin/scim/tokens")["tokens"] == []


def test_errors_come_in_scims_shape(provider: Api) -> None:
    missing = provider.get("/scim/v2/Users/nope")
    assert missing.status_code == 404 and missing.json()["schemas"] == [ERROR]
    assert missing.headers["content-type"].startswith("application/scim+json")
    new_user(provider, "grace")
    duplicate = provider.post("/scim/v2/Users", json={"schemas": [USER], "userName": "GRACE"})
    assert duplicate.status_code == 409 and duplicate.json()["scimType"] == "uniqueness"
    invalid = provider.post("/scim/v2/Users", json={"schemas": [USER], "userName": "x", "emails": "not-a-list"})
    assert invalid.status_code == 400 and invalid.json()["schemas"] == [ERROR]
    bad_filter = provider.get("/scim/v2/Users", params={"filter": 'userName eq "unterminated'})
    assert bad_filter.status_code == 400 and bad_filter.json()["scimType"] == "invalidFilter"
    assert provider.post("/scim/v2/ServiceProviderConfig", json={}).status_code == 405


def test_a_provisioned_user_is_an_account_found_by_user_name(instance: Instance, admin: Api, provider: Api) -> None:
    created = new_user(provider, "Grace.Hopper", "grace@example.com", displayName="Grace Hopper", externalId="00u1")
    assert created["displayName"] == "Grace Hopper" and created["meta"]["resourceType"] == "User"
    found = provider.ok("GET", "/scim/v2/Users", params={"filter": 'userName eq "grace.hopper"'})
    assert found["totalResults"] == 1 and found["Resources"][0]["id"] == created["id"]
    assert found["Resources"][0]["externalId"] == "00u1"
    none = provider.ok("GET", "/scim/v2/Users", params={"filter": 'userName eq "someone.else"'})
    assert none["totalResults"] == 0
    with instance.app.state.runtime.db.session() as db:
        account = db.get(User, created["id"])
        assert account is not None and (account.email, account.name, account.password_hash) == (
            "grace@example.com", "Grace Hopper", None)
    audit = [e.action for e in audit_rows(instance, AuditEvent.action.like("scim.%"))]
    assert "scim.user.created" in audit


def _signed_in_with_token(instance: Instance, admin: Api, email: str) -> tuple[Api, Api]:
    """A person with an account of their own (a session and an API token)."""
    person = instance.user(email)
    token = person.ok("POST", "/api/v1/me/tokens", 201, json={"name": "laptop"})["token"]
    return person, instance.client(Authorization=f"Bearer {token}")


def test_deactivating_a_user_ends_their_sessions_and_api_tokens_at_once(
    instance: Instance, admin: Api, provider: Api
) -> None:
    person, robot = _signed_in_with_token(instance, admin, "ann@example.com")
    assert person.get("/api/v1/me").status_code == 200 and robot.get("/api/v1/me").status_code == 200
    user = new_user(provider, "ann", "ann@example.com")  # the existing account comes under the provider's management
    assert user["id"] == person.get("/api/v1/me").json()["id"]

    patch(provider, f"/scim/v2/Users/{user['id']}", {"op": "replace", "value": {"active": False}})
    assert person.get("/api/v1/me").status_code == 401
    assert robot.get("/api/v1/me").status_code == 401
    assert count(instance, ApiToken, ApiToken.revoked_at.is_(None)) == 0
    assert login(instance.anonymous(), "ann@example.com").status_code == 401
    assert provider.ok("GET", f"/scim/v2/Users/{user['id']}")["active"] is False
    # The refused login above is audited too (every sign-in failure is).
    assert [e.action for e in audit_rows(instance, AuditEvent.target_id == user["id"])][-3:] == [
        "scim.user.deactivated", "scim.user.patched", "user.sign_in_failed"]


def test_deleting_a_user_deactivates_the_account_and_forgets_the_resource(
    instance: Instance, admin: Api, provider: Api
) -> None:
    person, robot = _signed_in_with_token(instance, admin, "ben@example.com")
    user = new_user(provider, "ben", "ben@example.com")
    provider.ok("DELETE", f"/scim/v2/Users/{user['id']}", 204)
    assert provider.get(f"/scim/v2/Users/{user['id']}").status_code == 404
    assert person.get("/api/v1/me").status_code == 401 and robot.get("/api/v1/me").status_code == 401
    again = new_user(provider, "ben", "ben@example.com")  # provisioned again: the same account, active
    assert again["id"] == user["id"]
    assert login(instance.anonymous(), "ben@example.com").status_code == 200


def test_an_instance_administrators_account_is_never_taken_over(provider: Api) -> None:
    refused = provider.post("/scim/v2/Users", json={"schemas": [USER], "userName": "root",
                                                    "emails": [{"value": "admin@example.com", "primary": True}]})
    assert refused.status_code == 409 and refused.json()["scimType"] == "uniqueness"


def test_groups_give_workspace_roles_through_mappings(instance: Instance, admin: Api, provider: Api) -> None:
    ws = first_workspace(admin)
    ann = new_user(provider, "ann", "ann@example.com")
    bob = new_user(provider, "bob", "bob@example.com")
    admin.ok("POST", "/api/v1/admin/scim/group-mappings", 201, json={"group": "Engineering", "workspaceId": ws, "role": "developer"})
    admin.ok("POST", "/api/v1/admin/scim/group-mappings", 201, json={"group": "Platform Admins", "workspaceId": ws, "role": "administrator"})

    engineering = new_group(provider, "engineering", ann["id"], bob["id"])  # names compare case-insensitively
    assert roles(admin, ws) == {"admin@example.com": "administrator", "ann@example.com": "developer",
                                     "bob@example.com": "developer"}
    new_group(provider, "Platform Admins", ann["id"])
    assert roles(admin, ws)["ann@example.com"] == "administrator", "the highest mapped role wins"

    patch(provider, f"/scim/v2/Groups/{engineering['id']}",
          {"op": "remove", "path": f'members[value eq "{bob["id"]}"]'})
    assert "bob@example.com" not in roles(admin, ws)
    member_events = [e.action for e in audit_rows(instance, AuditEvent.workspace_id == ws, AuditEvent.target_id == bob["id"])]
    assert member_events == ["member.joined", "member.removed"]

    mappings = admin.ok("GET", "/api/v1/admin/scim/group-mappings")["mappings"]
    admins_mapping = next(m for m in mappings if m["group"] == "Platform Admins")
    admin.ok("DELETE", f"/api/v1/admin/scim/group-mappings/{admins_mapping['id']}", 204)
    assert roles(admin, ws)["ann@example.com"] == "developer"
    provider.ok("DELETE", f"/scim/v2/Groups/{engineering['id']}", 204)
    assert "ann@example.com" not in roles(admin, ws)


def test_memberships_made_by_hand_survive_leaving_a_group(instance: Instance, admin: Api, provider: Api) -> None:
    ws = first_workspace(admin)
    admin.ok("POST", f"/api/v1/workspaces/{ws}/invites", 201, json={"email": "cat@example.com", "role": "viewer"})
    instance.user("cat@example.com")  # joins by invitation: a membership made by hand
    cat = new_user(provider, "cat", "cat@example.com")
    group = new_group(provider, "Reporting")
    admin.ok("POST", "/api/v1/admin/scim/group-mappings", 201, json={"group": "Reporting", "workspaceId": ws, "role": "developer"})
    patch(provider, f"/scim/v2/Groups/{group['id']}", {"op": "add", "path": "members", "value": [{"value": cat["id"]}]})
    assert roles(admin, ws)["cat@example.com"] == "developer"
    patch(provider, f"/scim/v2/Groups/{group['id']}", {"op": "remove", "path": "members"})
    assert roles(admin, ws)["cat@example.com"] == "developer", "still a member, with the role the mapping gave"


def test_only_instance_administrators_manage_provisioning(instance: Instance, admin: Api) -> None:
    bob = instance.user("bob@example.com")
    ws = first_workspace(admin)
    assert bob.post("/api/v1/admin/scim/tokens", json={"name": "x"}).status_code == 403
    assert bob.get("/api/v1/admin/scim/group-mappings").status_code == 403
    assert bob.post("/api/v1/admin/scim/group-mappings", json={"group": "g", "workspaceId": ws, "role": "viewer"}).status_code == 403
    unknown = admin.post("/api/v1/admin/scim/group-mappings", json={"group": "g", "workspaceId": "nope", "role": "viewer"})
    assert unknown.status_code == 404
    assert SESSION_COOKIE in admin.cookies
