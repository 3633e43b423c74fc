"""Runs end to end in one process: steps, decisions, failures, retry, cancel, HTTP steps. Scripts that try
to escape or exhaust the server, and secrets in run records, are attack classes in tests/security/."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api, Instance
from tests.workflows.conftest import add_workflow, count_rows, start, wait_status

APPROVAL = """export default {
  async executeWorkflow(data) {
    const inserted = await insertOrder.run({ customer: data.customer });
    const decision = await lowcraft.workflows.assignRequest({
      requestName: "Ship order", message: "Ship it?", resolutions: ["Approve", "Reject"],
      requestToUsers: ["admin@example.com"], metadata: { id: inserted[0].id },
    });
    const counted = await countOrders.run({ customer: data.customer });
    return { decision: decision.resolution, count: counted[0].n, by: decision.resolvedBy };
  }
}
"""


def test_a_run_takes_its_steps_waits_for_a_decision_and_finishes(admin: Api, wf: dict[str, Any]) -> None:
    workflow = add_workflow(admin, wf, "Shipping", APPROVAL)
    run = start(admin, wf, workflow, {"customer": "Wanda"})
    assert run["status"] == "queued"
    waiting = wait_status(admin, wf, run["id"], "waiting")
    assert [s["status"] for s in waiting["steps"]] == ["succeeded", "waiting"]
    assert count_rows(wf["pg"], "Wanda") == 1
    app_id = wf["app"]["id"]
    pending = admin.ok("GET", f"/api/v1/applications/{app_id}/workflows/requests")["requests"]
    assert [r["name"] for r in pending] == ["Ship order"]
    admin.ok("POST", f"/api/v1/applications/{app_id}/workflows/requests/{pending[0]['id']}/resolve",
             json={"resolution": "Approve", "comment": "fine"})
    done = wait_status(admin, wf, run["id"], "succeeded", "failed")
    assert done["status"] == "succeeded", done
    assert done["output"] == {"decision": "Approve", "count": 1, "by": "admin@example.com"}
    assert [s["kind"] for s in done["steps"]] == ["query", "request", "query"]
    assert count_rows(wf["pg"], "Wanda") == 1  # the insert was not run again by the replays


def test_a_resolution_not_offered_is_refused(admin: Api, wf: dict[str, Any]) -> None:
    workflow = add_workflow(admin, wf, "Shipping", APPROVAL)
    run = start(admin, wf, workflow, {"customer": "Rex"})
    wait_status(admin, wf, run["id"], "waiting")
    app_id = wf["app"]["id"]
    request = admin.ok("GET", f"/api/v1/applications/{app_id}/workflows/requests")["requests"][0]
    refused = admin.post(f"/api/v1/applications/{app_id}/workflows/requests/{request['id']}/resolve",
                         json={"resolution": "Maybe"})
    assert refused.status_code == 400
    admin.ok("POST", f"/api/v1/applications/{app_id}/workflows/requests/{request['id']}/resolve",
             json={"resolution": "Reject"})
    again = admin.post(f"/api/v1/applications/{app_id}/workflows/requests/{request['id']}/resolve",
                       json={"resolution": "Approve"})
    assert again.status_code == 409
    assert wait_status(admin, wf, run["id"], "succeeded")["output"]["decision"] == "Reject"


FAILING = """export default {
  async executeWorkflow(data) {
    await insertOrder.run({ customer: data.customer });
    const rows = await (data.fix ? countOrders : failing).run({ customer: data.customer });
    return rows;
  }
}
"""

RETRY_THEN_FIXED = """export default {
  async executeWorkflow(data) {
    await insertOrder.run({ customer: data.customer });
    const rows = await countOrders.run({ customer: data.customer });
    return rows[0].n;
  }
}
"""


def test_a_failing_step_says_where_and_why_and_retry_runs_from_it(admin: Api, wf: dict[str, Any], instance: Instance) -> None:
    import psycopg

    pg = wf["pg"]
    with psycopg.connect(host=pg["host"], user="postgres", dbname=pg["database"], autocommit=True) as c:
        c.execute("alter table orders rename to orders_away")
    workflow = add_workflow(admin, wf, "Fragile", RETRY_THEN_FIXED)
    run = start(admin, wf, workflow, {"customer": "Fay"})
    failed = wait_status(admin, wf, run["id"], "failed", "succeeded")
    assert failed["status"] == "failed"
    assert failed["error"]["step"] == 0 and failed["error"]["stepName"] == "insertOrder"
    assert "insertOrder" in failed["error"]["message"] and "orders" in failed["error"]["message"]
    assert failed["steps"][0]["status"] == "failed"
    with psycopg.connect(host=pg["host"], user="postgres", dbname=pg["database"], autocommit=True) as c:
        c.execute("alter table orders_away rename to orders")
    app_id = wf["app"]["id"]
    retried = admin.ok("POST", f"/api/v1/applications/{app_id}/workflows/runs/{run['id']}/retry")
    assert retried["status"] == "queued" and retried["attempt"] == 2
    done = wait_status(admin, wf, run["id"], "succeeded", "failed")
    assert done["status"] == "succeeded" and done["output"] == 1
    assert count_rows(pg, "Fay") == 1
    assert admin.post(f"/api/v1/applications/{app_id}/workflows/runs/{run['id']}/retry").status_code == 409


def test_retry_after_a_later_step_failed_does_not_repeat_the_steps_that_succeeded(admin: Api, wf: dict[str, Any]) -> None:
    workflow = add_workflow(admin, wf, "Half", FAILING)
    run = start(admin, wf, workflow, {"customer": "Hal"})
    failed = wait_status(admin, wf, run["id"], "failed")
    assert failed["error"]["stepName"] == "failing"
    assert [s["status"] for s in failed["steps"]] == ["succeeded", "failed"]
    admin.ok("POST", f"/api/v1/applications/{wf['app']['id']}/workflows/runs/{run['id']}/retry")
    again = wait_status(admin, wf, run["id"], "failed")
    assert again["attempt"] == 2
    assert count_rows(wf["pg"], "Hal") == 1  # step 1 served from its record, step 2 ran again


def test_a_retriable_step_is_tried_again_with_backoff(admin: Api, wf: dict[str, Any]) -> None:
    body = """export default { async executeWorkflow() {
      try { await failing.run({}, { retries: 2 }); } catch (e) { return "gave up: " + e.message.slice(0, 40); }
    } }"""
    workflow = add_workflow(admin, wf, "Stubborn", body)
    run = start(admin, wf, workflow)
    done = wait_status(admin, wf, run["id"], "succeeded", "failed", timeout=30)
    assert done["status"] == "succeeded" and done["output"].startswith("gave up")
    assert done["steps"][0]["attempts"] == 3


def test_cancel_withdraws_the_request_and_stops_the_run(admin: Api, wf: dict[str, Any]) -> None:
    workflow = add_workflow(admin, wf, "Shipping", APPROVAL)
    run = start(admin, wf, workflow, {"customer": "Cal"})
    wait_status(admin, wf, run["id"], "waiting")
    app_id = wf["app"]["id"]
    cancelled = admin.ok("POST", f"/api/v1/applications/{app_id}/workflows/runs/{run['id']}/cancel")
    assert cancelled["status"] == "cancelled"
    assert admin.ok("GET", f"/api/v1/applications/{app_id}/workflows/requests")["requests"] == []
    assert admin.post(f"/api/v1/applications/{app_id}/workflows/runs/{run['id']}/cancel").status_code == 409
    assert wait_status(admin, wf, run["id"], "cancelled")["status"] == "cancelled"


def test_cancel_stops_a_sleeping_run_before_its_next_step(admin: Api, wf: dict[str, Any]) -> None:
    body = """export default { async executeWorkflow(data) {
      await lowcraft.sleep(1500); await insertOrder.run({ customer: data.customer }); return 1 } }"""
    workflow = add_workflow(admin, wf, "Sleepy", body)
    run = start(admin, wf, workflow, {"customer": "Sid"})
    wait_status(admin, wf, run["id"], "running")
    admin.ok("POST", f"/api/v1/applications/{wf['app']['id']}/workflows/runs/{run['id']}/cancel")
    import time

    time.sleep(3)
    assert wait_status(admin, wf, run["id"], "cancelled")["status"] == "cancelled"
    assert count_rows(wf["pg"], "Sid") == 0


def test_script_errors_and_workflows_listed(admin: Api, wf: dict[str, Any]) -> None:
    bad = add_workflow(admin, wf, "Broken", "export default { async executeWorkflow() { return nope.x } }")
    failed = wait_status(admin, wf, start(admin, wf, bad)["id"], "failed")
    assert "nope is not defined" in failed["error"]["message"]
    add_workflow(admin, wf, "Echo", "export default { async executeWorkflow(d) { return d } }")
    not_a_workflow = admin.ok("POST", f"/api/v1/applications/{wf['app']['id']}/js-objects", 201, json={
        "pageId": wf["page"]["id"], "name": "Utils", "body": "export default { f() { return 1 } }"})
    missing = admin.post(f"/api/v1/applications/{wf['app']['id']}/workflows/{not_a_workflow['id']}/runs", json={})
    assert missing.status_code == 404
    listed = admin.ok("GET", f"/api/v1/applications/{wf['app']['id']}/workflows")["workflows"]
    assert sorted(w["name"] for w in listed) == ["Broken", "Echo"]


def test_run_and_wait_returns_the_output(admin: Api, wf: dict[str, Any]) -> None:
    body = """export default { async executeWorkflow(d) {
      const r = await countOrders.run({ customer: "Ada" }); return { n: r[0].n, at: Date.now() > 0 } } }"""
    workflow = add_workflow(admin, wf, "Quick", body)
    run = start(admin, wf, workflow, None, waitSeconds=20)
    assert run["status"] == "succeeded" and run["output"] == {"n": 1, "at": True}


def test_http_steps_go_through_a_rest_datasource_of_the_workspace(admin: Api, wf: dict[str, Any]) -> None:
    import json
    from http.server import BaseHTTPRequestHandler

    from tests.servers import http_server

    seen: list[dict[str, Any]] = []

    class Api_(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            seen.append({"path": self.path, "body": json.loads(body), "x": self.headers.get("X-Kind")})
            out = json.dumps({"ok": True}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def log_message(self, *args: Any) -> None:
            pass

    with http_server(Api_) as url:
        admin.ok("POST", f"/api/v1/workspaces/{wf['ws']}/datasources", 201, json={
            "name": "Hooks", "connector": "rest", "configs": {"production": {"base_url": url + "/api"}}})
        body = """export default { async executeWorkflow(d) {
          const r = await lowcraft.http({ datasource: "Hooks", method: "POST", path: "/notify", query: { a: "1" },
            headers: { "X-Kind": "wf" }, body: { order: d.id } });
          try { await lowcraft.http({ datasource: "Orders DB", path: "/" }); } catch (e) { return [r, e.message]; }
        } }"""
        workflow = add_workflow(admin, wf, "Notify", body)
        done = wait_status(admin, wf, start(admin, wf, workflow, {"id": 7})["id"], "succeeded", "failed")
    assert done["status"] == "succeeded", done
    assert done["output"][0] == {"ok": True}
    assert "REST API datasource" in done["output"][1]
    assert seen == [{"path": "/api/notify?a=1", "body": {"order": 7}, "x": "wf"}]
