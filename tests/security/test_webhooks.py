"""Security, workflow webhooks (`POST /api/v1/hooks/workflows/{id}`): the one route an outside system
calls with no session, so its token is the whole credential.

- The token is shown once, stored as its SHA-256, never answered again, audited or logged.
- Only the workflow's live token, sent as a bearer token, starts a run: a missing, wrong,
  rotated or revoked token, another workflow's token, a token elsewhere in the request or an
  unknown workflow get the same 401, which echoes nothing.
- Bodies are capped while streaming (with or without a Content-Length); a delivery id seen within
  the replay window is refused. Every refusal starts nothing.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import inspect, select

from lowcraft.audit.models import AuditEvent
from lowcraft.identity.secrets import token_hash
from lowcraft.triggers.models import WorkflowWebhook
from tests.conftest import Instance
from tests.triggers.support import Flow, app_with_workflow, hook, run_count, runs_of


@dataclass
class Hooked:
    """Two published workflows with webhooks, and a caller with no cookie and no CSRF header."""

    instance: Instance
    flow: Flow
    token: str
    other: Flow
    other_token: str
    caller: TestClient

    def new_token(self) -> str:
        return str(self.instance.user("admin@example.com").ok(
            "POST", f"/api/v1/workflows/{self.flow.workflow}/webhook", 201)["token"])


@pytest.fixture
def hooked(small: Instance) -> Hooked:
    admin = small.user("admin@example.com")
    flow, other = app_with_workflow(admin), app_with_workflow(admin, name="Other")
    token = admin.ok("POST", f"/api/v1/workflows/{flow.workflow}/webhook", 201)["token"]
    other_token = admin.ok("POST", f"/api/v1/workflows/{other.workflow}/webhook", 201)["token"]
    return Hooked(small, flow, token, other, other_token, TestClient(small.app))


def _rotated(h: Hooked) -> Response:
    old = h.token
    h.token = h.new_token()
    return hook(h.caller, h.flow.workflow, old, json={})


def _revoked(h: Hooked) -> Response:
    h.instance.user("admin@example.com").ok("DELETE", f"/api/v1/workflows/{h.flow.workflow}/webhook", 204)
    return hook(h.caller, h.flow.workflow, h.token, json={})


CSRF_ONLY = {"X-Requested-By": "lowcraft"}

# Each way to call without the workflow's live token: what the caller sends.
REFUSED: dict[str, Callable[[Hooked], Response]] = {
    "no token": lambda h: hook(h.caller, h.flow.workflow, None, json={}, headers=CSRF_ONLY),
    "wrong token": lambda h: hook(h.caller, h.flow.workflow, h.token + "x", json={}),
    "a prefix of the token": lambda h: hook(h.caller, h.flow.workflow, h.token[:-1], json={}),
    "another workflow's token": lambda h: hook(h.caller, h.flow.workflow, h.other_token, json={}),
    "token in another header": lambda h: h.caller.post(
        f"/api/v1/hooks/workflows/{h.flow.workflow}", json={}, headers={**CSRF_ONLY, "X-Token": h.token}),
    "token in the query": lambda h: h.caller.post(
        f"/api/v1/hooks/workflows/{h.flow.workflow}", json={}, params={"token": h.token}, headers=CSRF_ONLY),
    "token as basic auth": lambda h: h.caller.post(
        f"/api/v1/hooks/workflows/{h.flow.workflow}", json={},
        headers={**CSRF_ONLY, "Authorization": "Basic " + base64.b64encode(f"x:{h.token}".encode()).decode()}),
    "unknown workflow": lambda h: hook(h.caller, "0" * 32, h.token, json={}),
    "rotated token": _rotated,
    "revoked token": _revoked,
}


@pytest.mark.parametrize("why", list(REFUSED))
def test_a_call_without_the_live_token_is_refused_alike_and_starts_nothing(hooked: Hooked, why: str) -> None:
    response = REFUSED[why](hooked)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "webhook_refused"
    assert hooked.token not in response.text and hooked.other_token not in response.text
    assert run_count(hooked.instance) == 0
    # The live token still works: the refusal was about the credential, not the route.
    live = hooked.new_token() if why == "revoked token" else hooked.token
    assert hook(hooked.caller, hooked.flow.workflow, live, json={}).status_code == 202


def test_a_cookieless_call_without_a_bearer_token_is_refused_at_the_edge(hooked: Hooked) -> None:
    # Without a bearer token the edge refuses the call as it does any cookie-less API write.
    assert hook(hooked.caller, hooked.flow.workflow, None, json={}).status_code == 403
    assert run_count(hooked.instance) == 0


@pytest.mark.parametrize(("body", "headers", "status"), [
    pytest.param(lambda: b'{"x": "' + b"a" * 2000 + b'"}', {"Content-Type": "application/json"}, 413, id="over the cap"),
    pytest.param(lambda: iter([b'{"x": "', b"a" * 900, b"a" * 900, b'"}']), {}, 413, id="chunked, counted while reading"),
    pytest.param(lambda: b"<xml/>", {}, 422, id="not JSON"),
])
def test_hostile_bodies_are_refused_and_start_nothing(hooked: Hooked, body: Callable[[], object],
                                                      headers: dict[str, str], status: int) -> None:
    response = hook(hooked.caller, hooked.flow.workflow, hooked.token, content=body(), headers=headers)
    assert response.status_code == status
    if status == 413:
        assert response.json()["error"]["code"] == "webhook_too_large"
    assert run_count(hooked.instance) == 0


def test_a_replayed_delivery_id_is_refused(hooked: Hooked) -> None:
    h = hooked
    first = hook(h.caller, h.flow.workflow, h.token, json={"n": 1}, headers={"Idempotency-Key": "delivery-1"})
    assert first.status_code == 202
    again = hook(h.caller, h.flow.workflow, h.token, json={"n": 2}, headers={"Idempotency-Key": "delivery-1"})
    by_other_header = hook(h.caller, h.flow.workflow, h.token, json={"n": 3}, headers={"X-Lowcraft-Delivery": "delivery-1"})
    for response in (again, by_other_header):
        assert response.status_code == 409 and response.json()["error"]["code"] == "webhook_replayed"
    # Another workflow may see the same id; this workflow a new one.
    assert hook(h.caller, h.other.workflow, h.other_token, json={}, headers={"Idempotency-Key": "delivery-1"}).status_code == 202
    assert hook(h.caller, h.flow.workflow, h.token, json={}, headers={"Idempotency-Key": "delivery-2"}).status_code == 202
    assert sorted(str(r.input) for r in runs_of(h.instance, h.flow.workflow)) == ["{'n': 1}", "{}"]


def test_the_token_is_shown_once_stored_hashed_and_never_answered_audited_or_logged(
    small: Instance, caplog: pytest.LogCaptureFixture
) -> None:
    admin = small.user("admin@example.com")
    flow = app_with_workflow(admin)
    with caplog.at_level(logging.DEBUG):
        token = admin.ok("POST", f"/api/v1/workflows/{flow.workflow}/webhook", 201)["token"]
        triggers = admin.ok("GET", f"/api/v1/workflows/{flow.workflow}/triggers")
        called = hook(TestClient(small.app), flow.workflow, token, json={"n": 1})
        refused = hook(TestClient(small.app), flow.workflow, token + "x", json={})
    assert called.status_code == 202 and refused.status_code == 401
    assert "token" not in triggers["webhook"] and token not in str(triggers)
    assert token not in called.text and token not in refused.text
    assert token not in caplog.text and token[5:] not in caplog.text
    with small.app.state.runtime.db.session() as db:
        stored = db.scalar(select(WorkflowWebhook))
        assert stored is not None and stored.token_hash == token_hash(token)
        assert token not in str({a.key: a.value for a in inspect(stored).attrs})
        events = list(db.scalars(select(AuditEvent).where(AuditEvent.action.like("workflow.webhook%"))))
        assert [e.action for e in events] == ["workflow.webhook_created"]
        assert token not in str([e.summary for e in events])
