"""Pages of an application: add, rename, reorder, default, delete, and revisioned tree saves."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import event

from tests.conftest import Api, Instance, first_workspace
from tests.pages.test_dsl import page, widget


def new_app(client: Api, name: str = "Orders") -> dict[str, Any]:
    ws = first_workspace(client)
    app = client.ok("POST", f"/api/v1/workspaces/{ws}/applications", 201, json={"name": name})
    return client.ok("GET", f"/api/v1/applications/{app['id']}")  # type: ignore[no-any-return]


def test_a_new_application_has_one_default_page_with_an_empty_canvas(admin: Api) -> None:
    app = new_app(admin)
    [first] = app["pages"]
    assert (first["name"], first["isDefault"], first["revision"]) == ("Page1", True, 1)
    tree = admin.ok("GET", f"/api/v1/pages/{first['id']}")["dsl"]
    assert tree["type"] == "CANVAS_WIDGET" and tree["children"] == []


def test_pages_are_added_renamed_reordered_and_the_default_moves(admin: Api) -> None:
    app = new_app(admin)
    app_id = app["id"]
    second = admin.ok("POST", f"/api/v1/applications/{app_id}/pages", 201, json={"name": "Order details"})
    assert (second["slug"], second["isDefault"]) == ("order-details", False)
    admin.ok("PATCH", f"/api/v1/pages/{second['id']}", json={"name": "Details", "hidden": True})
    first_id = app["pages"][0]["id"]
    admin.ok("POST", f"/api/v1/applications/{app_id}/pages/reorder", json={"pageIds": [second["id"], first_id]})
    admin.ok("POST", f"/api/v1/pages/{second['id']}/set-default")
    pages = admin.ok("GET", f"/api/v1/applications/{app_id}/pages")["pages"]
    assert [(p["name"], p["isDefault"], p["hidden"]) for p in pages] == [("Details", True, True), ("Page1", False, False)]


def test_reorder_must_name_every_page_exactly_once(admin: Api) -> None:
    app = new_app(admin)
    response = admin.post(f"/api/v1/applications/{app['id']}/pages/reorder", json={"pageIds": ["nope"]})
    assert response.status_code == 422


def test_page_names_are_unique_within_an_application(admin: Api) -> None:
    app = new_app(admin)
    response = admin.post(f"/api/v1/applications/{app['id']}/pages", json={"name": "page1"})
    assert response.status_code == 409
    assert "already" in response.json()["error"]["message"]


def test_deleting_the_default_page_makes_the_first_remaining_one_default(admin: Api) -> None:
    app = new_app(admin)
    second = admin.ok("POST", f"/api/v1/applications/{app['id']}/pages", 201, json={"name": "Two"})
    admin.ok("DELETE", f"/api/v1/pages/{app['pages'][0]['id']}", 204)
    [left] = admin.ok("GET", f"/api/v1/applications/{app['id']}/pages")["pages"]
    assert (left["id"], left["isDefault"], left["position"]) == (second["id"], True, 0)


def test_the_last_page_cannot_be_deleted(admin: Api) -> None:
    app = new_app(admin)
    response = admin.delete(f"/api/v1/pages/{app['pages'][0]['id']}")
    assert response.status_code == 409 and response.json()["error"]["code"] == "last_page"
    assert len(admin.ok("GET", f"/api/v1/applications/{app['id']}/pages")["pages"]) == 1


def test_a_save_bumps_the_revision_and_keeps_the_tree(admin: Api) -> None:
    app = new_app(admin)
    page_id = app["pages"][0]["id"]
    tree = page(widget("Title", text="Orders"))
    saved = admin.ok("PUT", f"/api/v1/pages/{page_id}/dsl", json={"dsl": tree, "revision": 1})
    assert saved["revision"] == 2
    assert admin.ok("GET", f"/api/v1/pages/{page_id}")["dsl"] == tree


def test_a_stale_save_gets_409_with_the_current_revision_and_loses_nothing(admin: Api) -> None:
    app = new_app(admin)
    page_id = app["pages"][0]["id"]
    mine = page(widget("Mine"))
    admin.ok("PUT", f"/api/v1/pages/{page_id}/dsl", json={"dsl": mine, "revision": 1})
    response = admin.put(f"/api/v1/pages/{page_id}/dsl", json={"dsl": page(widget("Theirs")), "revision": 1})
    assert response.status_code == 409
    assert response.json()["error"]["details"]["currentRevision"] == 2
    assert admin.ok("GET", f"/api/v1/pages/{page_id}")["dsl"] == mine


def test_widget_names_are_per_page(admin: Api) -> None:
    app = new_app(admin)
    one = app["pages"][0]["id"]
    two = admin.ok("POST", f"/api/v1/applications/{app['id']}/pages", 201, json={"name": "Two"})["id"]
    admin.ok("PUT", f"/api/v1/pages/{one}/dsl", json={"dsl": page(widget("Table1")), "revision": 1})
    saved = admin.ok("PUT", f"/api/v1/pages/{two}/dsl", json={"dsl": page(widget("Table1")), "revision": 1})
    assert saved["revision"] == 2  # another page may reuse the name ...
    twice = page(widget("Table1"), {**widget("Table1"), "widgetId": "other"})
    response = admin.put(f"/api/v1/pages/{two}/dsl", json={"dsl": twice, "revision": 2})
    assert response.status_code == 409 and response.json()["error"]["code"] == "duplicate_name"  # ... once
    assert admin.ok("GET", f"/api/v1/pages/{two}")["revision"] == 2


def test_an_invalid_tree_is_refused_and_the_page_is_unchanged(admin: Api) -> None:
    app = new_app(admin)
    page_id = app["pages"][0]["id"]
    response = admin.put(
        f"/api/v1/pages/{page_id}/dsl", json={"dsl": page(widget("Off", left=60, right=70)), "revision": 1}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_widget_tree" and error["details"]["widgetName"] == "Off"
    assert admin.ok("GET", f"/api/v1/pages/{page_id}") ["revision"] == 1


def test_a_save_that_renames_a_widget_checks_the_callers_role_once(instance: Instance) -> None:
    """One permission check per request: the app loaded by the check is passed down, so a save
    (which also rewrites references and lints the app) asks the store for the role only once."""
    instance.user("root@example.com")  # the instance administrator, whose role needs no lookup
    lead = instance.user("lead@example.com")
    workspace = lead.ok("POST", "/api/v1/workspaces", 201, json={"name": "Team"})["id"]
    app = lead.ok("POST", f"/api/v1/workspaces/{workspace}/applications", 201, json={"name": "Orders"})
    page_id = lead.ok("GET", f"/api/v1/applications/{app['id']}")["pages"][0]["id"]
    before = page(widget("Title", text="Orders"))
    lead.ok("PUT", f"/api/v1/pages/{page_id}/dsl", json={"dsl": before, "revision": 1})
    renamed = copy.deepcopy(before)
    renamed["children"][0]["widgetName"] = "Heading"

    role_lookups: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "FROM memberships" in statement:
            role_lookups.append(statement)

    engine = instance.app.state.runtime.db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        saved = lead.ok("PUT", f"/api/v1/pages/{page_id}/dsl", json={"dsl": renamed, "revision": 2})
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert saved["revision"] == 3
    assert lead.ok("GET", f"/api/v1/pages/{page_id}")["dsl"]["children"][0]["widgetName"] == "Heading"
    assert len(role_lookups) == 1
