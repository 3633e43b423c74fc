"""The execute endpoint's fast door: repeated executions are answered from the plan cache.

Whatever door answers, a caller must get the same result and the same refusals: a cached plan
never outlives the access, session or action it was checked for.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from lowcraft.actions import execution_plans
from tests.actions.conftest import run
from tests.apps.test_applications import add_viewer
from tests.conftest import Api, Instance, first_workspace
from tests.test_metrics import request_count, scrape

OPEN = {"Select1.selectedOptionValue": "open"}


def execute(client: Api, action_id: str, body: Any, **headers: str) -> Any:
    return client.post(f"/api/v1/actions/{action_id}/execute", json=body, headers=headers)


def without_timing(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k != "durationMs"}


def test_a_repeated_execution_is_answered_from_the_cache_with_the_same_result(
    instance: Instance, admin: Api, setup: dict[str, Any]
) -> None:
    action = setup["action"]["id"]
    first = run(admin, action, OPEN)
    store_reads: list[str] = []
    engine = instance.app.state.runtime.db.engine
    listener = lambda *args: store_reads.append(args[2])  # (conn, cursor, statement, ...)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        again = run(admin, action, OPEN)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert without_timing(again) == without_timing(first)
    assert store_reads == []
    other_value = run(admin, action, {"Select1.selectedOptionValue": "paid"})
    assert [row["customer"] for row in other_value["body"]] == ["Bob"]


def test_a_changed_action_is_run_as_changed(admin: Api, setup: dict[str, Any]) -> None:
    action = setup["action"]["id"]
    run(admin, action, OPEN)
    admin.ok("PATCH", f"/api/v1/actions/{action}", json={"config": {"sql": "select 'changed' as customer"}})
    assert run(admin, action, {})["body"] == [{"customer": "changed"}]


def test_logging_out_stops_cached_executions(admin: Api, setup: dict[str, Any]) -> None:
    action = setup["action"]["id"]
    run(admin, action, OPEN)
    admin.ok("POST", "/api/v1/auth/logout", 204)
    assert execute(admin, action, {"params": OPEN, "mode": "edit"}).status_code == 401


def test_a_removed_member_can_no_longer_run_what_they_ran(
    instance: Instance, admin: Api, setup: dict[str, Any]
) -> None:
    viewer = add_viewer(instance, admin)
    admin.ok("POST", f"/api/v1/applications/{setup['app']['id']}/publish")
    action = setup["action"]["id"]
    assert run(viewer, action, OPEN, mode="view")["isExecutionSuccess"] is True
    admin.ok("DELETE", f"/api/v1/workspaces/{setup['ws']}/members/{member_id(admin, setup['ws'], 'viewer@example.com')}", 204)
    assert execute(viewer, action, {"params": OPEN, "mode": "view"}).status_code == 404


def test_another_callers_cached_plan_grants_nothing(instance: Instance, admin: Api, setup: dict[str, Any]) -> None:
    action = setup["action"]["id"]
    run(admin, action, OPEN)
    stranger = instance.user("stranger@example.com")
    assert execute(stranger, action, {"params": OPEN, "mode": "edit"}).status_code == 404
    anonymous = instance.anonymous()
    assert execute(anonymous, action, {"params": OPEN, "mode": "edit"}).status_code == 401
    forged = instance.client(Cookie="lowcraft_session=not-a-session")
    assert execute(forged, action, {"params": OPEN, "mode": "edit"}).status_code == 401


def test_bad_bodies_get_the_usual_errors_once_a_plan_is_cached(admin: Api, setup: dict[str, Any]) -> None:
    action = setup["action"]["id"]
    run(admin, action, OPEN)
    wrong_mode = execute(admin, action, {"params": OPEN, "mode": "moon"})
    assert wrong_mode.status_code == 422 and wrong_mode.json()["error"]["code"] == "invalid_request"
    malformed = admin.post(f"/api/v1/actions/{action}/execute", content=b'{"params": {',
                           headers={"Content-Type": "application/json"})
    assert malformed.status_code == 400 and malformed.json()["error"]["code"] == "malformed_json"
    unknown_binding = run(admin, action, {**OPEN, "Input9.text": "x"})
    assert unknown_binding["isExecutionSuccess"] is False
    assert unknown_binding["error"]["code"] == "unknown_binding"


def test_the_csrf_header_is_still_required(admin: Api, setup: dict[str, Any]) -> None:
    action = setup["action"]["id"]
    run(admin, action, OPEN)
    del admin.headers["X-Requested-By"]
    refused = execute(admin, action, {"params": OPEN, "mode": "edit"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf_header_missing"


@pytest.mark.parametrize("accept", ["gzip", "identity"])
def test_large_results_are_gzipped_for_clients_that_accept_it(
    admin: Api, setup: dict[str, Any], accept: str
) -> None:
    action = setup["action"]["id"]
    admin.ok("PATCH", f"/api/v1/actions/{action}",
             json={"config": {"sql": "select g as n, repeat('x', 20) as pad from generate_series(1, 200) g"}})
    for _ in range(2):  # the first through the route, the second from the cache
        response = admin.post(f"/api/v1/actions/{action}/execute", json={"params": {}, "mode": "edit"},
                              headers={"Accept-Encoding": accept})
        assert response.status_code == 200 and response.json()["rowCount"] == 200
        assert response.headers.get("content-encoding") == (accept if accept == "gzip" else None)
        if accept == "gzip":
            assert int(response.headers["content-length"]) < len(response.content)  # content is decoded


def test_cached_executions_are_counted_under_the_route_template(admin: Api, setup: dict[str, Any]) -> None:
    action = setup["action"]["id"]
    route = "/api/v1/actions/{action_id}/execute"
    before = request_count(scrape(admin), route, "POST", "2xx")
    for _ in range(3):
        run(admin, action, OPEN)
    assert request_count(scrape(admin), route, "POST", "2xx") - before == 3


def test_a_workspace_admin_and_a_developer_have_separate_plans(instance: Instance, admin: Api, setup: dict[str, Any]) -> None:
    developer = instance.user("dev@example.com")
    admin.ok("POST", f"/api/v1/workspaces/{first_workspace(admin)}/invites", 201,
             json={"email": "dev@example.com", "role": "developer"})
    action = setup["action"]["id"]
    assert run(admin, action, OPEN)["rowCount"] == 2
    assert run(developer, action, OPEN)["rowCount"] == 2
    admin.ok("PATCH", f"/api/v1/workspaces/{setup['ws']}/members/{member_id(admin, setup['ws'], 'dev@example.com')}",
             json={"role": "viewer"})
    assert execute(developer, action, {"params": OPEN, "mode": "edit"}).status_code == 403
    assert run(admin, action, OPEN)["rowCount"] == 2


def member_id(admin: Api, workspace: str, email: str) -> str:
    members = admin.ok("GET", f"/api/v1/workspaces/{workspace}/members")["members"]
    return str(next(m["id"] for m in members if m["email"] == email))


def test_a_failure_behind_the_fast_door_is_a_500_with_the_usual_body(
    admin: Api, setup: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    action = setup["action"]["id"]
    run(admin, action, OPEN)

    async def broken(self: execution_plans.ReadyExecution, params: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("a bug")

    monkeypatch.setattr(execution_plans.ReadyExecution, "run", broken)
    failed = execute(admin, action, {"params": OPEN, "mode": "edit"})
    assert failed.status_code == 500 and failed.json()["error"]["code"] == "internal_error"
    assert "a bug" not in failed.text
    monkeypatch.undo()
    assert run(admin, action, OPEN)["rowCount"] == 2
