"""Valid-looking JSON that once broke a page for good (issue 11, finding 6).

Lone surrogates, nesting hundreds of levels deep, NaN and 1e400, integers beyond 64 bits: Python
reads them all, and a page that stored one answered 500 to every read, view, export and clone
after. The edge refuses them (`lowcraft.jsoncheck`) with a 422 before any route runs, on every
route, so nothing is written; a 1 MB binding is saved and reported instead of crashing the save.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute

from lowcraft.actions.runner import execute_action
from lowcraft.appmodel.tree import MAX_DEPTH as MAX_WIDGET_DEPTH
from lowcraft.jsoncheck import MAX_DEPTH
from tests.conftest import Api, Instance, first_workspace
from tests.pages.test_dsl import page, widget

SURROGATE = "a\\ud800b"  # as it appears in JSON text: the escape of a lone high surrogate
DEEP_500 = "[" * 500 + "]" * 500

# Nasty JSON texts, each a complete body; none may ever reach a route.
NASTY_BODIES = {
    "lone surrogate in a value": '{"name": "a\\ud800b"}',
    "lone low surrogate in a key": '{"\\udc00": 1}',
    "nested 500 levels": '{"name": ' + DEEP_500 + "}",
    "nested 100000 levels": "[" * 100_000 + "]" * 100_000,
    "NaN": '{"name": NaN}',
    "Infinity": '{"name": -Infinity}',
    "1e400": '{"name": 1e400}',
    "2**70": '{"name": ' + str(2**70) + "}",
    "an integer of 5000 digits": '{"name": ' + "9" * 5000 + "}",
}


def send_text(client: Api, method: str, url: str, text: str) -> Any:
    return client.request(method, url, content=text.encode(), headers={"Content-Type": "application/json"})


def assert_refused(response: Any, reason: str) -> None:
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert (error["code"], error["details"]["reason"]) == ("invalid_json_value", reason)


@pytest.fixture
def world(instance: Instance, admin: Api, tmp_path: Path) -> dict[str, Any]:
    """A public, published application with a page and an SQLite query bound to `Input1.text`."""
    ws = first_workspace(admin)
    app = admin.ok("POST", f"/api/v1/workspaces/{ws}/applications", 201, json={"name": "Orders"})
    page_id = admin.ok("GET", f"/api/v1/applications/{app['id']}")["pages"][0]["id"]
    files = instance.settings.sqlite_root_paths[0] / ws  # the workspace's own folder
    files.mkdir(parents=True, exist_ok=True)
    sqlite3.connect(files / "orders.db").executescript(
        "create table orders (id integer primary key, total real); insert into orders values (1, 9.5);")
    ds = admin.ok("POST", f"/api/v1/workspaces/{ws}/datasources", 201, json={
        "name": "Orders DB", "connector": "sqlite", "configs": {"production": {"path": str(files / "orders.db")}}})
    action = admin.ok("POST", f"/api/v1/applications/{app['id']}/actions", 201, json={
        "pageId": page_id, "name": "getOrder", "datasourceId": ds["id"],
        "config": {"sql": "select id, total from orders where id = {{Input1.text}}"}})
    admin.ok("PATCH", f"/api/v1/applications/{app['id']}", json={"isPublic": True})
    admin.ok("POST", f"/api/v1/applications/{app['id']}/publish")
    return {"ws": ws, "app": app["id"], "page": page_id, "ds": ds["id"], "action": action["id"]}


def page_still_works(admin: Api, world: dict[str, Any]) -> None:
    """The page, its application's view, export and clone all answer (they were 500s)."""
    admin.ok("GET", f"/api/v1/pages/{world['page']}")
    admin.ok("POST", f"/api/v1/applications/{world['app']}/publish")
    admin.ok("GET", f"/api/v1/view/{world['app']}")
    admin.ok("GET", f"/api/v1/applications/{world['app']}/export")
    admin.ok("POST", f"/api/v1/applications/{world['app']}/clone", 201)


def tree_body(admin: Api, page_id: str, text_property: str, *, bottom_row: str = "4") -> str:
    """A PUT .../dsl body whose Text1 `text` is the raw JSON `text_property`."""
    revision = admin.ok("GET", f"/api/v1/pages/{page_id}")["revision"]
    body = json.dumps({"dsl": page({**widget("Text1", text="@TEXT@"), "bottomRow": "@BOTTOM@"}), "revision": revision})
    return body.replace('"@TEXT@"', text_property).replace('"@BOTTOM@"', bottom_row)


def test_a_page_property_with_a_lone_surrogate_is_refused_and_the_page_keeps_working(
    admin: Api, world: dict[str, Any]
) -> None:
    response = send_text(admin, "PUT", f"/api/v1/pages/{world['page']}/dsl",
                         tree_body(admin, world["page"], f'"{SURROGATE}"'))
    assert_refused(response, "lone_surrogate")
    assert response.json()["error"]["details"]["at"] == "dsl.children.0.text"
    page_still_works(admin, world)


def test_a_page_property_nested_500_levels_is_refused(admin: Api, world: dict[str, Any]) -> None:
    response = send_text(admin, "PUT", f"/api/v1/pages/{world['page']}/dsl", tree_body(admin, world["page"], DEEP_500))
    assert_refused(response, "too_deep")
    page_still_works(admin, world)


@pytest.mark.parametrize("number", ["NaN", "1e400", "-Infinity"])
def test_a_bottom_row_that_is_not_a_finite_number_is_refused(admin: Api, world: dict[str, Any], number: str) -> None:
    response = send_text(admin, "PUT", f"/api/v1/pages/{world['page']}/dsl",
                         tree_body(admin, world["page"], '"hi"', bottom_row=number))
    assert_refused(response, "non_finite_number")
    assert response.json()["error"]["details"]["at"] == "dsl.children.0.bottomRow"
    page_still_works(admin, world)


def test_nesting_up_to_the_limit_is_accepted(admin: Api, world: dict[str, Any]) -> None:
    # The body is level 1, `dsl` 2, `children` 3, the widget 4, its property 5 and on.
    deepest = "[" * (MAX_DEPTH - 4) + "]" * (MAX_DEPTH - 4)
    admin.ok("PUT", f"/api/v1/pages/{world['page']}/dsl", content=tree_body(admin, world["page"], deepest).encode(),
             headers={"Content-Type": "application/json"})
    one_more = "[" + deepest + "]"
    response = send_text(admin, "PUT", f"/api/v1/pages/{world['page']}/dsl", tree_body(admin, world["page"], one_more))
    assert_refused(response, "too_deep")


def test_the_deepest_page_the_widget_rules_allow_is_saved_exported_and_imported(
    admin: Api, world: dict[str, Any]
) -> None:
    # Containers nested as deep as a page may nest widgets, a table with column settings inside:
    # the depth limit must never be what refuses a page the tree rules accept.
    inner = widget("Table1", "TABLE_WIDGET_V2", primaryColumns={
        "id": {"id": "id", "label": "Id", "columnType": "number", "validation": {"regex": "^[0-9]+$"}}})
    for level in range(MAX_WIDGET_DEPTH - 1, 0, -1):
        inner = widget(f"Box{level}", "CONTAINER_WIDGET", 0, 64, 0, 100 - level, children=[inner])
    revision = admin.ok("GET", f"/api/v1/pages/{world['page']}")["revision"]
    admin.ok("PUT", f"/api/v1/pages/{world['page']}/dsl", json={"dsl": page(inner), "revision": revision})
    document = admin.ok("GET", f"/api/v1/applications/{world['app']}/export")
    admin.ok("POST", f"/api/v1/workspaces/{world['ws']}/applications/import", 201,
             json={"document": document, "name": "Copy"})


def test_characters_outside_the_basic_plane_are_not_mistaken_for_lone_surrogates(
    admin: Api, world: dict[str, Any]
) -> None:
    # JSON writes an emoji as a surrogate pair; only an unpaired half is refused.
    text = '"Orders \\ud83d\\udce6 and \\u00e9t\\u00e9"'
    admin.ok("PUT", f"/api/v1/pages/{world['page']}/dsl", content=tree_body(admin, world["page"], text).encode(),
             headers={"Content-Type": "application/json"})
    tree = admin.ok("GET", f"/api/v1/pages/{world['page']}")["dsl"]
    assert tree["children"][0]["text"] == "Orders \U0001f4e6 and \u00e9t\u00e9"


def test_an_action_config_with_a_lone_surrogate_is_refused(admin: Api, world: dict[str, Any]) -> None:
    before = admin.ok("GET", f"/api/v1/actions/{world['action']}")
    patched = send_text(admin, "PATCH", f"/api/v1/actions/{world['action']}", '{"config": {"sql": "select \\ud800"}}')
    assert_refused(patched, "lone_surrogate")
    created = send_text(admin, "POST", f"/api/v1/applications/{world['app']}/actions", json.dumps({
        "pageId": world["page"], "name": "other", "datasourceId": world["ds"],
        "config": {"sql": "@"}}).replace('"@"', '{"deep": ' + DEEP_500 + "}"))
    assert_refused(created, "too_deep")
    assert admin.ok("GET", f"/api/v1/actions/{world['action']}") == before
    assert len(admin.ok("GET", f"/api/v1/applications/{world['app']}/actions")["actions"]) == 1


def test_a_theme_value_with_a_lone_surrogate_is_refused(admin: Api, world: dict[str, Any]) -> None:
    response = send_text(admin, "PATCH", f"/api/v1/applications/{world['app']}", '{"theme": {"primaryColor": "\\udc00"}}')
    assert_refused(response, "lone_surrogate")
    assert admin.ok("GET", f"/api/v1/applications/{world['app']}")["theme"] == {}


def test_execute_parameters_from_an_anonymous_viewer_of_a_public_app_are_checked_on_both_doors(
    instance: Instance, world: dict[str, Any]
) -> None:
    anonymous = instance.anonymous()
    url = f"/api/v1/actions/{world['action']}/execute"
    body = {"mode": "view", "applicationId": world["app"]}
    first = anonymous.ok("POST", url, json={**body, "params": {"Input1.text": 1}})
    assert first["isExecutionSuccess"] is True and first["body"] == [{"id": 1, "total": 9.5}]
    # The plan is cached now: the next calls go through the fast door, which parses bodies itself.
    for params, reason in (('{"Input1.text": "\\ud800"}', "lone_surrogate"),
                           ('{"Input1.text": NaN}', "non_finite_number"),
                           ('{"Input1.text": ' + str(2**70) + "}", "integer_out_of_range")):
        text = json.dumps(body)[:-1] + ', "params": ' + params + "}"
        assert_refused(send_text(anonymous, "POST", url, text), reason)
    # And without a cached plan (another application id is another plan key): the route's door.
    fresh = json.dumps({"mode": "view", "applicationId": "x" * 20})[:-1] + ', "params": {"Input1.text": "\\ud800"}}'
    assert_refused(send_text(anonymous, "POST", url, fresh), "lone_surrogate")


def test_an_sqlite_parameter_beyond_64_bits_is_a_clear_error_from_the_connector(tmp_path: Path) -> None:
    # What the edge keeps out, the connector also refuses by name when called directly.
    db = tmp_path / "numbers.db"
    sqlite3.connect(db).executescript("create table t (n integer);")
    import anyio

    result = anyio.run(lambda: execute_action(
        "sqlite", {"path": str(db)}, {"sql": "select * from t where n = {{Input1.text}}"}, {"Input1.text": 2**70},
        policy=_policy(tmp_path)))
    assert result["isExecutionSuccess"] is False
    assert result["error"]["code"] == "invalid_parameter"


def _policy(root: Path) -> Any:
    from lowcraft.connectors.base import InstancePolicy

    return InstancePolicy(allow_private_networks=False, allow_loopback=False, file_roots=(root.resolve(),))


@pytest.mark.parametrize("shape", ["(" * 300_000 + "a" + ")" * 300_000, "a+" * 450_000 + "a"])
def test_a_1_mb_binding_is_saved_and_reported_not_a_crash(admin: Api, world: dict[str, Any], shape: str) -> None:
    saved = admin.ok("PUT", f"/api/v1/pages/{world['page']}/dsl", json={
        "dsl": page(widget("Text1", text="{{" + shape + "}}")),
        "revision": admin.ok("GET", f"/api/v1/pages/{world['page']}")["revision"]})
    assert any("nests too deeply" in d["message"] for d in saved["diagnostics"])
    admin.ok("GET", f"/api/v1/applications/{world['app']}/lint")
    page_still_works(admin, world)


@pytest.mark.parametrize(("method", "path", "field"), [
    ("PATCH", "/api/v1/applications/{application_id}", "name"),
    ("PATCH", "/api/v1/applications/{application_id}", "slug"),
    ("PATCH", "/api/v1/applications/{application_id}", "theme"),
    ("PATCH", "/api/v1/applications/{application_id}", "isPublic"),
    ("PATCH", "/api/v1/pages/{page_id}", "name"),
    ("PATCH", "/api/v1/pages/{page_id}", "hidden"),
    ("PATCH", "/api/v1/actions/{action_id}", "datasourceId"),
    ("PATCH", "/api/v1/actions/{action_id}", "config"),
])
def test_null_for_a_field_that_cannot_be_cleared_is_refused(
    admin: Api, world: dict[str, Any], method: str, path: str, field: str
) -> None:
    """Found by the generated requests (test_fuzz_api): a null name or slug reached the service and
    failed there with a 500; a null datasource was looked up as a null key."""
    ids = {"application_id": world["app"], "page_id": world["page"], "action_id": world["action"]}
    before = admin.ok("GET", path.format(**ids))
    response = admin.request(method, path.format(**ids), json={field: None})
    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"]["field"] == field
    after = admin.ok("GET", path.format(**ids))
    assert {k: v for k, v in after.items() if k != "updatedAt"} == {k: v for k, v in before.items() if k != "updatedAt"}


# -- every route --------------------------------------------------------------------------------


def _unsafe_routes(instance: Instance) -> Iterator[tuple[str, str]]:
    for route in instance.app.routes:
        if isinstance(route, APIRoute) and route.path.startswith("/api/v1/"):
            for method in sorted((route.methods or set()) - {"GET", "HEAD", "OPTIONS"}):
                yield method, route.path


def _fill(path: str, world: dict[str, Any]) -> str:
    ids = {"workspace_id": world["ws"], "application_id": world["app"], "page_id": world["page"],
           "action_id": world["action"], "datasource_id": world["ds"]}
    return re.sub(r"\{(\w+)\}", lambda m: ids.get(m[1], "x" * 20), path)


def test_every_route_refuses_every_nasty_body_before_anything_is_written(
    instance: Instance, admin: Api, world: dict[str, Any]
) -> None:
    writes: list[int] = []
    instance.app.state.runtime.db.on_write(lambda: writes.append(1))
    anonymous = instance.anonymous()
    routes = list(_unsafe_routes(instance))
    assert len(routes) > 30  # the table below runs over the real routes, not an empty list
    for method, path in routes:
        url = _fill(path, world)
        for name, text in NASTY_BODIES.items():
            for client in (admin, anonymous):
                response = send_text(client, method, url, text)
                assert response.status_code == 422, f"{method} {path} with {name}: {response.status_code}"
                assert response.json()["error"]["code"] == "invalid_json_value"
    assert writes == []
    page_still_works(admin, world)
