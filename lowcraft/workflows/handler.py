"""Database work of workflow runs; trusts its caller (no permission checks).

Webhooks and schedules (which have no signed-in caller) start runs with `create_run` after
checking their own credential; the REST routes go through `service.start_run`.
"""

from __future__ import annotations

import re
import sys
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, event, select, update
from sqlalchemy.orm import Session

from lowcraft import jsontext
from lowcraft.appmodel.models import Action, Application, JsObject
from lowcraft.bindings.segments import binding_sources
from lowcraft.context import Context
from lowcraft.runtime import Runtime
from lowcraft.store.types import utcnow
from lowcraft.workflows.errors import InvalidRunInput, WorkflowNotFound
from lowcraft.workflows.models import UNFINISHED, WorkflowRequest, WorkflowRun, WorkflowStep

MAX_INPUT_BYTES = 1_000_000
_EXECUTE = re.compile(r"\bexecuteWorkflow\s*(\(|:)")


def is_workflow(body: str) -> bool:
    """A JS object is a workflow when it defines `executeWorkflow` (`async executeWorkflow(data) {...}`)."""
    return bool(_EXECUTE.search(body or ""))


_SECRET_WORDS = ("password", "secret", "token", "apikey", "api_key", "authorization", "cookie", "private_key")
REDACTED = "****"


def _secretish(key: str) -> bool:
    lowered = key.lower().replace("-", "_")
    return any(word in lowered for word in _SECRET_WORDS)


def redact(value: Any) -> Any:
    """A copy with the values of secret-looking keys (password, token, secret, API key...) masked:
    what run pages and the API show of inputs, outputs and step arguments."""
    if isinstance(value, dict):
        return {k: (REDACTED if _secretish(str(k)) and v not in (None, "") else redact(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def _bindings(config: Any) -> list[str]:
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, str):
            for source in binding_sources(node):
                if source not in found:
                    found.append(source)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(config)
    return found


def _action_entry(name: str, datasource_id: str | None, connector: str, config: Any, settings: Any) -> dict[str, Any]:
    return {
        "name": name, "datasourceId": datasource_id, "connector": connector, "config": config or {},
        "settings": settings or {}, "bindings": _bindings(config or {}),
    }


def definition_of(db: Session, app: Application, workflow: JsObject, mode: str) -> dict[str, Any]:
    """The code and the page's queries a run executes: as edited (`edit`) or as published (`view`)."""
    if mode == "edit":
        actions = db.scalars(select(Action).where(Action.page_id == workflow.page_id)).all()
        return {
            "code": workflow.body,
            "actions": {
                a.name: _action_entry(a.name, a.datasource_id, a.connector, a.config, a.settings) for a in actions
            },
        }
    for page in (app.published or {}).get("pages", []):
        for js in page.get("jsObjects", []):
            if isinstance(js, dict) and js.get("id") == workflow.id:
                return {
                    "code": js.get("body") or "",
                    "actions": {
                        a["name"]: _action_entry(
                            a["name"], a.get("datasourceId"), a.get("connector", ""), a.get("config"), a.get("settings")
                        )
                        for a in page.get("actions", [])
                        if isinstance(a, dict) and "name" in a
                    },
                }
    raise WorkflowNotFound("The published application has no such workflow; publish again after adding it.")


def workflow_in(db: Session, application_id: str, workflow_id: str) -> JsObject:
    workflow = db.get(JsObject, workflow_id)
    if workflow is None or workflow.application_id != application_id or not is_workflow(workflow.body):
        raise WorkflowNotFound("Workflow not found (a workflow is a JS object with an executeWorkflow function).")
    return workflow


def create_run(
    ctx: Context, app: Application, workflow: JsObject, data: Any, *, trigger: str, mode: str = "edit",
    environment: str = "production",
) -> WorkflowRun:
    """Add a queued run in the caller's transaction; it is handed to the engine once that commits."""
    try:
        size = len(jsontext.dumps(data))
    except (TypeError, ValueError):
        raise InvalidRunInput("A run's input must be JSON.") from None
    if size > MAX_INPUT_BYTES:
        raise InvalidRunInput(f"A run's input may be at most {MAX_INPUT_BYTES // 1_000_000} MB.")
    run = WorkflowRun(
        application_id=app.id, workflow_id=workflow.id, workflow_name=workflow.name, status="queued",
        trigger=trigger, mode=mode, environment=environment, input=data,
        definition=definition_of(ctx.db, app, workflow, mode), attempt=1, turn=1,
        started_by=ctx.user.id if ctx.user is not None else None,
    )
    ctx.db.add(run)
    ctx.db.flush()
    enqueue_after_commit(ctx, run)
    return run


def enqueue_after_commit(ctx: Context, run: WorkflowRun) -> None:
    run_id, turn, partition = run.id, run.turn, run.workflow_id
    runtime = ctx.runtime

    def hand_over(_: Session) -> None:
        from lowcraft.workflows.engine import enqueue  # DBOS and the isolates load on first use

        enqueue(runtime, run_id, turn, partition)

    event.listen(ctx.db, "after_commit", hand_over, once=True)


def steps_of(db: Session, run_id: str) -> list[WorkflowStep]:
    return list(db.scalars(select(WorkflowStep).where(WorkflowStep.run_id == run_id).order_by(WorkflowStep.index)))


def requests_of(db: Session, run_id: str) -> list[WorkflowRequest]:
    return list(db.scalars(select(WorkflowRequest).where(WorkflowRequest.run_id == run_id)))


def has_unfinished_runs(db: Session) -> bool:
    return db.scalar(select(WorkflowRun.id).where(WorkflowRun.status.in_(UNFINISHED)).limit(1)) is not None


def cancel_requests(db: Session, run_id: str) -> None:
    db.execute(
        update(WorkflowRequest)
        .where(WorkflowRequest.run_id == run_id, WorkflowRequest.status == "pending")
        .values(status="cancelled")
    )


def purge_finished(db: Session, retention_days: int, now: datetime | None = None) -> int:
    """Delete runs finished more than `retention_days` ago (their steps and requests go with them)."""
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    ids = list(db.scalars(
        select(WorkflowRun.id).where(WorkflowRun.status.not_in(UNFINISHED), WorkflowRun.finished_at < cutoff)
    ))
    if ids:
        db.execute(delete(WorkflowStep).where(WorkflowStep.run_id.in_(ids)))
        db.execute(delete(WorkflowRequest).where(WorkflowRequest.run_id.in_(ids)))
        db.execute(delete(WorkflowRun).where(WorkflowRun.id.in_(ids)))
    return len(ids)


def resume_unfinished(runtime: Runtime) -> bool:
    """At start, in the background: launch the engine only when runs are unfinished, so a server
    without pending runs never loads DBOS or V8 until a workflow is used."""
    with runtime.db.session() as db:
        if not has_unfinished_runs(db):
            return False
    from lowcraft.workflows.engine import launch_if_pending  # DBOS loads only when runs wait for it

    return launch_if_pending(runtime)


def stop_engine(runtime: Runtime) -> None:
    """At shutdown: stop the engine if this process launched it."""
    engine = sys.modules.get("lowcraft.workflows.engine")
    if engine is not None:
        engine.shutdown(runtime)
