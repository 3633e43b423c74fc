"""A workflow's webhook: a secret token shown once and stored hashed; rotate and revoke; a
wrong token, an oversized body, a replayed delivery id are refused and start nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from lowcraft.app import create_app
from lowcraft.audit.models import AuditEvent
from lowcraft.config import Settings
from lowcraft.identity.secrets import token_hash
from lowcraft.triggers.models import WorkflowWebhook
from tests.conftest import Api, Instance
from tests.triggers.support import app_with_workflow, run_count, runs_of


@pytest.fixture
def small(settings_factory: Callable[..., Settings]) -> Iterator[Instance]:
    """An instance whose webhooks accept at most 1 KB."""
    app = create_app(settings_factory(workflow_webhook_max_kb=1), migrate=False)
    with TestClient(app) as main:
        yield Instance(app, app.state.runtime.settings, main)


def hook(client: TestClient, workflow: str, token: str | None, **kwargs: object) -> object:
    headers = dict(kwargs.pop("headers", {}) or {})  # type: ignore[arg-type]
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return client.post(f"/api/v1/hooks/workflows/{workflow}", headers=headers, **kwargs)  # type: ignore[arg-type]


def test_the_token_is_shown_once_and_stored_hashed(small: Instance) -> None:
    admin = small.user("admin@example.com")
    flow = app_with_workflow(admin)
    made = admin.ok("POST", f"/api/v1/workflows/{flow.workflow}/webhook", 201)
    token = made["token"]
    assert token.startswith("lcwh_") and made["url"].endswith(f"/api/v1/hooks/workflows/{flow.workflow}")
    triggers = admin.ok("GET", f"/api/v1/workflows/{flow.workflow}/triggers")
    assert "token" not in triggers["webhook"] and token not in str(triggers)
    with small.app.state.runtime.db.session() as db:
        stored = db.scalar(select(WorkflowWebhook))
        assert stored is not None and stored.token_hash == token_hash(token)
        events = list(db.scalars(select(AuditEvent).where(AuditEvent.action.like("workflow.webhook%"))))
        assert [e.action for e in events] == ["workflow.webhook_created"]
        assert token not in str([e.summary for e in events])


def test_a_call_with_the_token_starts_one_run_with_the_body(small: Instance) -> None:
    admin = small.user("admin@example.com")
    flow = app_with_workflow(admin)
    token = admin.ok("POST", f"/api/v1/workflows/{flow.workflow}/webhook", 201)["token"]
    caller = TestClient(small.app)  # no cookie, no CSRF header: the token is the credential
    response = hook(caller, flow.workflow, token, json={"customer": 7})
    assert response.status_code == 202, response.text  # type: ignore[attr-defined]
    [run] = runs_of(small, flow.workflow)
    assert run.id == response.json()["runId"] and run.input == {"customer": 7}  # type: ignore[attr-defined]
    assert (run.trigger, run.mode, run.started_by) == ("webhook", "view", None)


def test_wrong_token_oversized_body_and_replays_start_nothing(small: Instance) -> None:
    admin = small.user("admin@example.com")
    flow = app_with_workflow(admin)
    other = app_with_workflow(admin, name="Other")
    token = admin.ok("POST", f"/api/v1/workflows/{flow.workflow}/webhook", 201)["token"]
    other_token = admin.ok("POST", f"/api/v1/workflows/{other.workflow}/webhook", 201)["token"]
    caller = TestClient(small.app)
    # Without a bearer token the edge refuses the call as it does any cookie-less API write (403).
    assert hook(caller, flow.workflow, None, json={}).status_code == 403  # type: ignore[attr-defined]
    refused = {
        "no token": hook(caller, flow.workflow, None, json={}, headers={"X-Requested-By": "lowcraft"}),
        "wrong token": hook(caller, flow.workflow, token + "x", json={}),
        "another workflow's token": hook(caller, flow.workflow, other_token, json={}),
        "token in another header": caller.post(f"/api/v1/hooks/workflows/{flow.workflow}", json={},
                                               headers={"X-Requested-By": "lowcraft", "X-Token": token}),
        "unknown workflow": hook(caller, "0" * 32, token, json={}),
    }
    for why, response in refused.items():
        assert response.status_code == 401, why  # type: ignore[attr-defined]
        assert response.json()["error"]["code"] == "webhook_refused", why  # type: ignore[attr-defined]
    big = hook(caller, flow.workflow, token, content=b'{"x": "' + b"a" * 2000 + b'"}', headers={"Content-Type": "application/json"})
    assert big.status_code == 413 and big.json()["error"]["code"] == "webhook_too_large"  # type: ignore[attr-defined]
    # Without a Content-Length (a chunked body), the size is counted while reading.
    chunked = hook(caller, flow.workflow, token, content=iter([b'{"x": "', b"a" * 900, b"a" * 900, b'"}']))
    assert chunked.status_code == 413  # type: ignore[attr-defined]
    not_json = hook(caller, flow.workflow, token, content=b"<xml/>")
    assert not_json.status_code == 422  # type: ignore[attr-defined]
    assert run_count(small) == 0

    first = hook(caller, flow.workflow, token, json={"n": 1}, headers={"Idempotency-Key": "delivery-1"})
    assert first.status_code == 202  # type: ignore[attr-defined]
    again = hook(caller, flow.workflow, token, json={"n": 2}, headers={"Idempotency-Key": "delivery-1"})
    same_by_other_header = hook(caller, flow.workflow, token, json={"n": 3}, headers={"X-Lowcraft-Delivery": "delivery-1"})
    for response in (again, same_by_other_header):
        assert response.status_code == 409 and response.json()["error"]["code"] == "webhook_replayed"  # type: ignore[attr-defined]
    # Another workflow may see the same id; this workflow a new one.
    assert hook(caller, other.workflow, other_token, json={}, headers={"Idempotency-Key": "delivery-1"}).status_code == 202  # type: ignore[attr-defined]
    assert hook(caller, flow.workflow, token, json={}, headers={"Idempotency-Key": "delivery-2"}).status_code == 202  # type: ignore[attr-defined]
    assert sorted(str(r.input) for r in runs_of(small, flow.workflow)) == ["{'n': 1}", "{}"]


def test_rotating_and_revoking_stop_the_old_token(small: Instance) -> None:
    admin = small.user("admin@example.com")
    flow = app_with_workflow(admin)
    caller = TestClient(small.app)
    first = admin.ok("POST", f"/api/v1/workflows/{flow.workflow}/webhook", 201)["token"]
    second = admin.ok("POST", f"/api/v1/workflows/{flow.workflow}/webhook", 201)["token"]
    assert hook(caller, flow.workflow, first, json={}).status_code == 401  # type: ignore[attr-defined]
    assert hook(caller, flow.workflow, second, json={}).status_code == 202  # type: ignore[attr-defined]
    admin.ok("DELETE", f"/api/v1/workflows/{flow.workflow}/webhook", 204)
    assert hook(caller, flow.workflow, second, json={}).status_code == 401  # type: ignore[attr-defined]
    assert admin.ok("GET", f"/api/v1/workflows/{flow.workflow}/triggers")["webhook"] is None
    assert len(runs_of(small, flow.workflow)) == 1


def test_only_developers_manage_webhooks(instance: Instance, admin: Api) -> None:
    flow = app_with_workflow(admin)
    ws = admin.ok("GET", "/api/v1/workspaces")["workspaces"][0]["id"]
    viewer = instance.user("viewer@example.com")
    admin.ok("POST", f"/api/v1/workspaces/{ws}/invites", 201, json={"email": "viewer@example.com", "role": "viewer"})
    outsider = instance.user("outsider@example.com")
    assert viewer.post(f"/api/v1/workflows/{flow.workflow}/webhook").status_code == 403
    assert outsider.post(f"/api/v1/workflows/{flow.workflow}/webhook").status_code == 404
    # A JS object that is not a workflow has no triggers.
    plain = admin.ok("POST", f"/api/v1/applications/{flow.app}/js-objects", 201,
                     json={"pageId": flow.page, "name": "Utils", "body": "export default { f() { return 1 } }"})["id"]
    assert admin.post(f"/api/v1/workflows/{plain}/webhook").status_code == 404


def test_delivery_ids_are_forgotten_after_the_replay_window(small: Instance) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from lowcraft.app import housekeeping
    from lowcraft.store.types import utcnow
    from lowcraft.triggers.models import WebhookDelivery

    admin = small.user("admin@example.com")
    flow = app_with_workflow(admin)
    token = admin.ok("POST", f"/api/v1/workflows/{flow.workflow}/webhook", 201)["token"]
    caller = TestClient(small.app)
    assert hook(caller, flow.workflow, token, json={}, headers={"Idempotency-Key": "k"}).status_code == 202  # type: ignore[attr-defined]
    runtime = small.app.state.runtime
    with runtime.db.session() as db:  # the call was 25 hours ago
        db.execute(update(WebhookDelivery).values(received_at=utcnow() - timedelta(hours=25)))
    assert hook(caller, flow.workflow, token, json={}, headers={"Idempotency-Key": "k"}).status_code == 202  # type: ignore[attr-defined]
    with runtime.db.session() as db:
        db.execute(update(WebhookDelivery).values(received_at=utcnow() - timedelta(hours=25)))
    housekeeping(runtime)
    with runtime.db.session() as db:
        assert db.scalars(select(WebhookDelivery)).all() == []
