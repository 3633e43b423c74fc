"""Runs end to end in one process: steps, decisions, failures, retry, cancel, limits."""

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
