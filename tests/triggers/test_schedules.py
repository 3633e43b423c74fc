"""Schedules through the API and the ticker: a saved schedule fires at its times, once per fire
time whichever replicas tick, and missed fire times are skipped or run once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from lowcraft.audit.models import AuditEvent
from lowcraft.triggers import scheduler
from lowcraft.triggers.models import ScheduleFire, WorkflowSchedule
from tests.conftest import Api, Instance
from tests.triggers.support import app_with_workflow, runs_of


def _last_fire(instance: Instance, workflow: str, when: datetime) -> None:
    """Pretend the schedule was saved (or last fired) at `when`."""
    with instance.app.state.runtime.db.session() as db:
        db.execute(update(WorkflowSchedule).where(WorkflowSchedule.workflow_id == workflow).values(last_fire_at=when))


def test_a_schedule_is_checked_when_saved(instance: Instance, admin: Api) -> None:
    flow = app_with_workflow(admin)
    url = f"/api/v1/workflows/{flow.workflow}/schedule"
    for body, field in (({"cron": "61 * * * *"}, "cron"), ({"cron": "* * * * *", "timezone": "Nowhere/Else"}, "timezone"),
                        ({"cron": "* * * * *", "missedRuns": "sometimes"}, "missedRuns")):
        response = admin.put(url, json=body)
        assert response.status_code == 422 and response.json()["error"]["details"]["field"] == field, response.text
    saved = admin.ok("PUT", url, json={"cron": "30 9 * * 1-5", "timezone": "Europe/Paris", "missedRuns": "runOnce"})
    assert saved["cron"] == "30 9 * * 1-5" and saved["missedRuns"] == "runOnce"
    upcoming = datetime.fromisoformat(saved["nextFireAt"])
    assert upcoming.astimezone(datetime.now().astimezone().tzinfo) > datetime.now(UTC)
    assert admin.ok("GET", f"/api/v1/workflows/{flow.workflow}/triggers")["schedule"]["timezone"] == "Europe/Paris"
    admin.ok("DELETE", url, 204)
    assert admin.ok("GET", f"/api/v1/workflows/{flow.workflow}/triggers")["schedule"] is None
    with instance.app.state.runtime.db.session() as db:
        actions = [e.action for e in db.scalars(select(AuditEvent).where(AuditEvent.action.like("workflow.schedule%")))]
    assert actions == ["workflow.schedule_set", "workflow.schedule_removed"]


def test_two_replicas_ticking_at_the_same_moment_start_one_run(instance: Instance, admin: Api) -> None:
    flow = app_with_workflow(admin)
    admin.ok("PUT", f"/api/v1/workflows/{flow.workflow}/schedule", json={"cron": "*/5 * * * *"})
    runtime = instance.app.state.runtime
    _last_fire(instance, flow.workflow, datetime(2026, 3, 1, 9, 58, tzinfo=UTC))
    now = datetime(2026, 3, 1, 10, 0, 7, tzinfo=UTC)
    first = scheduler.tick(runtime, now, replica="replica-a")
    second = scheduler.tick(runtime, now, replica="replica-b")
    assert [(w, t) for w, t, _ in first] == [(flow.workflow, datetime(2026, 3, 1, 10, 0, tzinfo=UTC))]
    assert second == []
    # The next tick in the same five minutes finds nothing due; the next fire time fires.
    assert scheduler.tick(runtime, now + timedelta(minutes=2), replica="replica-b") == []
    assert len(scheduler.tick(runtime, now + timedelta(minutes=5), replica="replica-b")) == 1
    runs = runs_of(instance, flow.workflow)
    assert sorted(r.input["scheduledAt"] for r in runs) == ["2026-03-01T10:00:00+00:00", "2026-03-01T10:05:00+00:00"]
    assert {r.trigger for r in runs} == {"schedule"}
    with runtime.db.session() as db:
        fires = list(db.scalars(select(ScheduleFire).order_by(ScheduleFire.fire_at)))
        assert [(f.claimed_by, f.run_id is not None) for f in fires] == [("replica-a", True), ("replica-b", True)]


def test_missed_fire_times_are_skipped_or_run_once(instance: Instance, admin: Api) -> None:
    skip = app_with_workflow(admin, name="Hourly")
    once = app_with_workflow(admin, name="Catchup")
    admin.ok("PUT", f"/api/v1/workflows/{skip.workflow}/schedule", json={"cron": "0 * * * *", "missedRuns": "skip"})
    admin.ok("PUT", f"/api/v1/workflows/{once.workflow}/schedule", json={"cron": "0 * * * *", "missedRuns": "runOnce"})
    down_since = datetime(2026, 3, 1, 6, 30, tzinfo=UTC)
    for flow in (skip, once):
        _last_fire(instance, flow.workflow, down_since)
    back = datetime(2026, 3, 1, 10, 20, tzinfo=UTC)  # four fire times were missed while no replica ran
    started = scheduler.tick(instance.app.state.runtime, back, replica="replica-a")
    assert [(w, t) for w, t, _ in started] == [(once.workflow, datetime(2026, 3, 1, 10, 0, tzinfo=UTC))]
    assert runs_of(instance, skip.workflow) == [] and len(runs_of(instance, once.workflow)) == 1
    # A disabled schedule never fires.
    admin.ok("PUT", f"/api/v1/workflows/{skip.workflow}/schedule", json={"cron": "0 * * * *", "enabled": False})
    later = scheduler.tick(instance.app.state.runtime, back + timedelta(hours=1), replica="replica-a")
    assert [(w, t) for w, t, _ in later] == [(once.workflow, datetime(2026, 3, 1, 11, 0, tzinfo=UTC))]
    assert runs_of(instance, skip.workflow) == []
