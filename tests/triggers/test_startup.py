"""What a start and the housekeeping ask of triggers before loading them: whether a schedule is
enabled (the ticker loads the scheduler only then) and whether webhook delivery ids are kept."""

from __future__ import annotations

from lowcraft.triggers.models import WebhookDelivery
from lowcraft.triggers.startup import has_deliveries, has_enabled_schedules
from tests.conftest import Api, Instance
from tests.triggers.support import app_with_workflow


def test_the_ticker_sees_a_schedule_only_while_one_is_enabled(instance: Instance, admin: Api) -> None:
    db = instance.app.state.runtime.db
    flow = app_with_workflow(admin)
    assert not has_enabled_schedules(db)
    url = f"/api/v1/workflows/{flow.workflow}/schedule"
    admin.ok("PUT", url, json={"cron": "*/5 * * * *"})
    assert has_enabled_schedules(db)
    admin.ok("PUT", url, json={"cron": "*/5 * * * *", "enabled": False})
    assert not has_enabled_schedules(db)
    admin.ok("DELETE", url, 204)
    assert not has_enabled_schedules(db)


def test_the_housekeeping_sees_kept_delivery_ids(instance: Instance, admin: Api) -> None:
    runtime = instance.app.state.runtime
    flow = app_with_workflow(admin)
    assert not has_deliveries(runtime.db)
    with runtime.db.session() as db:
        db.add(WebhookDelivery(workflow_id=flow.workflow, delivery_id="a" * 64))
    assert has_deliveries(runtime.db)
