"""Many runs at once, the queue, and what /metrics says about them."""

from __future__ import annotations

import re
import time
from typing import Any

from tests.conftest import Api
from tests.workflows.conftest import add_workflow, count_rows, start

THREE_STEPS = """export default {
  async executeWorkflow(data) {
    await insertOrder.run({ customer: "many" });
    const counted = await countOrders.run({ customer: "many" });
    await lowcraft.sleep(10);
    return { i: data.i, seen: counted[0].n > 0 };
  }
}
"""


def _metric(text: str, name: str, labels: str) -> float:
    found = re.search(rf"^{re.escape(name)}\{{{re.escape(labels)}\}} ([0-9.e+]+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def test_two_hundred_runs_started_at_once_all_complete(admin: Api, wf: dict[str, Any]) -> None:
    workflow = add_workflow(admin, wf, "Many", THREE_STEPS)
    before = admin.get("/metrics").text
    runs = [start(admin, wf, workflow, {"i": i})["id"] for i in range(200)]
    app_id = wf["app"]["id"]
    deadline = time.monotonic() + 180
    while True:
        listed = admin.ok("GET", f"/api/v1/applications/{app_id}/workflows/runs?limit=200")["runs"]
        statuses = [r["status"] for r in listed]
        if all(s in ("succeeded", "failed", "cancelled") for s in statuses) and len(statuses) == 200:
            break
        assert time.monotonic() < deadline, f"not finished: {sorted(set(statuses))}"
        time.sleep(0.5)
    assert statuses.count("succeeded") == 200, [r["error"] for r in listed if r["status"] != "succeeded"][:3]
    assert sorted(r["output"]["i"] for r in listed) == list(range(200))
    assert {r["id"] for r in listed} == set(runs)
    assert count_rows(wf["pg"], "many") == 200  # each run's insert exactly once
    after = admin.get("/metrics").text
    name = "lowcraft_workflow_runs_total"
    assert _metric(after, name, 'event="started"') - _metric(before, name, 'event="started"') == 200
    assert _metric(after, name, 'event="succeeded"') - _metric(before, name, 'event="succeeded"') == 200
    assert _metric(after, "lowcraft_workflow_runs_unfinished", 'status="queued"') == 0


def test_the_queue_depth_is_on_metrics_while_runs_wait(admin: Api, wf: dict[str, Any]) -> None:
    body = """export default { async executeWorkflow() {
      return await lowcraft.workflows.assignRequest({ requestName: "Wait", requestToUsers: ["nobody@example.com"] }) } }"""
    workflow = add_workflow(admin, wf, "Waits", body)
    ids = [start(admin, wf, workflow)["id"] for _ in range(3)]
    deadline = time.monotonic() + 30
    while _metric(admin.get("/metrics").text, "lowcraft_workflow_runs_unfinished", 'status="waiting"') < 3:
        assert time.monotonic() < deadline, admin.get("/metrics").text
        time.sleep(0.2)
    for run_id in ids:
        admin.ok("POST", f"/api/v1/applications/{wf['app']['id']}/workflows/runs/{run_id}/cancel")
    text = admin.get("/metrics").text
    assert _metric(text, "lowcraft_workflow_runs_unfinished", 'status="waiting"') == 0
    assert _metric(text, "lowcraft_workflow_runs_total", 'event="cancelled"') >= 3
