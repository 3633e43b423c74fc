"""Fixtures of the workflow tests: an application whose page has queries on a real PostgreSQL
`orders` table, and helpers to write workflows, start runs and wait for them."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from tests.actions.conftest import PG_PASSWORD, orders_db  # noqa: F401 - fixture
from tests.apps.test_applications import default_page, make_app
from tests.conftest import Api, first_workspace

QUERIES = {
    "insertOrder": "insert into orders (customer, total, status) values ({{this.params.customer}}, 1, 'new') returning id",
    "countOrders": "select count(*)::int as n from orders where customer = {{this.params.customer}}",
    "slowQuery": "select pg_sleep({{this.params.seconds}}) is null as slept",
    "failing": "select * from no_such_table",
}


@pytest.fixture
def wf(admin: Api, orders_db: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    ws = first_workspace(admin)
    ds = admin.ok("POST", f"/api/v1/workspaces/{ws}/datasources", 201, json={
        "name": "Orders DB", "connector": "postgres", "configs": {"production": orders_db}})
    app = make_app(admin)
    page = default_page(admin, app["id"])
    actions = {
        name: admin.ok("POST", f"/api/v1/applications/{app['id']}/actions", 201, json={
            "pageId": page["id"], "name": name, "datasourceId": ds["id"], "config": {"sql": sql}})
        for name, sql in QUERIES.items()
    }
    return {"ws": ws, "ds": ds, "app": app, "page": page, "actions": actions, "pg": orders_db}


def add_workflow(client: Api, setup: dict[str, Any], name: str, body: str) -> dict[str, Any]:
    return client.ok("POST", f"/api/v1/applications/{setup['app']['id']}/js-objects", 201, json={  # type: ignore[no-any-return]
        "pageId": setup["page"]["id"], "name": name, "body": body})


def start(client: Api, setup: dict[str, Any], workflow: dict[str, Any], data: Any = None, **extra: Any) -> dict[str, Any]:
    return client.ok(  # type: ignore[no-any-return]
        "POST", f"/api/v1/applications/{setup['app']['id']}/workflows/{workflow['id']}/runs", 201,
        json={"data": data, **extra},
    )


def get_run(client: Api, setup: dict[str, Any], run_id: str) -> dict[str, Any]:
    return client.ok("GET", f"/api/v1/applications/{setup['app']['id']}/workflows/runs/{run_id}")  # type: ignore[no-any-return]


def wait_status(client: Api, setup: dict[str, Any], run_id: str, *statuses: str, timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        run = get_run(client, setup, run_id)
        if run["status"] in statuses:
            return run
        assert time.monotonic() < deadline, f"run {run_id} is {run['status']}, not {statuses}: {run}"
        time.sleep(0.1)


def count_rows(pg: dict[str, Any], customer: str) -> int:
    with psycopg.connect(host=pg["host"], user="postgres", dbname=pg["database"], port=5432) as c:
        row = c.execute("select count(*) from orders where customer = %s", (customer,)).fetchone()
        assert row is not None
        return int(row[0])


@pytest.fixture(autouse=True)
def _engine_stopped() -> Iterator[None]:
    """Each test's app launches its own engine; it stops with the app (lifespan)."""
    yield
