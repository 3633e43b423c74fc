"""Runs started from an app (the published workflow) are recorded with trigger `app`; runs started in
the editor with `manual`."""

from __future__ import annotations

from tests.conftest import Instance
from tests.triggers.support import app_with_workflow, runs_of


def test_a_run_from_a_published_app_has_trigger_app_and_one_from_the_editor_manual(instance: Instance) -> None:
    admin = instance.user("admin@example.com")
    flow = app_with_workflow(admin)
    base = f"/api/v1/applications/{flow.app}/workflows/{flow.workflow}/runs"
    from_app = admin.ok("POST", base, 201, json={"data": {"n": 1}, "mode": "view", "waitSeconds": 20})
    from_editor = admin.ok("POST", base, 201, json={"data": {"n": 2}, "waitSeconds": 20})
    by_id = {run.id: run for run in runs_of(instance, flow.workflow)}
    assert (by_id[from_app["id"]].trigger, by_id[from_app["id"]].mode) == ("app", "view")
    assert (by_id[from_editor["id"]].trigger, by_id[from_editor["id"]].mode) == ("manual", "edit")
    listed = admin.ok("GET", f"/api/v1/applications/{flow.app}/workflows/runs")["runs"]
    assert {r["id"]: r["trigger"] for r in listed} == {from_app["id"]: "app", from_editor["id"]: "manual"}
    assert admin.ok("GET", f"/api/v1/applications/{flow.app}/workflows/runs/{from_app['id']}")["trigger"] == "app"
