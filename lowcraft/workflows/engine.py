"""The workflow engine: DBOS workflows that advance runs step by step; loaded on first use.

One DBOS workflow (`advance`, id `{run id}.{turn}`) takes a run as far as it can go: it replays
the script in an isolate (`sandbox.py`) with the steps recorded so far; when the script asks for
a new step it runs it as a DBOS step that records its result in `workflow_steps` (so no completed
step runs twice, whichever process picks the run up later), and replays again; it ends when the
script returns or throws, or when the script waits for a decision. A waiting run holds no thread:
resolving its request records the decision as the step's result and hands the run to the engine
again (`turn` + 1). Retrying a failed run hands it over the same way, and the failed step runs again.

Durability comes from DBOS: a process that dies while advancing a run leaves a PENDING DBOS
workflow that DBOS resumes when this replica starts again (each replica has a stable executor id,
`LOWCRAFT_WORKFLOW_EXECUTOR_ID`), or that a live replica resumes once the dead one has been silent
for the executor timeout (PostgreSQL: `heartbeat`, `take_over_silent_replicas`); a run queued but never handed over (a crash between a commit and
the hand-over) is handed over by `launch_if_pending` at start. Runs go through one DBOS queue whose
partitions are workflows: at most `LOWCRAFT_WORKFLOW_CONCURRENCY` runs of one workflow execute at
once across replicas, and every replica dequeues. On SQLite the engine's tables are the file
`workflows.db` in the data directory (one process); on PostgreSQL they are schema `dbos` of the
store's database.

A step interrupted while it executes (the process killed mid-query) runs again when the run
resumes: the guarantee is that a step which completed is never run again.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import zlib
from datetime import timedelta
from typing import Any

from dbos import DBOS, DBOSConfig, SetEnqueueOptions, SetWorkflowID
from dbos._error import DBOSWorkflowCancelledError
from sqlalchemy import delete, select, update

from lowcraft import jsontext, metrics
from lowcraft.actions.runner import CompiledAction, compile_failure
from lowcraft.appmodel.models import Application
from lowcraft.connectors.base import Limits
from lowcraft.connectors.errors import ConnectorError
from lowcraft.connectors.pools import PoolManager
from lowcraft.context import Context
from lowcraft.datasources.handler import resolve_connection
from lowcraft.datasources.models import Datasource
from lowcraft.errors import LowcraftError
from lowcraft.runtime import Runtime
from lowcraft.store.types import utcnow
from lowcraft.workflows.handler import redact
from lowcraft.workflows.models import UNFINISHED, WorkflowExecutor, WorkflowRequest, WorkflowRun, WorkflowStep
from lowcraft.workflows.sandbox import Sandbox

log = logging.getLogger("lowcraft.workflows")

QUEUE = "lowcraft_workflows"
MAX_RETRIES = 10
BACKOFF_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 30.0
MAX_SLEEP_MS = 7 * 24 * 3600 * 1000
MAX_RESULT_BYTES = 5_000_000


class _Engine:
    def __init__(self, runtime: Runtime) -> None:
        settings = runtime.settings
        self.runtime = runtime
        # Query steps run on the engine's own event loop with its own connection pools: pools are
        # bound to the loop that made them, and the server's loop is not ours to block.
        self.loop = asyncio.new_event_loop()
        self.pools = PoolManager(connection_budget=max(4, settings.datasource_connections // 2))
        self._loop_thread = threading.Thread(target=self.loop.run_forever, name="lowcraft-workflow-steps", daemon=True)
        self._loop_thread.start()
        self.sandbox = Sandbox(settings.workflow_sandboxes, settings.workflow_step_timeout_ms, settings.workflow_memory_mb)
        url = runtime.settings.resolved_database_url
        if url.startswith("sqlite"):
            system_url = f"sqlite:///{(settings.data_dir / 'workflows.db').resolve()}"
        else:
            system_url = url
        self.key = system_url
        config: DBOSConfig = {
            "name": "lowcraft",
            "system_database_url": system_url,
            "executor_id": settings.workflow_executor_id,
            "application_version": "lowcraft-workflows-1",
            "max_executor_threads": settings.workflow_worker_threads + 16,
            "notification_listener_polling_interval_sec": 0.1,
            "log_level": "WARNING",
        }
        DBOS(config=config)
        DBOS.launch()
        DBOS.register_queue(
            QUEUE, worker_concurrency=settings.workflow_worker_threads,
            partition_concurrency=settings.workflow_concurrency, polling_interval_sec=0.05,
        )
        self._stop = threading.Event()
        self._watch: threading.Thread | None = None
        if not url.startswith("sqlite"):  # on SQLite one process executes runs: nobody to take over
            self._watch = threading.Thread(target=self._watch_replicas, name="lowcraft-workflow-replicas", daemon=True)
            self._watch.start()

    def _watch_replicas(self) -> None:
        """Say this replica is alive, and take over the runs of replicas that stopped saying so."""
        timeout = self.runtime.settings.workflow_executor_timeout_seconds
        while not self._stop.is_set():
            try:
                heartbeat(self.runtime)
                take_over_silent_replicas(self.runtime)
            except Exception:  # noqa: BLE001 - the store may be briefly unreachable; try again next beat
                log.warning("workflow replica heartbeat failed", exc_info=True)
            self._stop.wait(timeout / 3)

    def run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def close(self) -> None:
        self._stop.set()
        if self._watch is not None:
            self._watch.join(timeout=10)
        self.sandbox.close()
        DBOS.destroy(destroy_registry=False)
        try:
            asyncio.run_coroutine_threadsafe(self.pools.close_all(), self.loop).result(timeout=10)
        except Exception:  # noqa: BLE001 - closing pools of an engine going away is best effort
            log.debug("workflow step pools did not close cleanly")
        self.loop.call_soon_threadsafe(self.loop.stop)


_engine: _Engine | None = None
_lock = threading.Lock()


def engine(runtime: Runtime) -> _Engine:
    """The process's engine for this runtime's store, launched on first use."""
    global _engine
    with _lock:
        if _engine is not None and _engine.runtime is not runtime:
            _engine.close()  # a second app in the same process (tests): one DBOS per process
            _engine = None
        if _engine is None:
            _engine = _Engine(runtime)
        return _engine


def _current() -> _Engine:
    assert _engine is not None, "the workflow engine is not launched"
    return _engine


def shutdown(runtime: Runtime) -> None:
    global _engine
    with _lock:
        if _engine is not None and _engine.runtime is runtime:
            _engine.close()
            _engine = None


def _queue() -> Any:
    queue = DBOS.retrieve_queue(QUEUE)
    assert queue is not None, "the workflow queue is registered at launch"
    return queue


def _workflow_key(run_id: str, turn: int) -> str:
    return f"{run_id}.{turn}"


def enqueue(runtime: Runtime, run_id: str, turn: int, partition: str) -> None:
    """Hand a queued run to the engine (idempotent: the DBOS workflow id is the run's id and turn)."""
    engine(runtime)
    with SetWorkflowID(_workflow_key(run_id, turn)), SetEnqueueOptions(queue_partition_key=partition):
        _queue().enqueue(advance, run_id)
    if turn == 1:
        metrics.count_workflow_run("started")


def cancel(runtime: Runtime, workflow_key: str) -> None:
    """Stop the DBOS workflow advancing a cancelled run (the run's row already says cancelled)."""
    if _engine is None:
        return  # nothing of this run executes in this process; its next step sees the cancellation
    try:
        DBOS.cancel_workflow(workflow_key)
    except Exception:  # noqa: BLE001 - not started yet or already finished: the row decides
        log.debug("cancel of %s: no DBOS workflow", workflow_key)
    metrics.count_workflow_run("cancelled")


def launch_if_pending(runtime: Runtime) -> bool:
    """At start (in the background): launch the engine only if runs are unfinished, and hand over the
    queued runs whose hand-over a crash interrupted. DBOS itself resumes the ones it was advancing."""
    with runtime.db.session() as db:
        queued = [
            (r.id, r.turn, r.workflow_id)
            for r in db.scalars(select(WorkflowRun).where(WorkflowRun.status.in_(UNFINISHED)))
            if r.status in ("queued", "running")
        ]
        waiting = db.scalar(select(WorkflowRun.id).where(WorkflowRun.status == "waiting").limit(1))
    if not queued and waiting is None:
        return False
    engine(runtime)
    for run_id, turn, partition in queued:
        with SetWorkflowID(_workflow_key(run_id, turn)), SetEnqueueOptions(queue_partition_key=partition):
            _queue().enqueue(advance, run_id)
    return True


def heartbeat(runtime: Runtime) -> None:
    """Record that this replica (its executor id) is alive now."""
    me = runtime.settings.workflow_executor_id
    with runtime.db.session() as db:
        seen = db.execute(update(WorkflowExecutor).where(WorkflowExecutor.executor_id == me).values(seen_at=utcnow()))
        if seen.rowcount == 0:  # type: ignore[attr-defined]
            db.add(WorkflowExecutor(executor_id=me, seen_at=utcnow()))


def take_over_silent_replicas(runtime: Runtime) -> list[str]:
    """Resume the runs of replicas silent for longer than the executor timeout; the executor ids
    taken over. A replica claims a silent one by deleting its row where it is still stale, so one
    replica wins; DBOS then puts that executor's unfinished workflows back in the queue (only those
    still marked as that executor's, so doing it twice does nothing), and the queue hands each to
    exactly one live replica. A resumed run replays its recorded steps: no completed step runs again."""
    me = runtime.settings.workflow_executor_id
    cutoff = utcnow() - timedelta(seconds=runtime.settings.workflow_executor_timeout_seconds)
    with runtime.db.session() as db:
        silent = list(db.scalars(select(WorkflowExecutor.executor_id).where(
            WorkflowExecutor.seen_at < cutoff, WorkflowExecutor.executor_id != me)))
    taken: list[str] = []
    for executor_id in silent:
        with runtime.db.session() as db:
            claimed = db.execute(delete(WorkflowExecutor).where(
                WorkflowExecutor.executor_id == executor_id, WorkflowExecutor.seen_at < cutoff))
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                continue  # another replica took it over, or it came back
        try:
            handles = DBOS._recover_pending_workflows([executor_id])
        except Exception:
            with runtime.db.session() as db:  # give it back, stale, so the next beat tries again
                db.add(WorkflowExecutor(executor_id=executor_id, seen_at=cutoff - timedelta(seconds=1)))
            raise
        log.warning("replica %s went silent: %d of its workflow runs resume here (%s)", executor_id, len(handles), me)
        taken.append(executor_id)
    return taken


def queue_depth(runtime: Runtime) -> dict[str, int]:
    with runtime.db.session() as db:
        rows = db.execute(
            select(WorkflowRun.status, WorkflowRun.id).where(WorkflowRun.status.in_(UNFINISHED))
        ).all()
    out = dict.fromkeys(UNFINISHED, 0)
    for status, _ in rows:
        out[status] += 1
    return out


# --- the DBOS workflow and its steps --------------------------------------------------------------


def _redacted_error(message: str) -> str:
    return message[:2000]


@DBOS.step(name="lowcraft.workflow.begin")
def _begin(run_id: str) -> dict[str, Any] | None:
    """Mark the run running; what a replay needs (None when the run is finished or cancelled)."""
    runtime = _current().runtime
    with runtime.db.session() as db:
        run = db.get(WorkflowRun, run_id)
        if run is None or run.status not in UNFINISHED:
            return None
        if run.started_at is None:
            run.started_at = utcnow()
        run.status = "running"
        recorded: list[dict[str, Any]] = []
        for row in db.scalars(select(WorkflowStep).where(WorkflowStep.run_id == run_id).order_by(WorkflowStep.index)):
            if row.index != len(recorded) or row.status not in ("succeeded", "failed"):
                break
            recorded.append(_outcome(row))
        started = run.started_at
        return {
            "code": (run.definition or {}).get("code", ""),
            "actions": {n: a.get("bindings", []) for n, a in ((run.definition or {}).get("actions") or {}).items()},
            "input": run.input,
            "recorded": recorded,
            "seed": zlib.crc32(run.id.encode()),
            "now": int(started.timestamp() * 1000) if started else 0,
        }


def _outcome(row: WorkflowStep) -> dict[str, Any]:
    at = int(row.finished_at.timestamp() * 1000) if row.finished_at else None
    if row.status == "succeeded":
        return {"kind": row.kind, "name": row.name, "ok": True, "value": row.result, "at": at}
    return {"kind": row.kind, "name": row.name, "ok": False, "error": row.error or "failed", "at": at}


@DBOS.step(name="lowcraft.workflow.finish")
def _finish(run_id: str, status: str, output: Any, error: dict[str, Any] | None) -> None:
    runtime = _current().runtime
    with runtime.db.session() as db:
        done = db.execute(
            update(WorkflowRun)
            .where(WorkflowRun.id == run_id, WorkflowRun.status.in_(UNFINISHED))
            .values(status=status, output=output, error=error, finished_at=utcnow(), updated_at=utcnow())
        )
    if done.rowcount == 1:  # type: ignore[attr-defined]
        metrics.count_workflow_run(status)


def _claim(db: Any, run_id: str, index: int, kind: str, name: str, args: Any) -> WorkflowStep | dict[str, Any]:
    """The step's row, created or marked running again; or its outcome when it already completed."""
    run = db.get(WorkflowRun, run_id)
    if run is None or run.status == "cancelled":
        raise _Cancelled
    row = db.get(WorkflowStep, (run_id, index))
    if row is not None and row.status == "succeeded":
        return _outcome(row)
    if not isinstance(row, WorkflowStep):
        row = WorkflowStep(run_id=run_id, index=index, kind=kind, name=name, args=redact(args), attempts=0)
        db.add(row)
    row.status = "running"
    row.error = None
    row.started_at = utcnow()
    row.finished_at = None
    return row


class _Cancelled(Exception):
    pass


def _record(run_id: str, index: int, ok: bool, value: Any, error: str | None, attempts: int) -> dict[str, Any]:
    runtime = _current().runtime
    if ok and len(jsontext.dumps(value)) > MAX_RESULT_BYTES:
        ok, value, error = False, None, f"The step's result is larger than {MAX_RESULT_BYTES // 1_000_000} MB."
    with runtime.db.session() as db:
        row = db.get(WorkflowStep, (run_id, index))
        assert row is not None
        row.status = "succeeded" if ok else "failed"
        row.result = value if ok else None
        row.error = None if ok else _redacted_error(error or "failed")
        row.attempts = attempts
        row.finished_at = utcnow()
        return _outcome(row)


def _run_query(run: WorkflowRun, app: Application, db: Any, name: str, args: dict[str, Any]) -> tuple[bool, Any, str]:
    entry = ((run.definition or {}).get("actions") or {}).get(name)
    if entry is None:
        return False, None, f"The workflow's page has no query named {name}."
    if not entry.get("datasourceId"):
        return False, None, f"{name} has no datasource; choose one in the editor."
    runtime = _current().runtime
    ctx = Context(runtime=runtime, db=db)
    try:
        connection = resolve_connection(ctx, entry["datasourceId"], run.environment)
    except LowcraftError as error:
        return False, None, error.message
    if connection.workspace_id != app.workspace_id:
        return False, None, f"{name}'s datasource belongs to another workspace."
    settings = entry.get("settings") or {}
    limits = Limits.from_settings(
        timeout_ms=settings.get("timeoutMs") if isinstance(settings.get("timeoutMs"), int) else None,
        max_response_mb=runtime.settings.max_response_mb,
    )
    return _execute(connection, entry.get("config") or {}, args.get("values") or {}, limits,
                    prepared=settings.get("preparedStatements", True) is not False)


def _execute(connection: Any, config: dict[str, Any], values: dict[str, Any], limits: Limits, *, prepared: bool) -> tuple[bool, Any, str]:
    engine = _current()
    runtime = engine.runtime
    started = time.perf_counter()
    try:
        compiled = CompiledAction.compile(
            connection.connector_type, connection.config, config, datasource_id=connection.datasource_id,
            prepared_statements=prepared, pools=engine.pools,
            policy=runtime.workspace_policy(connection.workspace_id, connection.private_networks),
        )
        result = engine.run(compiled.run(values, limits))
    except ConnectorError as failure:
        result = compile_failure(failure)
    outcome = "success" if result.get("isExecutionSuccess") else str((result.get("error") or {}).get("code", "error"))
    metrics.observe_execution(connection.connector_type, outcome, time.perf_counter() - started)
    if result.get("isExecutionSuccess"):
        return True, result.get("body"), ""
    shown = result.get("error") or {}
    return False, None, str(shown.get("message") or "The query failed.")


def _run_http(run: WorkflowRun, app: Application, db: Any, args: dict[str, Any]) -> tuple[bool, Any, str]:
    name = str(args.get("datasource") or "")
    ds = db.scalar(select(Datasource).where(Datasource.workspace_id == app.workspace_id, Datasource.name == name))
    if ds is None or ds.connector != "rest":
        return False, None, f"lowcraft.http needs the name of a REST API datasource of the workspace; '{name}' is not one."
    texts = [str(args.get("path") or "")]
    query = args.get("query") or {}
    headers = args.get("headers") or {}
    if not isinstance(query, dict) or not isinstance(headers, dict):
        return False, None, "lowcraft.http: query and headers must be objects."
    texts += [str(v) for v in [*query.keys(), *query.values(), *headers.keys(), *headers.values()]]
    body = args.get("body")
    json_body = "" if body is None else jsontext.dumps(body).decode()
    if any("{{" in t for t in [*texts, json_body]):
        return False, None, "lowcraft.http: '{{' is not allowed in a request (values are sent as they are)."
    config = {
        "method": str(args.get("method") or "GET").upper(), "path": texts[0],
        "query_params": [{"key": str(k), "value": str(v)} for k, v in query.items()],
        "headers": [{"key": str(k), "value": str(v)} for k, v in headers.items()],
        "body_type": "none" if body is None else "json", "json_body": json_body,
    }
    try:
        connection = resolve_connection(Context(runtime=_current().runtime, db=db), ds.id, run.environment)
    except LowcraftError as error:
        return False, None, error.message
    limits = Limits.from_settings(max_response_mb=_current().runtime.settings.max_response_mb)
    return _execute(connection, config, {}, limits, prepared=True)


@DBOS.step(name="lowcraft.workflow.step")
def _run_step(run_id: str, index: int, kind: str, name: str, args: dict[str, Any]) -> dict[str, Any]:
    """Run a query or HTTP step (again, on retry of a failed run) and record its outcome; a step
    that already completed is answered from its record and not run again."""
    runtime = _current().runtime
    with runtime.db.session() as db:
        claimed = _claim(db, run_id, index, kind, name, args)
        if isinstance(claimed, dict):
            return claimed
    retries = max(0, min(int(args.get("retries") or 0), MAX_RETRIES)) if isinstance(args, dict) else 0
    attempts = 0
    while True:
        attempts += 1
        with runtime.db.session() as db:
            run = db.get(WorkflowRun, run_id)
            if run is None or run.status == "cancelled":
                raise _Cancelled
            app = db.get(Application, run.application_id)
            assert app is not None
            try:
                if kind == "http":
                    ok, value, error = _run_http(run, app, db, args)
                else:
                    ok, value, error = _run_query(run, app, db, name, args)
            except Exception:
                log.exception("workflow step %s of run %s failed unexpectedly", name, run_id)
                ok, value, error = False, None, "The step could not run (see the server log)."
        if ok or attempts > retries:
            return _record(run_id, index, ok, value, error, attempts)
        time.sleep(min(BACKOFF_SECONDS * 2 ** (attempts - 1), BACKOFF_CAP_SECONDS))


@DBOS.step(name="lowcraft.workflow.sleep_begin")
def _sleep_begin(run_id: str, index: int, ms: int) -> dict[str, Any] | None:
    runtime = _current().runtime
    with runtime.db.session() as db:
        claimed = _claim(db, run_id, index, "sleep", "sleep", {"ms": ms})
        return claimed if isinstance(claimed, dict) else None


@DBOS.step(name="lowcraft.workflow.sleep_end")
def _sleep_end(run_id: str, index: int) -> dict[str, Any]:
    return _record(run_id, index, True, None, None, 1)


def _clean_list(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return sorted({str(v).strip().lower() for v in value if str(v).strip()})[:100]


@DBOS.step(name="lowcraft.workflow.request")
def _open_request(run_id: str, index: int, spec: dict[str, Any]) -> dict[str, Any] | None:
    """Open the request (once) and park the run; its outcome when someone already decided."""
    runtime = _current().runtime
    with runtime.db.session() as db:
        claimed = _claim(db, run_id, index, "request", str(spec.get("requestName") or "request"), spec)
        if isinstance(claimed, dict):
            return claimed
        run = db.get(WorkflowRun, run_id)
        assert run is not None
        existing = db.scalar(select(WorkflowRequest).where(WorkflowRequest.run_id == run_id, WorkflowRequest.step_index == index))
        resolutions = [str(r)[:200] for r in (spec.get("resolutions") or []) if str(r).strip()][:20] \
            if isinstance(spec.get("resolutions"), list) else []
        if existing is None:
            db.add(WorkflowRequest(
                run_id=run_id, step_index=index, application_id=run.application_id,
                name=str(spec.get("requestName") or "request")[:200], message=str(spec.get("message") or "")[:10_000],
                resolutions=resolutions, users=_clean_list(spec.get("requestToUsers")),
                groups=_clean_list(spec.get("requestToGroups")), request_metadata=spec.get("metadata"),
            ))
        claimed.status = "waiting"
        run.status = "waiting"
        return None


def _fail_message(answer: dict[str, Any], recorded: list[dict[str, Any]]) -> dict[str, Any]:
    step = answer.get("step")
    error: dict[str, Any] = {"message": str(answer.get("message") or "The workflow failed."), "step": step}
    if isinstance(step, int) and 0 <= step < len(recorded):
        error["stepName"] = recorded[step]["name"]
        error["kind"] = recorded[step]["kind"]
        error["message"] = f"Step {step + 1} ({recorded[step]['kind']} '{recorded[step]['name']}') failed: {error['message']}"
    if answer.get("limit"):
        error["limit"] = True
    if answer.get("stack"):
        error["stack"] = answer["stack"]
    return error


@DBOS.workflow(name="lowcraft.workflow.advance")
def advance(run_id: str) -> str:
    """Take the run as far as it goes: finished, failed, or waiting for a decision."""
    begin = _begin(run_id)
    if begin is None:
        return "finished"
    recorded: list[dict[str, Any]] = begin.pop("recorded")
    sandbox = _current().sandbox
    try:
        while True:
            answer = sandbox.replay({**begin, "recorded": recorded})
            kind = answer.get("type")
            if kind == "done":
                _finish(run_id, "succeeded", answer.get("output"), None)
                return "succeeded"
            if kind != "step":
                _finish(run_id, "failed", None, _fail_message(answer, recorded))
                return "failed"
            index, step_kind, name = int(answer["index"]), str(answer["kind"]), str(answer["name"])
            if index != len(recorded):
                _finish(run_id, "failed", None, {"message": "The script asked for a step out of order.", "step": index})
                return "failed"
            args = answer.get("args") if isinstance(answer.get("args"), dict) else {}
            assert args is not None
            if step_kind in ("query", "http"):
                outcome = _run_step(run_id, index, step_kind, name, args)
            elif step_kind == "sleep":
                ms = max(0, min(int(args.get("ms") or 0), MAX_SLEEP_MS))
                done = _sleep_begin(run_id, index, ms)
                if done is None:
                    DBOS.sleep(ms / 1000)
                    done = _sleep_end(run_id, index)
                outcome = done
            elif step_kind == "request":
                decided = _open_request(run_id, index, args)
                if decided is None:
                    return "waiting"
                outcome = decided
            else:
                _finish(run_id, "failed", None, {"message": f"Unknown step kind {step_kind}.", "step": index})
                return "failed"
            recorded.append(outcome)
    except _Cancelled:
        return "cancelled"
    except DBOSWorkflowCancelledError:
        raise
    except Exception as unexpected:  # the run must end: a run left running forever helps nobody
        log.exception("workflow run %s failed unexpectedly", run_id)
        _finish(run_id, "failed", None, {"message": f"The run failed unexpectedly: {type(unexpected).__name__}.", "step": None})
        return "failed"
