"""Names are per page, as in Appsmith: two pages of one application each have a `Table1`, a
`getOrders` query (on the machine's real PostgreSQL) and a `Utils` JS object, and each page's
entities are its own in the API, the analyser, the rename refactor, export/import and execution."""

from __future__ import annotations

from typing import Any

import pytest

from tests.actions.conftest import run
from tests.apps.test_applications import add_viewer, default_page, make_app, save
from tests.conftest import Api, Instance, first_workspace
from tests.pages.test_dsl import page, widget

SQL = {
    "Open": "select customer from orders where status = 'open' and id > {{Table1.pageNo - 1}} order by id",
    "Paid": "select customer from orders where status = 'paid' and id > {{Table1.pageNo - 1}} order by id",
}


def table(name: str = "Table1", **props: Any) -> dict[str, Any]:
    return widget(name, "TABLE_WIDGET_V2", 0, 40, 0, 30, tableData="{{Utils.rows(getOrders.data)}}", **props)


@pytest.fixture
def two_pages(admin: Api, orders_db: dict[str, Any]) -> dict[str, Any]:
    """Pages Open and Paid, each with Table1 (reading its own getOrders through its own Utils)."""
    ws = first_workspace(admin)
    ds = admin.ok("POST", f"/api/v1/workspaces/{ws}/datasources", 201, json={
        "name": "Orders DB", "connector": "postgres", "configs": {"production": orders_db}})
    app = make_app(admin)
    first = default_page(admin, app["id"])["id"]
    admin.ok("PATCH", f"/api/v1/pages/{first}", json={"name": "Open"})
    second = admin.ok("POST", f"/api/v1/applications/{app['id']}/pages", 201, json={"name": "Paid"})["id"]
    made: dict[str, Any] = {"app": app["id"], "ds": ds["id"], "pages": {"Open": first, "Paid": second}, "actions": {}, "js": {}}
    for name, page_id in made["pages"].items():
        save(admin, page_id, page(table(), widget("Text1", text="{{Table1.tableData.length}} rows")))
        made["actions"][name] = admin.ok("POST", f"/api/v1/applications/{app['id']}/actions", 201, json={
            "pageId": page_id, "name": "getOrders", "datasourceId": ds["id"], "config": {"sql": SQL[name]},
            "settings": {"runOnPageLoad": True}})["id"]
        made["js"][name] = admin.ok("POST", f"/api/v1/applications/{app['id']}/js-objects", 201, json={
            "pageId": page_id, "name": "Utils", "body": f"export default {{\n  label: '{name}',\n  rows(d) {{ return d }},\n}}"})["id"]
    return made


def customers(result: dict[str, Any]) -> list[str]:
    assert result["isExecutionSuccess"] is True, result
    return [row["customer"] for row in result["body"]]


def test_each_page_runs_its_own_query_as_edited_and_as_published(
    instance: Instance, admin: Api, two_pages: dict[str, Any]
) -> None:
    params = {"Table1.pageNo - 1": 0}
    assert customers(run(admin, two_pages["actions"]["Open"], params)) == ["Ada", "Cy"]
    assert customers(run(admin, two_pages["actions"]["Paid"], params)) == ["Bob"]
    admin.ok("POST", f"/api/v1/applications/{two_pages['app']}/publish")
    viewer = add_viewer(instance, admin)
    document = viewer.ok("GET", f"/api/v1/view/{two_pages['app']}")["document"]
    for published in document["pages"]:
        [action] = published["actions"]
        [js] = published["jsObjects"]
        assert (action["name"], action["id"], js["name"]) == ("getOrders", two_pages["actions"][published["name"]], "Utils")
        assert f"label: '{published['name']}'" in js["body"]
        assert [w["widgetName"] for w in published["dsl"]["children"]] == ["Table1", "Text1"]
    view = {"mode": "view", "applicationId": two_pages["app"]}
    assert customers(run(viewer, two_pages["actions"]["Open"], params, **view)) == ["Ada", "Cy"]
    assert customers(run(viewer, two_pages["actions"]["Paid"], params, **view)) == ["Bob"]


def test_each_page_is_linted_with_its_own_names(admin: Api, two_pages: dict[str, Any]) -> None:
    assert admin.ok("GET", f"/api/v1/applications/{two_pages['app']}/lint")["diagnostics"] == []
    # A reference to an entity that only another page has is an unknown name, as in Appsmith.
    only_open = two_pages["pages"]["Open"]
    save(admin, only_open, page(table(), widget("Text1", text="x"), widget("Summary", "TEXT_WIDGET", 0, 10, 40, 44, text="s")))
    paid = two_pages["pages"]["Paid"]
    revision = admin.ok("GET", f"/api/v1/pages/{paid}")["revision"]
    saved = admin.ok("PUT", f"/api/v1/pages/{paid}/dsl", json={
        "dsl": page(table(), widget("Text1", text="{{Summary.text}}")), "revision": revision})
    assert [(d["page"], d["entity"], d["code"]) for d in saved["diagnostics"]] == [("Paid", "Text1", "unknown_entity")]
    listed = admin.ok("GET", f"/api/v1/applications/{two_pages['app']}/lint")["diagnostics"]
    assert [(d["page"], d["entity"], d["code"]) for d in listed] == [("Paid", "Text1", "unknown_entity")]


@pytest.mark.parametrize("old", ["Table1", "getOrders", "Utils", "Utils.rows"])
def test_a_rename_on_one_page_leaves_the_other_page_alone(admin: Api, two_pages: dict[str, Any], old: str) -> None:
    app_id, paid = two_pages["app"], two_pages["pages"]["Paid"]
    before = admin.ok("GET", f"/api/v1/applications/{app_id}/export")
    new = "Utils.all" if old == "Utils.rows" else "Renamed"
    changes = admin.ok("POST", f"/api/v1/applications/{app_id}/refactor", json={"old": old, "new": new, "pageId": paid})["changes"]
    assert changes
    after = admin.ok("GET", f"/api/v1/applications/{app_id}/export")
    open_before, paid_before = before["pages"]
    open_after, paid_after = after["pages"]
    assert open_after == open_before
    assert paid_after != paid_before
    assert admin.ok("GET", f"/api/v1/applications/{app_id}/lint")["diagnostics"] == []


def test_renaming_a_name_several_pages_use_needs_the_page(admin: Api, two_pages: dict[str, Any]) -> None:
    app_id = two_pages["app"]
    response = admin.post(f"/api/v1/applications/{app_id}/refactor", json={"old": "Table1", "new": "Orders"})
    assert response.status_code == 422 and response.json()["error"]["code"] == "ambiguous_name"
    assert "Open" in response.json()["error"]["message"] and "Paid" in response.json()["error"]["message"]
    elsewhere = default_page(admin, make_app(admin, "Elsewhere")["id"])["id"]
    response = admin.post(f"/api/v1/applications/{app_id}/refactor", json={"old": "Table1", "new": "Orders", "pageId": elsewhere})
    assert response.status_code == 422
    # Renaming a query through its own route renames that page's query only.
    admin.ok("PATCH", f"/api/v1/actions/{two_pages['actions']['Open']}", json={"name": "listOpen"})
    names = {(a["pageId"], a["name"]) for a in admin.ok("GET", f"/api/v1/applications/{app_id}/actions")["actions"]}
    assert names == {(two_pages["pages"]["Open"], "listOpen"), (two_pages["pages"]["Paid"], "getOrders")}
    tree = admin.ok("GET", f"/api/v1/pages/{two_pages['pages']['Open']}")["dsl"]
    assert tree["children"][0]["tableData"] == "{{Utils.rows(listOpen.data)}}"
    tree = admin.ok("GET", f"/api/v1/pages/{two_pages['pages']['Paid']}")["dsl"]
    assert tree["children"][0]["tableData"] == "{{Utils.rows(getOrders.data)}}"


def test_renaming_a_widget_in_a_saved_tree_rewrites_only_its_page(admin: Api, two_pages: dict[str, Any]) -> None:
    paid = two_pages["pages"]["Paid"]
    tree = admin.ok("GET", f"/api/v1/pages/{paid}")["dsl"]
    tree["children"][0]["widgetName"] = "Orders"
    revision = admin.ok("GET", f"/api/v1/pages/{paid}")["revision"]
    admin.ok("PUT", f"/api/v1/pages/{paid}/dsl", json={"dsl": tree, "revision": revision})
    assert admin.ok("GET", f"/api/v1/pages/{paid}")["dsl"]["children"][1]["text"] == "{{Orders.tableData.length}} rows"
    assert admin.ok("GET", f"/api/v1/actions/{two_pages['actions']['Paid']}")["config"]["sql"].endswith(
        "id > {{Orders.pageNo - 1}} order by id")
    open_page = two_pages["pages"]["Open"]
    assert admin.ok("GET", f"/api/v1/pages/{open_page}")["dsl"]["children"][1]["text"] == "{{Table1.tableData.length}} rows"
    assert "Table1.pageNo" in admin.ok("GET", f"/api/v1/actions/{two_pages['actions']['Open']}")["config"]["sql"]


def test_a_name_is_still_unique_on_its_page(admin: Api, two_pages: dict[str, Any]) -> None:
    app_id, open_page, paid = two_pages["app"], two_pages["pages"]["Open"], two_pages["pages"]["Paid"]
    query = {"datasourceId": two_pages["ds"], "config": {"sql": "select 1"}}
    for name in ("getOrders", "Utils", "Table1"):  # widgets, queries and JS objects share the page's namespace
        clash = admin.post(f"/api/v1/applications/{app_id}/actions", json={**query, "pageId": paid, "name": name})
        assert clash.status_code == 409 and clash.json()["error"]["code"] == "duplicate_name", name
        clash = admin.post(f"/api/v1/applications/{app_id}/js-objects", json={"pageId": paid, "name": name, "body": ""})
        assert clash.status_code == 409, name
    revision = admin.ok("GET", f"/api/v1/pages/{paid}")["revision"]
    response = admin.put(f"/api/v1/pages/{paid}/dsl", json={"dsl": page(widget("getOrders")), "revision": revision})
    assert response.status_code == 409 and response.json()["error"]["code"] == "duplicate_name"
    response = admin.post(f"/api/v1/applications/{app_id}/refactor", json={"old": "Table1", "new": "Utils", "pageId": paid})
    assert response.status_code == 409
    # Moving a query to a page that has its name is refused; a free name moves.
    third = admin.ok("POST", f"/api/v1/applications/{app_id}/pages", 201, json={"name": "Third"})["id"]
    response = admin.patch(f"/api/v1/actions/{two_pages['actions']['Open']}", json={"pageId": paid})
    assert response.status_code == 409 and "Paid" in response.json()["error"]["message"]
    moved = admin.ok("PATCH", f"/api/v1/actions/{two_pages['actions']['Open']}", json={"pageId": third})
    assert moved["pageId"] == third and moved["name"] == "getOrders"
    assert admin.ok("GET", f"/api/v1/actions/{two_pages['actions']['Open']}")["pageId"] == third
    assert open_page != third


def test_export_and_import_keep_names_shared_across_pages(admin: Api, two_pages: dict[str, Any]) -> None:
    exported = admin.ok("GET", f"/api/v1/applications/{two_pages['app']}/export")
    assert [[a["name"] for a in p["actions"]] for p in exported["pages"]] == [["getOrders"], ["getOrders"]]
    other = admin.ok("POST", "/api/v1/workspaces", 201, json={"name": "Elsewhere"})["id"]
    imported = admin.ok("POST", f"/api/v1/workspaces/{other}/applications/import", 201, json={"document": exported})
    again = admin.ok("GET", f"/api/v1/applications/{imported['id']}/export")
    assert [p["dsl"] for p in again["pages"]] == [p["dsl"] for p in exported["pages"]]
    assert [(p["actions"], p["jsObjects"]) for p in again["pages"]] == [(p["actions"], p["jsObjects"]) for p in exported["pages"]]
    assert admin.ok("GET", f"/api/v1/applications/{imported['id']}/lint")["diagnostics"] == []
    clone = admin.ok("POST", f"/api/v1/applications/{two_pages['app']}/clone", 201)
    names = sorted(a["name"] for a in admin.ok("GET", f"/api/v1/applications/{clone['id']}/actions")["actions"])
    assert names == ["getOrders", "getOrders"]


def test_a_datasource_in_use_names_each_query_with_its_page(admin: Api, two_pages: dict[str, Any]) -> None:
    response = admin.delete(f"/api/v1/datasources/{two_pages['ds']}")
    assert response.status_code == 409
    assert "getOrders (page Open), getOrders (page Paid)" in response.json()["error"]["message"]
