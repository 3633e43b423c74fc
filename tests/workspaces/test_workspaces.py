"""Workspaces: create, rename, delete, list; instance administrators see every workspace."""

from __future__ import annotations

from typing import Any

from lowcraft.appmodel.models import Application
from lowcraft.workspaces.models import Invite, Membership, Workspace
from tests.accounts.support import count
from tests.conftest import Api, Instance


def _names(client: Api) -> dict[str, str]:
    return {w["name"]: w["role"] for w in client.ok("GET", "/api/v1/workspaces")["workspaces"]}


def test_a_new_workspace_is_administered_by_its_creator(instance: Instance, admin: Api) -> None:
    bob = instance.user("bob@example.com", "Bob")
    created = bob.ok("POST", "/api/v1/workspaces", 201, json={"name": "  Finance tools  "})
    assert (created["name"], created["role"]) == ("Finance tools", "administrator")
    assert bob.ok("GET", f"/api/v1/workspaces/{created['id']}") == created
    assert _names(bob) == {"Bob's apps": "administrator", "Finance tools": "administrator"}
    members = bob.ok("GET", f"/api/v1/workspaces/{created['id']}/members")["members"]
    assert [(m["email"], m["role"]) for m in members] == [("bob@example.com", "administrator")]


def test_each_user_lists_only_their_own_workspaces(instance: Instance, admin: Api) -> None:
    bob, carol = instance.user("bob@example.com", "Bob"), instance.user("carol@example.com", "Carol")
    bob.ok("POST", "/api/v1/workspaces", 201, json={"name": "Bob's secret"})
    assert _names(carol) == {"Carol's apps": "administrator"}


def test_instance_administrators_see_every_workspace_and_administer_it(instance: Instance, admin: Api) -> None:
    bob = instance.user("bob@example.com", "Bob")
    secret = bob.ok("POST", "/api/v1/workspaces", 201, json={"name": "Bob's secret"})["id"]
    assert _names(admin) == {
        "Ada Admin's apps": "administrator", "Bob's apps": "administrator", "Bob's secret": "administrator",
    }
    admin.ok("PATCH", f"/api/v1/workspaces/{secret}", json={"name": "Audited"})
    assert [m["email"] for m in admin.ok("GET", f"/api/v1/workspaces/{secret}/members")["members"]] == ["bob@example.com"]
    assert "Audited" in _names(bob)


def test_renaming_changes_the_name_for_every_member(instance: Instance, admin: Api) -> None:
    workspace = admin.ok("POST", "/api/v1/workspaces", 201, json={"name": "Ops"})["id"]
    admin.ok("POST", f"/api/v1/workspaces/{workspace}/invites", 201, json={"email": "bob@example.com", "role": "viewer"})
    bob = instance.user("bob@example.com", "Bob")
    renamed = admin.ok("PATCH", f"/api/v1/workspaces/{workspace}", json={"name": "Operations"})
    assert renamed["name"] == "Operations"
    assert _names(bob)["Operations"] == "viewer"


def test_invalid_names_are_refused_and_change_nothing(instance: Instance, admin: Api) -> None:
    workspace = admin.ok("POST", "/api/v1/workspaces", 201, json={"name": "Ops"})["id"]
    before = count(instance, Workspace)
    bodies: list[dict[str, Any]] = [
        {"name": ""}, {"name": "   "}, {"name": "x" * 101}, {"name": "nul\x00"}, {}, {"name": 7}, {"name": "Ok", "color": "red"},
    ]
    for body in bodies:
        created = admin.post("/api/v1/workspaces", json=body)
        renamed = admin.patch(f"/api/v1/workspaces/{workspace}", json=body)
        assert (created.status_code, renamed.status_code) == (422, 422), body
        assert created.json()["error"]["message"] and renamed.json()["error"]["message"]
    assert count(instance, Workspace) == before
    assert admin.ok("GET", f"/api/v1/workspaces/{workspace}")["name"] == "Ops"


def test_deleting_a_workspace_removes_it_with_its_members_invites_and_applications(instance: Instance, admin: Api) -> None:
    workspace = admin.ok("POST", "/api/v1/workspaces", 201, json={"name": "Doomed"})["id"]
    bob = instance.user("bob@example.com", "Bob")
    admin.ok("POST", f"/api/v1/workspaces/{workspace}/invites", 201, json={"email": "bob@example.com", "role": "developer"})
    admin.ok("POST", f"/api/v1/workspaces/{workspace}/invites", 201, json={"email": "new@example.com", "role": "viewer"})
    bob.ok("POST", f"/api/v1/workspaces/{workspace}/applications", 201, json={"name": "Orders"})

    admin.ok("DELETE", f"/api/v1/workspaces/{workspace}", 204)

    assert admin.get(f"/api/v1/workspaces/{workspace}").status_code == 404
    assert "Doomed" not in _names(admin) and "Doomed" not in _names(bob)
    assert count(instance, Membership, Membership.workspace_id == workspace) == 0
    assert count(instance, Invite, Invite.workspace_id == workspace) == 0
    assert count(instance, Application, Application.workspace_id == workspace) == 0
    assert admin.delete(f"/api/v1/workspaces/{workspace}").status_code == 404


def test_an_unknown_workspace_is_404_for_every_verb(instance: Instance, admin: Api) -> None:
    for method, body in (("GET", None), ("PATCH", {"name": "x"}), ("DELETE", None)):
        response = admin.request(method, "/api/v1/workspaces/does-not-exist", json=body)
        assert response.status_code == 404, method
        assert response.json()["error"]["code"] == "not_found"
        malformed = admin.request(method, "/api/v1/workspaces/bad%00id", json=body)
        assert malformed.status_code == 400, method
        assert malformed.json()["error"]["message"]
