"""Members and invitations: roles, role changes, leaving, removing, and the rule that a workspace
always keeps an administrator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from lowcraft.audit.models import AuditEvent
from tests.accounts.support import count, signup
from tests.conftest import Api, Instance


@dataclass
class Team:
    workspace: str
    admin: Api
    members: dict[str, Api]  # email -> logged-in client
    ids: dict[str, str]  # email -> user id

    def url(self, suffix: str = "") -> str:
        return f"/api/v1/workspaces/{self.workspace}{suffix}"

    def roles(self) -> dict[str, str]:
        return {m["email"]: m["role"] for m in self.admin.ok("GET", self.url("/members"))["members"]}


def _new_user(instance: Instance, email: str, name: str = "") -> Api:
    client = instance.anonymous()
    assert signup(client, email, name=name).status_code == 201
    return client


@pytest.fixture
def team(instance: Instance) -> Team:
    """Workspace "Team": lead (administrator), dev (developer), viewer (App Viewer); root is the
    instance administrator and not a member."""
    members = {"root@example.com": _new_user(instance, "root@example.com")}
    lead = members["lead@example.com"] = _new_user(instance, "lead@example.com", "Lea Lead")
    workspace = lead.ok("POST", "/api/v1/workspaces", 201, json={"name": "Team"})["id"]
    for email, role in (("dev@example.com", "developer"), ("viewer@example.com", "viewer")):
        members[email] = _new_user(instance, email)
        lead.ok("POST", f"/api/v1/workspaces/{workspace}/invites", 201, json={"email": email, "role": role})
    listed = lead.ok("GET", f"/api/v1/workspaces/{workspace}/members")["members"]
    return Team(workspace, lead, members, {m["email"]: m["id"] for m in listed})


def test_members_are_listed_with_their_role(team: Team) -> None:
    listed = team.members["viewer@example.com"].ok("GET", team.url("/members"))["members"]
    assert [(m["email"], m["name"], m["role"]) for m in listed] == [
        ("dev@example.com", "dev", "developer"),
        ("lead@example.com", "Lea Lead", "administrator"),
        ("viewer@example.com", "viewer", "viewer"),
    ]
    assert all("password" not in str(m).lower() for m in listed)


def test_a_role_change_takes_effect_at_once(team: Team) -> None:
    viewer = team.members["viewer@example.com"]
    assert viewer.post(team.url("/applications"), json={"name": "Try"}).status_code == 403
    changed = team.admin.ok("PATCH", team.url(f"/members/{team.ids['viewer@example.com']}"), json={"role": "developer"})
    assert (changed["email"], changed["role"]) == ("viewer@example.com", "developer")
    viewer.ok("POST", team.url("/applications"), 201, json={"name": "Try"})
    team.admin.ok("PATCH", team.url(f"/members/{team.ids['viewer@example.com']}"), json={"role": "administrator"})
    viewer.ok("PATCH", team.url(), json={"name": "Renamed by the new administrator"})


def test_invalid_role_changes_are_refused_and_change_nothing(team: Team) -> None:
    before = team.roles(), count_events(team)
    cases: list[tuple[str, Any, int]] = [
        (team.ids["dev@example.com"], {"role": "owner"}, 422),
        (team.ids["dev@example.com"], {"role": "Developer "}, 422),
        (team.ids["dev@example.com"], {}, 422),
        ("no-such-user", {"role": "viewer"}, 404),
    ]
    for user_id, body, status in cases:
        response = team.admin.patch(team.url(f"/members/{user_id}"), json=body)
        assert response.status_code == status, body
        assert response.json()["error"]["message"]
    assert (team.roles(), count_events(team)) == before


def count_events(team: Team) -> int:
    return len(team.admin.ok("GET", team.url("/audit-log"), params={"perPage": 500})["events"])


LAST_ADMINISTRATOR_CASES = [
    ("the administrator demotes themself", "lead@example.com", "PATCH", "lead@example.com", {"role": "developer"}),
    ("the administrator leaves", "lead@example.com", "DELETE", "lead@example.com", None),
    ("the instance administrator demotes them", "root@example.com", "PATCH", "lead@example.com", {"role": "viewer"}),
    ("the instance administrator removes them", "root@example.com", "DELETE", "lead@example.com", None),
]


def test_the_last_administrator_cannot_be_removed_or_demoted(instance: Instance, team: Team) -> None:
    before = team.roles(), count(instance, AuditEvent)
    for case, who, method, target, body in LAST_ADMINISTRATOR_CASES:
        response = team.members[who].request(method, team.url(f"/members/{team.ids[target]}"), json=body)
        assert response.status_code == 409, case
        assert response.json()["error"]["code"] == "last_administrator", case
        assert (team.roles(), count(instance, AuditEvent)) == before, case


def test_with_a_second_administrator_the_first_may_step_down_and_leave(team: Team) -> None:
    lead = team.admin
    lead.ok("PATCH", team.url(f"/members/{team.ids['dev@example.com']}"), json={"role": "administrator"})
    lead.ok("PATCH", team.url(f"/members/{team.ids['lead@example.com']}"), json={"role": "viewer"})
    lead.ok("DELETE", team.url(f"/members/{team.ids['lead@example.com']}"), 204)
    assert lead.get(team.url()).status_code == 404
    assert team.members["dev@example.com"].ok("GET", team.url())["role"] == "administrator"


def test_any_member_may_leave_a_workspace(team: Team) -> None:
    viewer = team.members["viewer@example.com"]
    viewer.ok("DELETE", team.url(f"/members/{team.ids['viewer@example.com']}"), 204)
    assert team.workspace not in [w["id"] for w in viewer.ok("GET", "/api/v1/workspaces")["workspaces"]]
    assert viewer.get(team.url()).status_code == 404
    assert "viewer@example.com" not in team.roles()


def test_an_administrator_removes_a_member_who_then_loses_access(team: Team) -> None:
    team.admin.ok("DELETE", team.url(f"/members/{team.ids['dev@example.com']}"), 204)
    dev = team.members["dev@example.com"]
    assert dev.get(team.url("/applications")).status_code == 404
    assert team.roles() == {"lead@example.com": "administrator", "viewer@example.com": "viewer"}
    assert team.admin.delete(team.url(f"/members/{team.ids['dev@example.com']}")).status_code == 404


def test_inviting_an_existing_user_adds_them_at_once(instance: Instance, team: Team) -> None:
    _new_user(instance, "carol@example.com")
    result = team.admin.ok("POST", team.url("/invites"), 201, json={"email": "Carol@Example.com", "role": "developer"})
    assert result["status"] == "added"
    assert (result["member"]["email"], result["member"]["role"]) == ("carol@example.com", "developer")
    assert team.roles()["carol@example.com"] == "developer"
    assert team.admin.ok("GET", team.url("/invites"))["invites"] == []


def test_inviting_a_member_again_is_a_conflict_that_keeps_their_role(team: Team) -> None:
    response = team.admin.post(team.url("/invites"), json={"email": "dev@example.com", "role": "administrator"})
    assert response.status_code == 409 and response.json()["error"]["code"] == "already_member"
    assert team.roles()["dev@example.com"] == "developer"


def test_inviting_a_new_email_creates_a_pending_invite_that_signup_accepts(
    instance: Instance, team: Team, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="lowcraft")
    result = team.admin.ok("POST", team.url("/invites"), 201, json={"email": "new@example.com", "role": "viewer"})
    assert result["status"] == "invited"
    again = team.admin.ok("POST", team.url("/invites"), 201, json={"email": "NEW@example.com", "role": "developer"})
    assert again["invite"]["id"] == result["invite"]["id"], "inviting again updates the role"
    pending = team.admin.ok("GET", team.url("/invites"))["invites"]
    assert [(i["email"], i["role"]) for i in pending] == [("new@example.com", "developer")]
    assert "new@example.com" not in team.roles()
    mails = [r.getMessage() for r in caplog.records if r.name == "lowcraft.mail"]
    assert len(mails) == 2 and "You are invited to Team" in mails[-1]

    newcomer = instance.anonymous()
    assert signup(newcomer, "new@example.com").status_code == 201

    assert team.roles()["new@example.com"] == "developer"
    assert team.admin.ok("GET", team.url("/invites"))["invites"] == []
    assert [w["id"] for w in newcomer.ok("GET", "/api/v1/workspaces")["workspaces"]] == [team.workspace]


def test_a_cancelled_invite_grants_nothing(instance: Instance, team: Team) -> None:
    invite = team.admin.ok("POST", team.url("/invites"), 201, json={"email": "new@example.com", "role": "developer"})
    team.admin.ok("DELETE", team.url(f"/invites/{invite['invite']['id']}"), 204)
    assert team.admin.ok("GET", team.url("/invites"))["invites"] == []
    assert team.admin.delete(team.url(f"/invites/{invite['invite']['id']}")).status_code == 404

    signup(instance.anonymous(), "new@example.com")
    assert "new@example.com" not in team.roles()


def test_invalid_invites_are_refused_and_change_nothing(team: Team) -> None:
    before = team.roles(), count_events(team)
    for body in (
        {"email": "not-an-email", "role": "viewer"},
        {"email": "a@b@example.com", "role": "viewer"},
        {"email": "new@example.com", "role": "owner"},
        {"email": "new@example.com"},
        {"email": "new@example.com", "role": "viewer", "message": "hi"},
    ):
        response = team.admin.post(team.url("/invites"), json=body)
        assert response.status_code == 422, body
    assert team.admin.ok("GET", team.url("/invites"))["invites"] == []
    assert (team.roles(), count_events(team)) == before
