"""Security: names that would collide with what every JavaScript object inherits.

Entities live in plain objects keyed by name, in the browser's evaluation scope and on the server.
A widget called `__proto__` would replace such an object's prototype; `constructor`, `toString` and
the other `Object.prototype` members would be shadowed by, or shadow, inherited members. Every one
of them is refused wherever a name is given: a page's widgets, a new query or JS object, a rename.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest

from lowcraft.bindings.known_names import OBJECT_PROTOTYPE_MEMBERS, RESERVED_WORDS
from tests.apps.test_applications import default_page, make_app
from tests.conftest import Api, Instance, first_workspace
from tests.pages.test_dsl import page, widget
from tests.servers import require_program

NAMES = sorted(OBJECT_PROTOTYPE_MEMBERS)
WEB_NAMES = Path(__file__).resolve().parents[2] / "web" / "src" / "engine" / "names.ts"


def test_the_list_is_every_member_of_object_prototype_in_a_real_engine() -> None:
    node = require_program("node")  # the JavaScript engine this check asks
    out = subprocess.run(
        [node, "-e", "console.log(JSON.stringify(Object.getOwnPropertyNames(Object.prototype)))"],
        capture_output=True, text=True, check=True, timeout=30,
    ).stdout
    assert set(json.loads(out)) == OBJECT_PROTOTYPE_MEMBERS


def test_the_editor_refuses_the_same_names_as_the_server() -> None:
    source = WEB_NAMES.read_text()

    def web_set(name: str) -> set[str]:
        body = re.search(name + r"[^=]*= new Set\(\[(.*?)\]\)", source, re.DOTALL)
        assert body, f"{name} not found in {WEB_NAMES}"
        return set(re.findall(r'"([^"]+)"', body.group(1)))

    assert web_set("OBJECT_PROTOTYPE_MEMBERS") == OBJECT_PROTOTYPE_MEMBERS
    assert web_set("RESERVED_WORDS") == RESERVED_WORDS


def test_no_prototype_member_is_mistaken_for_a_reserved_word() -> None:
    # They are refused for their own reason, with their own message (see below).
    assert not OBJECT_PROTOTYPE_MEMBERS & RESERVED_WORDS


@pytest.fixture
def app(instance: Instance, admin: Api) -> dict[str, Any]:
    db_file = instance.settings.sqlite_root_paths[0] / "names.db"
    db_file.parent.mkdir(parents=True, exist_ok=True)
    sqlite3.connect(db_file).close()
    created = make_app(admin)
    page_id = default_page(admin, created["id"])["id"]
    admin.ok("PUT", f"/api/v1/pages/{page_id}/dsl", json={"dsl": page(widget("Text1")), "revision": 1})
    datasource = admin.ok("POST", f"/api/v1/workspaces/{first_workspace(admin)}/datasources", 201,
                          json={"name": "Local", "connector": "sqlite", "configs": {"production": {"path": str(db_file)}}})
    return {"id": created["id"], "page": page_id, "datasource": datasource["id"]}


def _refused(response: Any, name: str) -> None:
    assert response.status_code == 422, (name, response.status_code, response.text)
    assert name in response.json()["error"]["message"]


def test_a_widget_cannot_be_named_after_an_object_prototype_member(admin: Api, app: dict[str, Any]) -> None:
    for name in NAMES:
        current = admin.ok("GET", f"/api/v1/pages/{app['page']}")
        response = admin.put(f"/api/v1/pages/{app['page']}/dsl",
                             json={"dsl": page(widget("Text1"), widget(name, top=10, bottom=14)), "revision": current["revision"]})
        _refused(response, name)
    names = [w["widgetName"] for w in admin.ok("GET", f"/api/v1/pages/{app['page']}")["dsl"]["children"]]
    assert names == ["Text1"]


def test_a_query_or_js_object_cannot_be_named_after_one(admin: Api, app: dict[str, Any]) -> None:
    for name in NAMES:
        _refused(admin.post(f"/api/v1/applications/{app['id']}/js-objects",
                            json={"pageId": app["page"], "name": name, "body": "export default {}"}), name)
        _refused(admin.post(f"/api/v1/applications/{app['id']}/actions",
                            json={"pageId": app["page"], "name": name, "datasourceId": app["datasource"],
                                  "config": {"sql": "select 1"}}), name)
    assert admin.ok("GET", f"/api/v1/applications/{app['id']}/js-objects")["jsObjects"] == []
    assert admin.ok("GET", f"/api/v1/applications/{app['id']}/actions")["actions"] == []


def test_nothing_can_be_renamed_to_one(admin: Api, app: dict[str, Any]) -> None:
    for name in NAMES:
        response = admin.post(f"/api/v1/applications/{app['id']}/refactor", json={"old": "Text1", "new": name})
        _refused(response, name)
    names = [w["widgetName"] for w in admin.ok("GET", f"/api/v1/pages/{app['page']}")["dsl"]["children"]]
    assert names == ["Text1"]
