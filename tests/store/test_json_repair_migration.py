"""Migration 0003: documents stored before the edge checked JSON, and broken by it, load again.

The store is built through the API, then broken the way the old server let it be (lone
surrogates, NaN and Infinity where the store takes them, nesting 500 levels deep), then migrated.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import text

from lowcraft.app import create_app
from lowcraft.store.db import Database
from lowcraft.store.migrate import alembic_config, upgrade
from tests.conftest import CSRF, Api, Instance, first_workspace, make_settings
from tests.pages.test_dsl import page, widget
from tests.servers import postgres_url, throwaway_postgres

REPAIR = import_module("lowcraft.migrations.versions.0003_repair_unreadable_json")


def deep(levels: int) -> Any:
    value: Any = "bottom"
    for _ in range(levels):
        value = [value]
    return value


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'broken.db'}"
    else:
        with throwaway_postgres("lowcraft_repair") as name:
            yield postgres_url(name)


def break_document(db: Database, table: str, column: str, row_id: str, value: Any) -> None:
    """Store `value` as the old server did: Python's JSON text, surrogates and NaN included."""
    doc = json.dumps(value)
    cast = "CAST(:doc AS json)" if not db.is_sqlite else ":doc"
    with db.engine.begin() as conn:
        conn.execute(text(f"UPDATE {table} SET {column} = {cast} WHERE id = :id"), {"doc": doc, "id": row_id})


def test_broken_documents_are_repaired_and_their_pages_load_again(store_url: str, tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", store_url, sqlite_roots=str(tmp_path))
    instance = Instance(create_app(settings), settings)
    admin = instance.user("admin@example.com")
    ws = first_workspace(admin)
    app_id = admin.ok("POST", f"/api/v1/workspaces/{ws}/applications", 201, json={"name": "Orders"})["id"]
    page_id = admin.ok("GET", f"/api/v1/applications/{app_id}")["pages"][0]["id"]
    (tmp_path / ws).mkdir()  # the workspace's own folder below the SQLite root
    (tmp_path / ws / "o.db").touch()
    ds = admin.ok("POST", f"/api/v1/workspaces/{ws}/datasources", 201, json={
        "name": "O", "connector": "sqlite", "configs": {"production": {"path": "o.db"}}})
    action_id = admin.ok("POST", f"/api/v1/applications/{app_id}/actions", 201, json={
        "pageId": page_id, "name": "q", "datasourceId": ds["id"], "config": {"sql": "select 1"}})["id"]
    admin.ok("PATCH", f"/api/v1/applications/{app_id}", json={"theme": {"primaryColor": "#553DE9"}})
    admin.ok("POST", f"/api/v1/applications/{app_id}/publish")

    db = Database(store_url)
    numbers: dict[str, Any] = {}
    if db.is_sqlite:  # PostgreSQL's json type refuses NaN and Infinity: they never got stored there
        # Not in the geometry: the tree check's int() failed on those, so a save never stored them.
        numbers = {"defaultValue": float("nan"), "maxValue": float("inf")}
    break_document(db, "pages", "dsl", page_id, page(
        widget("Text1", text="a\ud800b", nested=deep(500)), widget("Text2", **numbers)))
    break_document(db, "applications", "theme", app_id, {"primaryColor": "\udc00"})
    break_document(db, "actions", "config", action_id, {"sql": "select '\ud800' as v"})
    with db.engine.connect() as conn:
        event_id: str = conn.execute(text("SELECT id FROM audit_events WHERE action = 'application.updated'")).scalar_one()
        published = json.loads(conn.execute(text("SELECT CAST(published AS TEXT) FROM applications")).scalar_one())
    break_document(db, "audit_events", "summary", event_id, {"theme": {"primaryColor": "\udc00"}})
    break_document(db, "applications", "published", app_id, {**published, "theme": {"primaryColor": "\udc00"}})
    broken = TestClient(instance.app, headers=CSRF, raise_server_exceptions=False, cookies=admin.cookies)
    assert broken.get(f"/api/v1/pages/{page_id}").status_code == 500
    assert broken.get(f"/api/v1/view/{app_id}").status_code == 500
    instance.app.state.runtime.close()

    command.downgrade(alembic_config(db), REPAIR.down_revision)
    assert upgrade(db) is True
    db.dispose()

    settings = make_settings(tmp_path / "data", store_url, sqlite_roots=str(tmp_path))
    repaired = Instance(create_app(settings, migrate=False), settings)
    client = repaired.user("admin@example.com")  # migrating again (0004) ended the sessions made before
    tree = client.ok("GET", f"/api/v1/pages/{page_id}")["dsl"]
    text_widget, numbers_widget = tree["children"]
    assert text_widget["text"] == "a\ufffdb"
    assert json.dumps(text_widget["nested"]).count("[") < 64 and "bottom" not in json.dumps(text_widget["nested"])
    if db.is_sqlite:
        assert (numbers_widget["defaultValue"], numbers_widget["maxValue"]) == (None, None)
    assert client.ok("GET", f"/api/v1/applications/{app_id}")["theme"] == {"primaryColor": "\ufffd"}
    assert client.ok("GET", f"/api/v1/actions/{action_id}")["config"] == {"sql": "select '\ufffd' as v"}
    client.ok("GET", f"/api/v1/view/{app_id}")
    client.ok("GET", f"/api/v1/applications/{app_id}/export")
    client.ok("POST", f"/api/v1/applications/{app_id}/clone", 201)
    client.ok("POST", f"/api/v1/applications/{app_id}/publish")
    client.ok("GET", f"/api/v1/workspaces/{ws}/audit-log")
    repaired.app.state.runtime.close()


def test_documents_without_unreadable_values_are_not_rewritten(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'clean.db'}"
    settings = make_settings(tmp_path / "data", url)
    instance = Instance(create_app(settings), settings)
    admin: Api = instance.user("admin@example.com")
    app_id = admin.ok("POST", f"/api/v1/workspaces/{first_workspace(admin)}/applications", 201, json={"name": "A"})["id"]
    # Integers beyond 64 bits cannot reach a driver, but they load and encode: they are kept.
    big = {"primaryColor": "#fff", "seed": 2**70}
    db = Database(url)
    break_document(db, "applications", "theme", app_id, big)
    with db.engine.connect() as conn:
        before = conn.execute(text("SELECT theme, updated_at FROM applications")).one()
    instance.app.state.runtime.close()
    command.downgrade(alembic_config(db), REPAIR.down_revision)
    upgrade(db)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT theme, updated_at FROM applications")).one() == before
    db.dispose()
