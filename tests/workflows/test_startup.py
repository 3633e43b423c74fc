"""What a start and the housekeeping ask of workflows before loading them: whether runs wait for
the engine (resumed at start), and whether there are runs at all (the retention purge)."""

from __future__ import annotations

from typing import Any

from lowcraft.workflows import models
from lowcraft.workflows.models import WorkflowRun
from lowcraft.workflows.startup import UNFINISHED, has_runs, has_unfinished_runs
from tests.conftest import Api, Instance
from tests.workflows.conftest import add_workflow


def test_the_start_sees_runs_and_those_that_wait(admin: Api, wf: dict[str, Any], instance: Instance) -> None:
    db = instance.app.state.runtime.db
    workflow = add_workflow(admin, wf, "Quiet", "export default { async executeWorkflow() { return 1 } }")
    assert not has_runs(db) and not has_unfinished_runs(db)
    common = {"application_id": wf["app"]["id"], "workflow_id": workflow["id"], "workflow_name": "Quiet",
              "definition": {}, "trigger": "manual", "mode": "edit", "environment": "production"}
    with db.session() as session:
        session.add(WorkflowRun(status="succeeded", **common))
    assert has_runs(db) and not has_unfinished_runs(db)
    for status in UNFINISHED:
        with db.session() as session:
            run = WorkflowRun(status=status, **common)
            session.add(run)
        assert has_unfinished_runs(db), status
        with db.session() as session:
            session.get(WorkflowRun, run.id).status = "cancelled"  # type: ignore[union-attr]
    assert not has_unfinished_runs(db)


def test_the_statuses_the_start_resumes_are_the_models_unfinished_ones() -> None:
    assert UNFINISHED == models.UNFINISHED
