"""Finished runs are deleted after the retention period by the housekeeping; unfinished runs stay."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from lowcraft.app import housekeeping
from lowcraft.store.types import utcnow
from lowcraft.workflows.models import WorkflowRequest, WorkflowRun, WorkflowStep
from tests.conftest import Api, Instance
from tests.workflows.conftest import add_workflow


def test_housekeeping_deletes_finished_runs_past_retention(admin: Api, wf: dict[str, Any], instance: Instance) -> None:
    workflow = add_workflow(admin, wf, "Old", "export default { async executeWorkflow() { return 1 } }")
    runtime = instance.app.state.runtime
    long_ago = utcnow() - timedelta(days=runtime.settings.workflow_retention_days + 1)
    with runtime.db.session() as db:
        common = {"application_id": wf["app"]["id"], "workflow_id": workflow["id"], "workflow_name": "Old",
                  "definition": {}, "trigger": "manual", "mode": "edit", "environment": "production"}
        old = WorkflowRun(status="succeeded", finished_at=long_ago, **common)
        recent = WorkflowRun(status="failed", finished_at=utcnow() - timedelta(days=1), **common)
        waiting = WorkflowRun(status="waiting", **common)
        db.add_all([old, recent, waiting])
        db.flush()
        db.add(WorkflowStep(run_id=old.id, index=0, kind="query", name="q", status="succeeded", attempts=1))
        db.add(WorkflowRequest(run_id=old.id, step_index=1, application_id=wf["app"]["id"], name="r", message="",
                               resolutions=[], users=[], groups=[], status="resolved"))
        ids = (old.id, recent.id, waiting.id)
    housekeeping(runtime)
    with runtime.db.session() as db:
        assert db.get(WorkflowRun, ids[0]) is None
        assert db.get(WorkflowStep, (ids[0], 0)) is None
        assert db.get(WorkflowRun, ids[1]) is not None and db.get(WorkflowRun, ids[2]) is not None
