"""What anonymous visitors of a public app learn from running its queries (issue 11, finding 9).

A published app's queries run for anyone who may view it. Their results carry what the app reads
(data, status, headers, an error it can show), never the query itself (SQL text, bound values),
the server's file paths or the datasource's connection details; whichever door of the execute
endpoint answers (the route, or the plan cache for repeated executions).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from tests.apps.test_applications import default_page, make_app
from tests.conftest import Api, Instance, first_workspace
from tests.servers import free_port

# The store's backend plays no part here: one is enough.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

SECRET_VALUE = "bound-value-7f3a"
WHAT_THE_APP_READS = {"isExecutionSuccess", "statusCode", "body", "headers", "durationMs", "error"}


@dataclass
class PublicApp:
    instance: Instance
    admin: Api
    actions: dict[str, str]
    database: Path


QUERIES = {
    "findCustomer": "select name, plan from customers where name = {{Input1.text}}",
    "brokenQuery": "select secret_column from missing_table where name = {{Input1.text}}",
    "missingFile": "select 1 where 'x' = {{Input1.text}}",
}


@pytest.fixture
def public_app(instance: Instance, admin: Api) -> PublicApp:
    ws = first_workspace(admin)
    folder = instance.settings.sqlite_root_paths[0] / ws
    folder.mkdir(parents=True)
    database = folder / "customers.db"
    with sqlite3.connect(database) as db:
        db.execute("create table customers (name text, plan text)")
        db.execute("insert into customers values (?, 'gold')", [SECRET_VALUE])
    datasources = {
        path: admin.ok("POST", f"/api/v1/workspaces/{ws}/datasources", 201, json={
            "name": path.name, "connector": "sqlite", "configs": {"production": {"path": str(path)}}})["id"]
        for path in (database, folder / "gone.db")
    }
    app = make_app(admin)
    page = default_page(admin, app["id"])
    actions = {}
    for name, sql in QUERIES.items():
        datasource = datasources[folder / "gone.db" if name == "missingFile" else database]
        actions[name] = admin.ok("POST", f"/api/v1/applications/{app['id']}/actions", 201, json={
            "pageId": page["id"], "name": name, "datasourceId": datasource, "config": {"sql": sql}})["id"]
    admin.ok("PATCH", f"/api/v1/applications/{app['id']}", json={"isPublic": True})
    admin.ok("POST", f"/api/v1/applications/{app['id']}/publish")
    return PublicApp(instance, admin, actions, database)


@pytest.fixture
def store_reads(public_app: PublicApp) -> Iterator[list[str]]:
    """Statements the store runs; none when the plan cache answers."""
    reads: list[str] = []
    engine = public_app.instance.app.state.runtime.db.engine
    listener = lambda *args: reads.append(args[2])  # (conn, cursor, statement, ...)
    event.listen(engine, "before_cursor_execute", listener)
    yield reads
    event.remove(engine, "before_cursor_execute", listener)


def first_and_cached(app: PublicApp, action: str, reads: list[str]) -> list[dict[str, Any]]:
    """The anonymous visitor runs `action` twice: through the route, then from the plan cache."""
    visitor = app.instance.anonymous()
    body = {"params": {"Input1.text": SECRET_VALUE}, "mode": "view"}
    first = visitor.ok("POST", f"/api/v1/actions/{app.actions[action]}/execute", json=body)
    reads.clear()
    again = visitor.ok("POST", f"/api/v1/actions/{app.actions[action]}/execute", json=body)
    assert reads == [], "the second execution was not answered from the plan cache"
    return [first, again]


def assert_discloses_nothing(result: dict[str, Any], app: PublicApp, *, data: Any = None) -> None:
    assert set(result) <= WHAT_THE_APP_READS
    text = json.dumps({k: v for k, v in result.items() if k != "body"})
    for leak in ("select", "customers where", "missing_table", SECRET_VALUE, str(app.database.parent), "gone.db"):
        if leak == "missing_table" and result.get("error", {}).get("code") == "query_failed":
            continue  # the database's own words name the table it lacks: that is the error
        assert leak not in text, f"{leak!r} in {text}"
    assert result["body"] == data


def test_a_successful_query_returns_its_rows_and_nothing_of_the_query(
    public_app: PublicApp, store_reads: list[str]
) -> None:
    for result in first_and_cached(public_app, "findCustomer", store_reads):
        assert result["isExecutionSuccess"] is True
        assert_discloses_nothing(result, public_app, data=[{"name": SECRET_VALUE, "plan": "gold"}])


def test_a_failing_query_keeps_a_useful_message_and_drops_the_query(
    public_app: PublicApp, store_reads: list[str]
) -> None:
    for result in first_and_cached(public_app, "brokenQuery", store_reads):
        assert result["isExecutionSuccess"] is False
        assert result["error"]["code"] == "query_failed"
        assert result["error"]["message"] == "no such table: missing_table"
        assert_discloses_nothing(result, public_app)


def test_a_datasource_failure_names_no_server_path(public_app: PublicApp, store_reads: list[str]) -> None:
    for result in first_and_cached(public_app, "missingFile", store_reads):
        assert result["isExecutionSuccess"] is False
        assert result["error"]["code"] == "connection_failed"
        assert "datasource" in result["error"]["message"]
        assert_discloses_nothing(result, public_app)


def test_developers_running_in_the_editor_still_see_the_details(public_app: PublicApp) -> None:
    body = {"params": {"Input1.text": SECRET_VALUE}, "mode": "edit"}
    for _ in range(2):  # the route, then the plan cache
        found = public_app.admin.ok("POST", f"/api/v1/actions/{public_app.actions['findCustomer']}/execute", json=body)
        assert found["request"]["params"] == [SECRET_VALUE] and "customers" in found["request"]["sql"]
        assert found["rowCount"] == 1
        missing = public_app.admin.ok("POST", f"/api/v1/actions/{public_app.actions['missingFile']}/execute", json=body)
        assert "gone.db" in missing["error"]["message"]



def test_an_unreachable_database_names_no_host_or_port(
    instance: Instance, admin: Api, mysql_database: dict[str, Any]
) -> None:
    ws = first_workspace(admin)
    port = free_port()  # nothing listens there
    ds = admin.ok("POST", f"/api/v1/workspaces/{ws}/datasources", 201, json={
        "name": "Shop", "connector": "mysql", "configs": {"production": {**mysql_database, "port": port}}})["id"]
    app = make_app(admin)
    action = admin.ok("POST", f"/api/v1/applications/{app['id']}/actions", 201, json={
        "pageId": default_page(admin, app["id"])["id"], "name": "q", "datasourceId": ds,
        "config": {"sql": "select {{Input1.text}}"}})["id"]
    admin.ok("PATCH", f"/api/v1/applications/{app['id']}", json={"isPublic": True})
    admin.ok("POST", f"/api/v1/applications/{app['id']}/publish")
    body = {"params": {"Input1.text": SECRET_VALUE}, "mode": "view"}
    edited = admin.ok("POST", f"/api/v1/actions/{action}/execute", json={**body, "mode": "edit"})
    assert "127.0.0.1" in edited["error"]["message"]  # the developer learns where it tried
    for _ in range(2):  # the route, then the plan cache
        result = instance.anonymous().ok("POST", f"/api/v1/actions/{action}/execute", json=body)
        assert result["error"]["code"] == "connection_failed"
        assert str(port) not in json.dumps(result) and "127.0.0.1" not in json.dumps(result)
