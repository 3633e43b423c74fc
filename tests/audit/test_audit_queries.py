"""Reading a workspace's audit log: newest first, in pages, filtered by action, actor, target type
and time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from tests.conftest import PASSWORD, Api, Instance, sign_up


@dataclass
class History:
    admin: Api
    url: str
    events: list[dict[str, Any]]  # newest first, as the API lists them

    def query(self, **params: Any) -> dict[str, Any]:
        result: dict[str, Any] = self.admin.ok("GET", self.url, params=params)
        return result

    def actions(self, **params: Any) -> list[str]:
        return [e["action"] for e in self.query(perPage=500, **params)["events"]]


@pytest.fixture
def history(instance: Instance) -> History:
    """Ten events in one workspace, by Ada and Bob, on the workspace, members and invites."""
    ada = instance.anonymous()
    ada.ok("POST", "/api/v1/auth/signup", 201, json={"email": "ada@example.com", "password": PASSWORD})
    bob = instance.anonymous()
    assert sign_up(bob, "bob@example.com").status_code == 201
    workspace = ada.ok("POST", "/api/v1/workspaces", 201, json={"name": "Team 0"})["id"]  # 1 workspace.created
    url = f"/api/v1/workspaces/{workspace}"
    ada.ok("POST", f"{url}/invites", 201, json={"email": "bob@example.com", "role": "administrator"})  # 2 member.added
    for n in range(1, 4):  # 3-5 workspace.renamed (Bob)
        bob.ok("PATCH", url, json={"name": f"Team {n}"})
    for email in ("x@example.com", "y@example.com"):  # 6-7 member.invited (Ada)
        ada.ok("POST", f"{url}/invites", 201, json={"email": email, "role": "viewer"})
    bob_id = bob.ok("GET", "/api/v1/me")["id"]
    ada.ok("PATCH", f"{url}/members/{bob_id}", json={"role": "developer"})  # 8 member.role_changed
    ada.ok("PATCH", url, json={"name": "Team 4"})  # 9 workspace.renamed (Ada)
    bob.ok("DELETE", f"{url}/members/{bob_id}", 204)  # 10 member.removed (Bob leaves)
    other = ada.ok("POST", "/api/v1/workspaces", 201, json={"name": "Elsewhere"})["id"]
    ada.ok("PATCH", f"/api/v1/workspaces/{other}", json={"name": "Not in Team's log"})
    events = ada.ok("GET", f"{url}/audit-log", params={"perPage": 500})["events"]
    return History(ada, f"{url}/audit-log", events)


def test_the_log_lists_the_workspaces_events_newest_first(history: History) -> None:
    assert [e["action"] for e in history.events] == [
        "member.removed", "workspace.renamed", "member.role_changed", "member.invited", "member.invited",
        "workspace.renamed", "workspace.renamed", "workspace.renamed", "member.added", "workspace.created",
    ]
    times = [e["time"] for e in history.events]
    assert times == sorted(times, reverse=True)
    assert history.query()["total"] == 10


def test_pages_cover_every_event_once(history: History) -> None:
    pages = [history.query(page=page, perPage=3) for page in (1, 2, 3, 4, 5)]
    assert [len(p["events"]) for p in pages] == [3, 3, 3, 1, 0]
    assert all(p["total"] == 10 and p["perPage"] == 3 for p in pages)
    assert [e["id"] for p in pages for e in p["events"]] == [e["id"] for e in history.events]
    assert history.query()["perPage"] == 50, "the default page size"


FILTERS: list[tuple[dict[str, str], list[str]]] = [
    ({"action": "workspace.renamed"}, ["workspace.renamed"] * 4),
    ({"action": "member.invited"}, ["member.invited"] * 2),
    ({"action": "no.such.action"}, []),
    ({"actor": "bob@example.com"}, ["member.removed"] + ["workspace.renamed"] * 3),
    ({"actor": "BOB@Example.com"}, ["member.removed"] + ["workspace.renamed"] * 3),
    ({"actor": "nobody@example.com"}, []),
    ({"targetType": "invite"}, ["member.invited"] * 2),
    ({"targetType": "user"}, ["member.removed", "member.role_changed", "member.added"]),
    ({"action": "workspace.renamed", "actor": "ada@example.com"}, ["workspace.renamed"]),
    ({"targetType": "workspace", "actor": "bob@example.com"}, ["workspace.renamed"] * 3),
]


def test_filters_narrow_the_log(history: History) -> None:
    for params, expected in FILTERS:
        result = history.query(perPage=500, **params)
        assert [e["action"] for e in result["events"]] == expected, params
        assert result["total"] == len(expected), params


def _as(moment: str, form: str) -> str:
    """The same instant written as UTC with Z, with another offset, or without a zone (= UTC)."""
    parsed = datetime.fromisoformat(moment).astimezone(UTC)
    if form == "Z":
        return parsed.isoformat().replace("+00:00", "Z")
    if form == "+02:00":
        return parsed.astimezone(timezone(timedelta(hours=2))).isoformat()
    return parsed.replace(tzinfo=None).isoformat()


def test_since_and_until_select_a_time_window_whatever_the_zone_notation(history: History) -> None:
    chronological = list(reversed(history.events))
    third, seventh = chronological[2]["time"], chronological[6]["time"]
    for form in ("Z", "+02:00", "naive"):
        window = history.query(perPage=500, since=_as(third, form), until=_as(seventh, form))["events"]
        assert [e["id"] for e in window] == [e["id"] for e in reversed(chronological[2:6])], form
        assert len(history.query(perPage=500, since=_as(seventh, form))["events"]) == 4, form
        assert len(history.query(perPage=500, until=_as(third, form))["events"]) == 2, form


INVALID_QUERIES: list[tuple[dict[str, Any], int]] = [
    ({"page": 0}, 422),
    ({"perPage": 0}, 422),
    ({"perPage": 501}, 422),
    ({"page": "two"}, 422),
    ({"since": "yesterday"}, 422),
    ({"until": "2026-13-01"}, 422),
    ({"since": "0001-01-01T00:00:00+02:00"}, 422),  # before the first representable UTC time
    ({"until": "9999-12-31T23:59:59-02:00"}, 422),  # after the last
    ({"actor": "ada\x00@example.com"}, 400),
    ({"action": "workspace.renamed\x00"}, 400),
]


def test_invalid_queries_are_refused_with_a_message(history: History) -> None:
    for params, status in INVALID_QUERIES:
        response = history.admin.get(history.url, params=params)
        assert response.status_code == status, params
        assert response.json()["error"]["message"], params
