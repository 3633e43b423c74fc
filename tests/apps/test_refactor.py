"""Renames follow every reference in the application; lint reports problems without blocking."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.apps.test_applications import default_page, make_app
from tests.conftest import Api, Instance, first_workspace
from tests.pages.test_dsl import page, widget


@pytest.fixture
def app(instance: Instance, admin: Api, tmp_path: Path) -> dict[str, Any]:
    """Table1 read by a Text, a query and a JS object; Utils.fmt used by the Text."""
    ws = first_workspace(admin)
    db_file = instance.settings.sqlite_root_paths[0] / ws / "shop.db"  # the workspace's own folder
    db_file.parent.mkdir(parents=True, exist_ok=True)
    sqlite3.connect(db_file).executescript("create table if not exists t (id integer)")
    created = make_app(admin)
    page_id = default_page(admin, created["id"])["id"]
    ds = admin.ok("POST", f"/api/v1/workspaces/{ws}/datasources", 201,
                  json={"name": "Shop", "connector": "sqlite", "configs": {"production": {"path": str(db_file)}}})
    tree = page(
        widget("Table1", "TABLE_WIDGET_V2", 0, 40, 0, 30, tableData="{{getRows.data}}"),
        widget("Text1", text="Selected: {{Utils.fmt(Table1.selectedRow.id)}} ({{ 'Table1' }})", top=31, bottom=35),
    )
    admin.ok("PUT", f"/api/v1/pages/{page_id}/dsl", json={"dsl": tree, "revision": 1})
    action = admin.ok("POST", f"/api/v1/applications/{created['id']}/actions", 201, json={
        "pageId": page_id, "name": "getRows", "datasourceId": ds["id"],
        "config": {"sql": "select * from t where id = {{Table1.selectedRow.id}}"}})
    js = admin.ok("POST", f"/api/v1/applications/{created['id']}/js-objects", 201, json={
        "pageId": page_id, "name": "Utils",
        "body": "export default {\n  fmt(x) { const Table1 = x; return String(Table1) },\n  all() { return Table1.tableData },\n}"})
    return {"id": created["id"], "page": page_id, "action": action["id"], "js": js["id"]}


def texts(admin: Api, app: dict[str, Any]) -> dict[str, Any]:
    tree = admin.ok("GET", f"/api/v1/pages/{app['page']}")["dsl"]
    return {
        "widgets": {w["widgetName"]: w for w in tree["children"]},
        "sql": admin.ok("GET", f"/api/v1/actions/{app['action']}")["config"]["sql"],
        "js": admin.ok("GET", f"/api/v1/js-objects/{app['js']}")["body"],
    }


def test_renaming_a_widget_rewrites_references_everywhere_but_strings_and_shadowed_names(admin: Api, app: dict[str, Any]) -> None:
    result = admin.ok("POST", f"/api/v1/applications/{app['id']}/refactor", json={"old": "Table1", "new": "Orders"})
    assert {c["entity"] for c in result["changes"]} >= {"Table1", "Text1", "getRows", "Utils"}
    after = texts(admin, app)
    assert set(after["widgets"]) == {"Orders", "Text1"}
    assert after["widgets"]["Text1"]["text"] == "Selected: {{Utils.fmt(Orders.selectedRow.id)}} ({{ 'Table1' }})"
    assert after["sql"] == "select * from t where id = {{Orders.selectedRow.id}}"
    assert "const Table1 = x; return String(Table1)" in after["js"]  # a local that shadows it
    assert "return Orders.tableData" in after["js"]


def test_renaming_a_js_member_updates_its_definition_and_callers(admin: Api, app: dict[str, Any]) -> None:
    admin.ok("POST", f"/api/v1/applications/{app['id']}/refactor", json={"old": "Utils.fmt", "new": "Utils.format"})
    after = texts(admin, app)
    assert "format(x)" in after["js"] and "fmt(" not in after["js"]
    assert after["widgets"]["Text1"]["text"].startswith("Selected: {{Utils.format(Table1.selectedRow.id)}}")


def test_renaming_an_action_through_its_endpoint_follows_references(admin: Api, app: dict[str, Any]) -> None:
    admin.ok("PATCH", f"/api/v1/actions/{app['action']}", json={"name": "listRows"})
    after = texts(admin, app)
    assert after["widgets"]["Table1"]["tableData"] == "{{listRows.data}}"
    assert admin.ok("GET", f"/api/v1/actions/{app['action']}")["name"] == "listRows"


def test_renaming_a_widget_in_a_saved_tree_follows_references(admin: Api, app: dict[str, Any]) -> None:
    current = admin.ok("GET", f"/api/v1/pages/{app['page']}")
    tree = current["dsl"]
    for child in tree["children"]:
        if child["widgetName"] == "Table1":
            child["widgetName"] = "Orders"
    saved = admin.ok("PUT", f"/api/v1/pages/{app['page']}/dsl", json={"dsl": tree, "revision": current["revision"]})
    assert saved["revision"] == current["revision"] + 1
    after = texts(admin, app)
    assert "Orders.selectedRow.id" in after["widgets"]["Text1"]["text"]
    assert after["sql"].endswith("{{Orders.selectedRow.id}}")


@pytest.mark.parametrize(("new", "status"), [("Text1", 409), ("1abc", 422), ("class", 422), ("appsmith", 422)])
def test_a_rename_to_an_unusable_name_changes_nothing(admin: Api, app: dict[str, Any], new: str, status: int) -> None:
    before = texts(admin, app)
    response = admin.post(f"/api/v1/applications/{app['id']}/refactor", json={"old": "Table1", "new": new})
    assert response.status_code == status, response.text
    assert texts(admin, app) == before


def test_renaming_an_unknown_entity_is_404(admin: Api, app: dict[str, Any]) -> None:
    assert admin.post(f"/api/v1/applications/{app['id']}/refactor", json={"old": "Nope", "new": "X"}).status_code == 404


def test_lint_reports_unknown_entities_and_triggers_in_data_bindings(admin: Api, app: dict[str, Any]) -> None:
    current = admin.ok("GET", f"/api/v1/pages/{app['page']}")
    tree = current["dsl"]
    tree["children"].append(widget("Broken", text="{{Missing.value}} {{getRows.run()}}", top=40, bottom=44))
    saved = admin.ok("PUT", f"/api/v1/pages/{app['page']}/dsl", json={"dsl": tree, "revision": current["revision"]})
    codes = {d["code"] for d in saved["diagnostics"] if d["entity"] == "Broken"}
    assert codes, saved["diagnostics"]
    linted = admin.ok("GET", f"/api/v1/applications/{app['id']}/lint")["diagnostics"]
    broken = [d for d in linted if d["entity"] == "Broken"]
    assert any("Missing" in d["message"] for d in broken)
    assert any("run" in d["message"] for d in broken)
