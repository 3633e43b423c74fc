"""A workflow's webhook: a call with the token starts one run with its body; developers manage the
webhook; delivery ids are forgotten after the replay window. Wrong, rotated or revoked tokens,
oversized bodies and replays are attack classes: tests/security/test_webhooks.py."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Api, Instance
from tests.triggers.support import app_with_workflow, hook, runs_of


def test_a_call_with_the_token_starts_one_run_with_the_body(small: Instance) -> None:
    admin = small.user("admin@example.com")
    flow = app_with_workflow(admin)
    made = admin.ok("POST", f"/api/v1/workflows/{flow.workflow}/webhook", 201)
    assert made["token"].startswith("lcwh_") and made["url"].endswith(f"/api/v1/hooks/workflows/{flow.workflow}")
    caller = TestClient(small.app)  # no cookie, no CSRF header: the token is the credential
    response = hook(caller, flow.workflow, made["token"], json={"customer": 7})
    assert response.status_code == 202, response.text
    [run] = runs_of(small, flow.workflow)
    assert run.id == response.json()["runId"] and run.input == {"customer": 7}
    assert (run.trigger, run.mode, run.started_by) == ("webhook", "view", None)


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
    assert hook(caller, flow.workflow, token, json={}, headers={"Idempotency-Key": "k"}).status_code == 202
    runtime = small.app.state.runtime
    with runtime.db.session() as db:  # the call was 25 hours ago
        db.execute(update(WebhookDelivery).values(received_at=utcnow() - timedelta(hours=25)))
    assert hook(caller, flow.workflow, token, json={}, headers={"Idempotency-Key": "k"}).status_code == 202
    with runtime.db.session() as db:
        db.execute(update(WebhookDelivery).values(received_at=utcnow() - timedelta(hours=25)))
    housekeeping(runtime)
    with runtime.db.session() as db:
        assert db.scalars(select(WebhookDelivery)).all() == []
