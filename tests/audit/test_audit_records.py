"""Every state-changing call leaves an audit event naming actor, action, target, client address
and a summary of the change - and no event ever holds a password or token."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import inspect

from lowcraft.audit.handler import record
from lowcraft.audit.models import AuditEvent
from lowcraft.context import Context
from tests.accounts.support import audit_rows, client_at, count, runtime_of, session_token
from tests.conftest import CSRF, PASSWORD, Api, Instance, sign_up

OFFICE = "203.0.113.10"
HOME = "198.51.100.20"


@dataclass
class Scene:
    """Ada (instance administrator) and Bob, each in a browser at a known address, one workspace."""

    instance: Instance
    ada: Api
    bob: Api
    workspace: str
    ids: dict[str, str] = field(default_factory=dict)

    def url(self, suffix: str = "") -> str:
        return f"/api/v1/workspaces/{self.workspace}{suffix}"


@pytest.fixture
def scene(instance: Instance) -> Scene:
    ada = client_at(instance, OFFICE)
    ada.ok("POST", "/api/v1/auth/signup", 201, json={"email": "ada@example.com", "password": PASSWORD, "name": "Ada"})
    bob = client_at(instance, HOME)
    assert sign_up(bob, "bob@example.com", name="Bob").status_code == 201
    workspace = ada.ok("POST", "/api/v1/workspaces", 201, json={"name": "Team"})["id"]
    ids = {"ada": ada.ok("GET", "/api/v1/me")["id"], "bob": bob.ok("GET", "/api/v1/me")["id"]}
    return Scene(instance, ada, bob, workspace, ids)


# (what the user does, the event the workspace's audit log then shows first)
Step = tuple[str, Callable[[Scene], Any], dict[str, Any]]

WORKSPACE_STEPS: list[Step] = [
    ("rename the workspace",
     lambda s: s.ada.ok("PATCH", s.url(), json={"name": "Core team"}),
     {"action": "workspace.renamed", "actor": "ada", "target": ("workspace", "{workspace}", "Core team"),
      "summary": {"before": "Team", "after": "Core team"}}),
    ("invite an existing user",
     lambda s: s.ada.ok("POST", s.url("/invites"), 201, json={"email": "bob@example.com", "role": "viewer"}),
     {"action": "member.added", "actor": "ada", "target": ("user", "{bob}", "bob@example.com"),
      "summary": {"email": "bob@example.com", "role": "viewer"}}),
    ("change a member's role",
     lambda s: s.ada.ok("PATCH", s.url(f"/members/{s.ids['bob']}"), json={"role": "administrator"}),
     {"action": "member.role_changed", "actor": "ada", "target": ("user", "{bob}", "bob@example.com"),
      "summary": {"before": "viewer", "after": "administrator"}}),
    ("invite a new email",
     lambda s: s.ids.update(invite=s.bob.ok("POST", s.url("/invites"), 201, json={"email": "new@example.com", "role": "developer"})["invite"]["id"]),
     {"action": "member.invited", "actor": "bob", "target": ("invite", "{invite}", "new@example.com"),
      "summary": {"email": "new@example.com", "role": "developer"}}),
    ("cancel the invitation",
     lambda s: s.bob.ok("DELETE", s.url(f"/invites/{s.ids['invite']}"), 204),
     {"action": "member.invite_cancelled", "actor": "bob", "target": ("invite", "{invite}", "new@example.com"),
      "summary": {}}),
    ("create an application",
     lambda s: s.ids.update(app=s.bob.ok("POST", s.url("/applications"), 201, json={"name": "Orders"})["id"]),
     {"action": "application.created", "actor": "bob", "target": ("application", "{app}", "Orders"), "summary": {}}),
    ("remove a member",
     lambda s: s.bob.ok("DELETE", s.url(f"/members/{s.ids['ada']}"), 204),
     {"action": "member.removed", "actor": "bob", "target": ("user", "{ada}", "ada@example.com"), "summary": {}}),
]


def test_workspace_changes_appear_in_its_audit_log_with_actor_target_address_and_summary(scene: Scene) -> None:
    addresses = {"ada": OFFICE, "bob": HOME}
    emails = {"ada": "ada@example.com", "bob": "bob@example.com"}
    [opening] = scene.ada.ok("GET", scene.url("/audit-log"))["events"]
    assert (opening["action"], opening["target"]["name"], opening["actor"]["email"]) == ("workspace.created", "Team", "ada@example.com")
    for what, act, expected in WORKSPACE_STEPS:
        act(scene)
        newest = scene.ada.ok("GET", scene.url("/audit-log"), params={"perPage": 1})["events"][0]
        kind, target_id, name = expected["target"]
        assert {k: newest[k] for k in ("action", "actor", "target", "clientAddress", "summary")} == {
            "action": expected["action"],
            "actor": {"id": scene.ids[expected["actor"]], "email": emails[expected["actor"]]},
            "target": {"type": kind, "id": target_id.format(workspace=scene.workspace, **scene.ids), "name": name},
            "clientAddress": addresses[expected["actor"]],
            "summary": expected["summary"],
        }, what
        assert newest["time"].endswith("+00:00")


def test_deleting_a_workspace_is_recorded_instance_wide(scene: Scene) -> None:
    scene.ada.ok("DELETE", scene.url(), 204)
    [event] = audit_rows(scene.instance, AuditEvent.action == "workspace.deleted")
    assert (event.workspace_id, event.target_id, event.target_name, event.actor_email, event.client_address) == (
        None, scene.workspace, "Team", "ada@example.com", OFFICE,
    )


# (what the user does, the account-level event it records: action, target type, target name)
ACCOUNT_STEPS: list[tuple[str, Callable[[Scene], Any], tuple[str, str, str]]] = [
    ("log in", lambda s: s.bob.ok("POST", "/api/v1/auth/login", json={"email": "bob@example.com", "password": PASSWORD}),
     ("user.logged_in", "user", "bob@example.com")),
    ("rename oneself", lambda s: s.bob.ok("PATCH", "/api/v1/me", json={"name": "Robert"}),
     ("user.updated", "user", "bob@example.com")),
    ("create a token", lambda s: s.ids.update(token=s.bob.ok("POST", "/api/v1/me/tokens", 201, json={"name": "ci"})["id"]),
     ("token.created", "api_token", "ci")),
    ("revoke it", lambda s: s.bob.ok("DELETE", f"/api/v1/me/tokens/{s.ids['token']}", 204),
     ("token.revoked", "api_token", "ci")),
    ("change the password",
     lambda s: s.bob.ok("POST", "/api/v1/me/password", 204, json={"currentPassword": PASSWORD, "newPassword": "bobs-new-secret-1"}),
     ("user.password_changed", "user", "bob@example.com")),
    ("log out", lambda s: s.bob.ok("POST", "/api/v1/auth/logout", 204), ("user.logged_out", "user", "bob@example.com")),
]


def test_account_changes_are_recorded_with_actor_and_address(scene: Scene) -> None:
    for what, act, (action, target_type, target_name) in ACCOUNT_STEPS:
        act(scene)
        newest = audit_rows(scene.instance)[-1]
        assert (newest.action, newest.target_type, newest.target_name) == (action, target_type, target_name), what
        assert (newest.actor_id, newest.actor_email, newest.client_address) == (scene.ids["bob"], "bob@example.com", HOME), what
        assert newest.workspace_id is None, "account events belong to no workspace's log"
    assert audit_rows(scene.instance, AuditEvent.action == "user.updated")[0].summary == {"name": "Robert"}


def test_refused_calls_record_nothing(scene: Scene) -> None:
    before = count(scene.instance, AuditEvent)
    outsider = client_at(scene.instance, HOME)
    refused = [
        scene.bob.patch(scene.url(), json={"name": "Hijacked"}),  # not a member
        outsider.post("/api/v1/workspaces", json={"name": "Anonymous"}),
        scene.ada.patch(scene.url(f"/members/{scene.ids['ada']}"), json={"role": "viewer"}),  # last administrator
        scene.ada.post("/api/v1/workspaces", json={"name": ""}),
        scene.ada.post("/api/v1/me/password", json={"currentPassword": "wrong-password-1", "newPassword": "whatever-123"}),
    ]
    assert all(400 <= r.status_code < 500 for r in refused), [r.status_code for r in refused]
    assert count(scene.instance, AuditEvent) == before
    # A refused sign-in is the exception: it is the failure itself that is recorded (and only it).
    wrong = outsider.post("/api/v1/auth/login", json={"email": "ada@example.com", "password": "wrong-password-1"})
    assert wrong.status_code == 401
    assert [e.action for e in audit_rows(scene.instance)][before:] == ["user.sign_in_failed"]


def test_no_password_or_token_ever_reaches_the_audit_log(scene: Scene, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="lowcraft")
    instance = scene.instance
    secrets = [PASSWORD, session_token(scene.ada), session_token(scene.bob)]
    new_password, reset_password = "ada-changed-secret-7", "ada-reset-secret-8"
    scene.ada.ok("POST", "/api/v1/me/password", 204, json={"currentPassword": PASSWORD, "newPassword": new_password})
    token = scene.ada.ok("POST", "/api/v1/me/tokens", 201, json={"name": "deploy"})["token"]
    script = Api(instance.app, headers={"Authorization": f"Bearer {token}"})
    script.ok("PATCH", scene.url(), json={"name": "Renamed by script"})
    script.ok("POST", scene.url("/invites"), 201, json={"email": "new@example.com", "role": "viewer"})
    anonymous = instance.anonymous()
    anonymous.ok("POST", "/api/v1/auth/password-reset", 202, json={"email": "ada@example.com"})
    reset_token = next(
        m.group(1) for r in caplog.records if (m := re.search(r"token=([\w-]+)", r.getMessage()))
    )
    anonymous.ok("POST", "/api/v1/auth/password-reset/confirm", json={"token": reset_token, "password": reset_password})
    fresh = instance.client()
    fresh.ok("POST", "/api/v1/auth/login", json={"email": "ada@example.com", "password": reset_password})
    secrets += [new_password, reset_password, token, reset_token, session_token(anonymous), session_token(fresh)]

    rows = audit_rows(instance)
    assert {r.action for r in rows} >= {
        "user.password_changed", "token.created", "user.password_reset_requested", "user.password_reset",
        "user.logged_in", "workspace.renamed", "member.invited",
    }
    stored = repr([{c.key: getattr(r, c.key) for c in inspect(AuditEvent).mapper.column_attrs} for r in rows])
    shown = fresh.get(scene.url("/audit-log"), params={"perPage": 500}).text
    for secret in secrets:
        assert secret not in stored
        assert secret not in shown
    assert any(r.actor_email == "ada@example.com" and r.action == "workspace.renamed" for r in rows), "token calls name their user"


def test_a_summary_never_stores_values_under_secret_looking_keys(instance: Instance) -> None:
    """The last line of defence when a service passes more than it should."""
    runtime = runtime_of(instance)
    with runtime.db.session() as db:
        record(
            Context(runtime=runtime, db=db, client_address="cli"), "datasource.updated", "datasource", None, "Orders DB",
            summary={"host": "db.internal", "password": "hunter2-secret", "apiToken": "tok-secret",
                     "nested": {"privateKey": "key-secret", "port": 5432}, "headers": [{"clientSecret": "cs-secret"}]},
        )
    [row] = audit_rows(instance, AuditEvent.action == "datasource.updated")
    assert row.summary == {"host": "db.internal", "password": "***", "apiToken": "***",
                           "nested": {"privateKey": "***", "port": 5432}, "headers": [{"clientSecret": "***"}]}


def test_the_audit_log_is_for_workspace_administrators(scene: Scene) -> None:
    scene.ada.ok("POST", scene.url("/invites"), 201, json={"email": "bob@example.com", "role": "developer"})
    assert scene.bob.get(scene.url("/audit-log")).status_code == 403
    headers_only = Api(scene.instance.app, headers=CSRF)
    assert headers_only.get(scene.url("/audit-log")).status_code == 401
