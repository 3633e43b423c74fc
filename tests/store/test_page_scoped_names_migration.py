"""Migration 0005: actions and JS objects are unique per page, no longer per application.

A store is filled through the API, taken back to 0004 (where names are application-wide), then
upgraded: what was stored survives, and two pages may then reuse a name. Going back is refused
while a name is used on two pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.exc import IntegrityError

from lowcraft.app import create_app
from lowcraft.store.db import Database
from lowcraft.store.migrate import alembic_config, current_revision, head_revision, upgrade
from tests.conftest import Api, Instance, first_workspace, make_settings
from tests.servers import postgres_url, throwaway_postgres

PAGE_SCOPED = import_module("lowcraft.migrations.versions.0005_page_scoped_names")


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'names.db'}"
    else:
        with throwaway_postgres("lowcraft_names") as name:
            yield postgres_url(name)


def two_page_app(admin: Api, tmp_path: Path) -> dict[str, Any]:
    ws = first_workspace(admin)
    app_id = admin.ok("POST", f"/api/v1/workspaces/{ws}/applications", 201, json={"name": "Orders"})["id"]
    one = admin.ok("GET", f"/api/v1/applications/{app_id}")["pages"][0]["id"]
    two = admin.ok("POST", f"/api/v1/applications/{app_id}/pages", 201, json={"name": "Two"})["id"]
    (tmp_path / ws).mkdir()
    (tmp_path / ws / "o.db").touch()
    ds = admin.ok("POST", f"/api/v1/workspaces/{ws}/datasources", 201, json={
        "name": "O", "connector": "sqlite", "configs": {"production": {"path": "o.db"}}})["id"]
    action = admin.ok("POST", f"/api/v1/applications/{app_id}/actions", 201, json={
        "pageId": one, "name": "getOrders", "datasourceId": ds, "config": {"sql": "select 1"}})["id"]
    js = admin.ok("POST", f"/api/v1/applications/{app_id}/js-objects", 201, json={
        "pageId": one, "name": "Utils", "body": "export default { x: 1 }"})["id"]
    return {"app": app_id, "one": one, "two": two, "ds": ds, "action": action, "js": js}


def insert_copy(db: Database, table: str, row_id: str, page_id: str) -> None:
    """A second row with the same name and application, on another page (straight into the store)."""
    with db.engine.begin() as conn:
        columns = [c["name"] for c in sa.inspect(conn).get_columns(table)]
        chosen = {"id": ":new_id", "page_id": ":page_id"}
        picked = ", ".join(chosen.get(c, c) for c in columns)
        conn.execute(
            sa.text(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {picked} FROM {table} WHERE id = :id"),
            {"id": row_id, "new_id": "copy" + row_id[4:], "page_id": page_id},
        )


def test_upgrading_keeps_every_name_and_lets_pages_reuse_them(store_url: str, tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", store_url, sqlite_roots=str(tmp_path))
    instance = Instance(create_app(settings), settings)
    made = two_page_app(instance.user("admin@example.com"), tmp_path)
    instance.app.state.runtime.close()

    db = Database(store_url)
    command.downgrade(alembic_config(db), PAGE_SCOPED.down_revision)
    for table, row_id in (("actions", made["action"]), ("js_objects", made["js"])):
        with pytest.raises(IntegrityError):  # at 0004 a name is the application's
            insert_copy(db, table, row_id, made["two"])
    assert upgrade(db) is True
    with db.engine.connect() as conn:
        assert current_revision(conn) == head_revision()
    for table, row_id in (("actions", made["action"]), ("js_objects", made["js"])):
        insert_copy(db, table, row_id, made["two"])  # at 0005 a name is the page's
        with pytest.raises(IntegrityError):  # ... and still unique on it
            insert_copy(db, table, row_id, made["one"])
    db.dispose()

    settings = make_settings(tmp_path / "data", store_url, sqlite_roots=str(tmp_path))
    upgraded = Instance(create_app(settings, migrate=False), settings)
    admin = upgraded.user("admin@example.com")
    actions = admin.ok("GET", f"/api/v1/applications/{made['app']}/actions")["actions"]
    assert sorted((a["name"], a["pageId"]) for a in actions) == sorted(
        [("getOrders", made["one"]), ("getOrders", made["two"])])
    assert admin.ok("GET", f"/api/v1/actions/{made['action']}")["config"] == {"sql": "select 1"}
    js = admin.ok("GET", f"/api/v1/applications/{made['app']}/js-objects")["jsObjects"]
    assert sorted((j["name"], j["pageId"]) for j in js) == sorted([("Utils", made["one"]), ("Utils", made["two"])])
    upgraded.app.state.runtime.close()


def test_going_back_is_refused_while_two_pages_share_a_name(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'back.db'}"
    settings = make_settings(tmp_path / "data", url, sqlite_roots=str(tmp_path))
    instance = Instance(create_app(settings), settings)
    admin = instance.user("admin@example.com")
    made = two_page_app(admin, tmp_path)
    admin.ok("POST", f"/api/v1/applications/{made['app']}/actions", 201, json={
        "pageId": made["two"], "name": "getOrders", "datasourceId": made["ds"], "config": {"sql": "select 2"}})
    instance.app.state.runtime.close()
    db = Database(url)
    with pytest.raises(RuntimeError, match="getOrders"):
        command.downgrade(alembic_config(db), PAGE_SCOPED.down_revision)
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM actions")).scalar_one() == 2
    db.dispose()
