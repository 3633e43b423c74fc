"""Fixtures of the action tests: an `orders` table in a throwaway PostgreSQL database, and an
application with a datasource on it and an action reading it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from tests.apps.test_applications import default_page, make_app
from tests.conftest import Api, first_workspace


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


PG_PASSWORD = "not-really-needed-but-secret"


@pytest.fixture
def orders_db(pg_database: dict[str, Any], database_url: str, request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    """An `orders` table in the throwaway customer database, fresh for each test.

    When the store itself is on this machine's PostgreSQL, datasources may not reach that server
    (it is the instance's store): the customer database is then reached through another port.
    """
    with psycopg.connect(host=pg_database["host"], user="postgres", dbname=pg_database["database"], autocommit=True) as c:
        c.execute("drop table if exists orders; create table orders (id serial primary key, customer text, "
                  "total numeric(10,2), status text)")
        c.execute("insert into orders (customer, total, status) values ('Ada', 10.50, 'open'), "
                  "('Bob', 99.00, 'paid'), ('Cy', 5.25, 'open')")
    port = request.getfixturevalue("postgres_elsewhere") if database_url.startswith("postgres") else pg_database["port"]
    yield {**pg_database, "port": port, "password": PG_PASSWORD}


def orders(pg: dict[str, Any]) -> list[tuple[Any, ...]]:
    with psycopg.connect(host=pg["host"], user="postgres", dbname=pg["database"]) as c:
        return c.execute("select id, customer, status from orders order by id").fetchall()


@pytest.fixture
def setup(admin: Api, orders_db: dict[str, Any]) -> dict[str, Any]:
    ws = first_workspace(admin)
    ds = admin.ok("POST", f"/api/v1/workspaces/{ws}/datasources", 201, json={
        "name": "Orders DB", "connector": "postgres", "configs": {"production": orders_db}})
    app = make_app(admin)
    page = default_page(admin, app["id"])
    action = admin.ok("POST", f"/api/v1/applications/{app['id']}/actions", 201, json={
        "pageId": page["id"], "name": "getOrders", "datasourceId": ds["id"],
        "config": {"sql": "select id, customer, total from orders where status = {{Select1.selectedOptionValue}} order by id"},
        "settings": {"runOnPageLoad": True}})
    return {"ws": ws, "ds": ds, "app": app, "page": page, "action": action}


def run(client: Api, action_id: str, params: dict[str, Any], mode: str = "edit", **extra: Any) -> dict[str, Any]:
    return client.ok("POST", f"/api/v1/actions/{action_id}/execute", json={"params": params, "mode": mode, **extra})  # type: ignore[no-any-return]
