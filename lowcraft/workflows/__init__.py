"""Durable workflows: server-side JavaScript with durable steps, human decisions and runs.

A workflow is a JS object of an application with an `executeWorkflow` function, edited in the
editor's JS editor like any other:

    export default {
      async executeWorkflow(data) {
        const orders = await getOrders.run({ customer: data.customer });      // a query step
        const decision = await lowcraft.workflows.assignRequest({              // waits for a human
          requestName: "Refund", message: "Refund?", resolutions: ["Approve", "Reject"],
          requestToUsers: ["boss@example.com"], requestToGroups: ["finance"], metadata: { orders },
        });
        await lowcraft.sleep(1000);                                              // a durable sleep
        return decision.resolution;
      }
    }

Modules:
- `models.py`: `WorkflowRun`, `WorkflowStep`, `WorkflowRequest` (migration 0013).
- `handler.py`: database work that trusts its caller: `is_workflow(body)`, `workflow_in(db, app_id,
  workflow_id)`, `create_run(ctx, app, workflow, data, *, trigger, mode="edit", environment="production")`
  (what a webhook or a schedule calls after checking its own credential, with `ctx.user` None; the
  run is handed to the engine when the transaction commits), `redact(value)`, `purge_finished`.
- `service.py` (checks permission, records audit events), signatures kept stable:
    start_run(ctx, application_id, workflow_id, data=None, *, mode="edit"|"view", environment="production",
              trigger="manual") -> WorkflowRun
    get_run(ctx, application_id, run_id) -> RunDetail(run, steps, requests, full)
    list_runs(ctx, application_id, *, workflow_id=None, status=None, limit=50) -> list[WorkflowRun]
    cancel_run(ctx, application_id, run_id) -> WorkflowRun
    retry_run(ctx, application_id, run_id) -> WorkflowRun
    list_requests(ctx, application_id, *, status="pending", mine=True) -> list[WorkflowRequest]
    resolve_request(ctx, application_id, request_id, resolution, comment=None) -> WorkflowRequest
    start_run_and_wait(ctx, application_id, workflow_id, data=None, *, mode=, environment=, trigger=,
                       timeout_seconds=10.0) -> WorkflowRun     (commits, then waits: "run and wait")
    wait_for_run(runtime, run_id, timeout_seconds) -> WorkflowRun | None
    list_workflows(ctx, application_id) -> list[JsObject]
    is_assignee(db, request, user) -> bool
  Statuses: run queued | running | waiting | succeeded | failed | cancelled; request pending |
  resolved | cancelled. `trigger` is a free label (manual, app, webhook, schedule) shown on runs.
- `engine.py` (loads DBOS; imported on first use): the DBOS workflow that runs a script step by
  step, `enqueue`, `cancel`, `launch_if_pending`.
- `sandbox.py` + `isolate.py`: the V8 isolates (mini-racer) in worker processes, with a memory cap and
  a time cap between steps; a runaway script is stopped by ending its process.
- `api.py`, `schemas.py`: REST under /api/v1/applications/{id}/workflows/...

Durability: the script never keeps state between steps. Each time it must go on, it is run again
from the start in a fresh isolate and every step it already took is answered from the record
(`workflow_steps`) instead of being run again; the next new step is run (as a DBOS step, whose
completion is recorded) and the script is run again. A run interrupted by a crash resumes the same
way on restart, so no completed step runs twice. Docs: docs/workflows.md.
"""
