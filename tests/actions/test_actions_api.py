"""Datasources, actions and execution through the API, against the machine's real PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, text

from lowcraft.audit.models import AuditEvent
from lowcraft.datasources.models import DatasourceConfig
from tests.actions.conftest import PG_PASSWORD, orders, run
from tests.apps.test_applications import add_viewer
from tests.conftest import Api, Instance


def test_a_query_runs_with_its_binding_values_as_parameters(admin: Api, setup: dict[str, Any]) -> None:
    result = run(admin, setup["action"]["id"], {"Select1.selectedOptionValue": "open"})
    assert result["isExecutionSuccess"] is True
    assert [row["customer"] for row in result["body"]] == ["Ada", "Cy"]
    assert result["rowCount"] == 2 and [c["name"] for c in result["columns"]] == ["id", "customer", "total"]
    assert result["request"]["params"] == ["open"]


@pytest.mark.parametrize("attack", ["'; DROP TABLE orders; --", "open' OR '1'='1", "1 OR 1=1"])
def test_sql_injection_through_a_binding_arrives_as_a_plain_value(
    admin: Api, setup: dict[str, Any], orders_db: dict[str, Any], attack: str
) -> None:
    result = run(admin, setup["action"]["id"], {"Select1.selectedOptionValue": attack})
    assert result["isExecutionSuccess"] is True and result["body"] == []
    assert len(orders(orders_db)) == 3


def test_datasource_secrets_are_masked_in_responses_and_encrypted_at_rest(
    instance: Instance, admin: Api, setup: dict[str, Any]
) -> None:
    ds = admin.ok("GET", f"/api/v1/datasources/{setup['ds']['id']}")
    assert ds["configs"]["production"]["password"] == "********"
    listed = admin.get(f"/api/v1/workspaces/{setup['ws']}/datasources").text
    assert PG_PASSWORD not in listed
    with instance.app.state.runtime.db.session() as db:
        stored = db.scalars(select(DatasourceConfig.encrypted)).all()
        audit = db.execute(text("select summary from audit_events")).all()
    assert stored and all(PG_PASSWORD not in row and "orders" not in row for row in stored)
    assert PG_PASSWORD not in str(audit)


def test_an_update_that_leaves_the_secret_masked_keeps_it(admin: Api, setup: dict[str, Any]) -> None:
    ds_id = setup["ds"]["id"]
    config = admin.ok("GET", f"/api/v1/datasources/{ds_id}")["configs"]["production"]
    admin.ok("PATCH", f"/api/v1/datasources/{ds_id}", json={"configs": {"production": {**config, "connect_timeout_seconds": 6}}})
    assert admin.ok("POST", f"/api/v1/datasources/{ds_id}/test")["ok"] is True
    result = run(admin, setup["action"]["id"], {"Select1.selectedOptionValue": "paid"})
    assert [r["customer"] for r in result["body"]] == ["Bob"]


def test_test_and_structure_describe_the_database(admin: Api, setup: dict[str, Any]) -> None:
    ds_id = setup["ds"]["id"]
    assert admin.ok("POST", f"/api/v1/datasources/{ds_id}/test")["ok"] is True
    tables = admin.ok("GET", f"/api/v1/datasources/{ds_id}/structure")["tables"]
    [orders_table] = [t for t in tables if t["name"] == "orders"]
    columns = {c["name"]: c for c in orders_table["columns"]}
    assert set(columns) == {"id", "customer", "total", "status"} and columns["id"]["primaryKey"] is True


def test_a_wrong_host_is_reported_readably_by_test(admin: Api, setup: dict[str, Any]) -> None:
    result = admin.ok("POST", f"/api/v1/workspaces/{setup['ws']}/datasources/test", json={
        "connector": "postgres", "config": {"host": "127.0.0.1", "port": 1, "user": "x", "database": "y"}})
    assert result["ok"] is False and result["message"]


def test_environments_have_their_own_configs(admin: Api, setup: dict[str, Any], orders_db: dict[str, Any]) -> None:
    action = setup["action"]["id"]
    staging = {**orders_db, "database": "postgres"}  # a different database: no orders table there
    admin.ok("PATCH", f"/api/v1/datasources/{setup['ds']['id']}", json={"configs": {"staging": staging}})
    staged = run(admin, action, {"Select1.selectedOptionValue": "open"}, environment="staging")
    assert staged["isExecutionSuccess"] is False and "orders" in staged["error"]["message"]
    assert run(admin, action, {"Select1.selectedOptionValue": "open"})["isExecutionSuccess"] is True


def test_an_unconfigured_environment_is_a_clear_error(admin: Api, setup: dict[str, Any]) -> None:
    response = admin.post(f"/api/v1/actions/{setup['action']['id']}/execute",
                          json={"params": {"Select1.selectedOptionValue": "open"}, "mode": "edit", "environment": "staging"})
    assert response.status_code == 400 and "staging" in response.json()["error"]["message"]
    bad = admin.post(f"/api/v1/actions/{setup['action']['id']}/execute",
                     json={"params": {}, "mode": "edit", "environment": "moon"})
    assert bad.status_code == 422


def test_viewers_run_the_published_action_and_never_see_its_config(
    instance: Instance, admin: Api, setup: dict[str, Any]
) -> None:
    viewer = add_viewer(instance, admin)
    action = setup["action"]["id"]
    unpublished = viewer.post(f"/api/v1/actions/{action}/execute", json={"params": {"Select1.selectedOptionValue": "open"}})
    assert unpublished.status_code == 404
    admin.ok("POST", f"/api/v1/applications/{setup['app']['id']}/publish")
    # Edited after publishing: the viewer still runs the published query.
    admin.ok("PATCH", f"/api/v1/actions/{action}", json={"config": {"sql": "select 'draft' as customer"}})
    result = run(viewer, action, {"Select1.selectedOptionValue": "open"}, mode="view")
    assert [r["customer"] for r in result["body"]] == ["Ada", "Cy"]
    assert viewer.get(f"/api/v1/actions/{action}").status_code == 403
    assert viewer.get(f"/api/v1/datasources/{setup['ds']['id']}").status_code == 403
    view = viewer.ok("GET", f"/api/v1/view/{setup['app']['slug']}")
    assert PG_PASSWORD not in str(view)
    assert viewer.post(f"/api/v1/actions/{action}/execute", json={"params": {}, "mode": "edit"}).status_code == 403


def test_export_names_datasources_and_import_reuses_them_without_secrets(admin: Api, setup: dict[str, Any]) -> None:
    exported = admin.ok("GET", f"/api/v1/applications/{setup['app']['id']}/export")
    assert PG_PASSWORD not in str(exported)
    [datasource] = exported["datasources"]
    assert (datasource["name"], datasource["connector"]) == ("Orders DB", "postgres")
    assert datasource["settings"]["host"] == setup["ds"]["configs"]["production"]["host"]
    assert "password" not in datasource["settings"]
    [action] = exported["pages"][0]["actions"]
    assert (action["name"], action["datasource"], action["settings"]["runOnPageLoad"]) == ("getOrders", "Orders DB", True)
    imported = admin.ok("POST", f"/api/v1/workspaces/{setup['ws']}/applications/import", 201,
                        json={"document": exported, "name": "Copy"})
    [copy] = admin.ok("GET", f"/api/v1/applications/{imported['id']}/actions")["actions"]
    assert copy["datasourceId"] == setup["ds"]["id"]
    assert run(admin, copy["id"], {"Select1.selectedOptionValue": "paid"})["rowCount"] == 1


def test_importing_into_another_workspace_creates_the_datasource_with_its_settings_and_no_secret(
    admin: Api, setup: dict[str, Any]
) -> None:
    exported = admin.ok("GET", f"/api/v1/applications/{setup['app']['id']}/export")
    other = admin.ok("POST", "/api/v1/workspaces", 201, json={"name": "Elsewhere"})["id"]
    imported = admin.ok("POST", f"/api/v1/workspaces/{other}/applications/import", 201, json={"document": exported})
    assert imported["datasources"] == [{"name": "Orders DB", "connector": "postgres", "created": True,
                                        "message": "Created with the production settings the app records: add its credentials."}]
    [ds] = admin.ok("GET", f"/api/v1/workspaces/{other}/datasources")["datasources"]
    assert (ds["name"], ds["environments"]) == ("Orders DB", ["production"])
    production, original = ds["configs"]["production"], setup["ds"]["configs"]["production"]
    assert (production["host"], production["port"], production["database"]) == (
        original["host"], original["port"], original["database"])
    assert production["password"] == ""


def test_a_datasource_in_use_cannot_be_deleted(admin: Api, setup: dict[str, Any]) -> None:
    response = admin.delete(f"/api/v1/datasources/{setup['ds']['id']}")
    assert response.status_code == 409 and "getOrders" in response.json()["error"]["message"]
    admin.ok("DELETE", f"/api/v1/actions/{setup['action']['id']}", 204)
    admin.ok("DELETE", f"/api/v1/datasources/{setup['ds']['id']}", 204)


def test_action_names_share_the_pages_namespace(admin: Api, setup: dict[str, Any]) -> None:
    body = {"pageId": setup["page"]["id"], "datasourceId": setup["ds"]["id"], "config": {"sql": "select 1"}}
    clash = admin.post(f"/api/v1/applications/{setup['app']['id']}/actions", json={**body, "name": "getOrders"})
    assert clash.status_code == 409
    invalid = admin.post(f"/api/v1/applications/{setup['app']['id']}/actions", json={**body, "name": "get orders"})
    assert invalid.status_code == 422
    bad_settings = admin.post(f"/api/v1/applications/{setup['app']['id']}/actions",
                              json={**body, "name": "q2", "settings": {"timeoutMs": -5}})
    assert bad_settings.status_code == 422


def test_a_slow_query_is_cut_off_at_the_action_timeout(admin: Api, setup: dict[str, Any]) -> None:
    slow = admin.ok("POST", f"/api/v1/applications/{setup['app']['id']}/actions", 201, json={
        "pageId": setup["page"]["id"], "name": "slow", "datasourceId": setup["ds"]["id"],
        "config": {"sql": "select pg_sleep(5)"}, "settings": {"timeoutMs": 300}})
    result = run(admin, slow["id"], {})
    assert result["isExecutionSuccess"] is False and result["error"]["code"] == "timeout"
    assert admin.ok("GET", "/api/v1/health") == {"status": "ok"}


def test_executions_are_not_audited_but_datasource_changes_are(instance: Instance, admin: Api, setup: dict[str, Any]) -> None:
    run(admin, setup["action"]["id"], {"Select1.selectedOptionValue": "open"})
    with instance.app.state.runtime.db.session() as db:
        actions = set(db.scalars(select(AuditEvent.action)).all())
    assert {"datasource.created", "action.created"} <= actions


def test_a_query_with_prepared_statements_off_runs_the_sql_its_bindings_build(
    admin: Api, setup: dict[str, Any], orders_db: dict[str, Any]
) -> None:
    # Appsmith apps build multi-row inserts in JavaScript; with prepared statements off the
    # evaluated text becomes part of the SQL, as it does in Appsmith.
    action = admin.ok("POST", f"/api/v1/applications/{setup['app']['id']}/actions", 201, json={
        "pageId": setup["page"]["id"], "name": "addOrders", "datasourceId": setup["ds"]["id"],
        "config": {"sql": "insert into orders (customer, total, status) values {{ rows }}"},
        "settings": {"preparedStatements": False}})
    assert action["settings"]["preparedStatements"] is False
    built = "('Dee', 1.5, 'open'), ('Eve', 2, 'paid')"
    result = run(admin, action["id"], {"rows": built})
    assert result["isExecutionSuccess"] is True and result["rowCount"] == 2
    assert result["request"]["params"] is None
    assert [row[1] for row in orders(orders_db)] == ["Ada", "Bob", "Cy", "Dee", "Eve"]
    # The default action beside it still sends the same kind of text as a value.
    same = run(admin, setup["action"]["id"], {"Select1.selectedOptionValue": "open' OR '1'='1"})
    assert same["body"] == [] and same["request"]["params"] == ["open' OR '1'='1"]
