"""Every endpoint x every kind of caller -> the status it must get, from one table.

Each case runs in a fresh instance holding one workspace with an administrator, a developer and an
App Viewer, a member of another workspace, a published private application and a second page.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from lowcraft.app import create_app
from lowcraft.store.db import Database
from lowcraft.store.migrate import upgrade
from tests.appsmith.apps import helpdesk_app
from tests.appsmith.builders import json_bytes, single_file
from tests.conftest import PASSWORD, Api, Instance, make_settings

ROLES = ("anonymous", "viewer", "developer", "administrator", "outsider")


@dataclass
class World:
    clients: dict[str, Api]
    ids: dict[str, str]


def _tree(name: str) -> dict[str, Any]:
    return {
        "widgetId": "0", "widgetName": "MainContainer", "type": "CANVAS_WIDGET",
        "leftColumn": 0, "rightColumn": 64, "topRow": 0, "bottomRow": 100,
        "children": [{"widgetId": "t1", "widgetName": name, "type": "TEXT_WIDGET",
                      "leftColumn": 0, "rightColumn": 10, "topRow": 0, "bottomRow": 4}],
    }


@dataclass
class Template:
    """The world built once; each case runs on a copy of its SQLite file, so cases that delete
    or change things cannot affect each other."""

    folder: Path
    cookies: dict[str, dict[str, str]]
    ids: dict[str, str]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    folder = tmp_path_factory.mktemp("matrix")
    url = f"sqlite:///{folder / 'matrix.db'}"
    upgrade(Database(url))
    settings = make_settings(folder / "data", url, sqlite_roots=str(folder))
    inst = Instance(create_app(settings, migrate=False), settings)
    inst.user("root@example.com")  # the instance administrator stays out of the matrix
    admin = inst.user("admin@example.com")
    ws = admin.ok("POST", "/api/v1/workspaces", 201, json={"name": "Team"})["id"]
    other = inst.user("outsider@example.com")
    for email, role in (("dev@example.com", "developer"), ("viewer@example.com", "viewer")):
        inst.user(email)
        admin.ok("POST", f"/api/v1/workspaces/{ws}/invites", 201, json={"email": email, "role": role})
    app_id = admin.ok("POST", f"/api/v1/workspaces/{ws}/applications", 201, json={"name": "Orders"})["id"]
    page2 = admin.ok("POST", f"/api/v1/applications/{app_id}/pages", 201, json={"name": "Second"})
    page1 = admin.ok("GET", f"/api/v1/applications/{app_id}")["pages"][0]
    admin.ok("POST", f"/api/v1/applications/{app_id}/publish")
    trashed = admin.ok("POST", f"/api/v1/workspaces/{ws}/applications", 201, json={"name": "Old"})["id"]
    admin.ok("DELETE", f"/api/v1/applications/{trashed}", 204)
    invite = admin.ok("POST", f"/api/v1/workspaces/{ws}/invites", 201, json={"email": "new@example.com", "role": "viewer"})
    members = {m["email"]: m["id"] for m in admin.ok("GET", f"/api/v1/workspaces/{ws}/members")["members"]}
    token = other.ok("POST", "/api/v1/me/tokens", 201, json={"name": "ci"})["id"]
    sqlite_file = folder / ws / "orders.db"  # the workspace's own folder below the root
    sqlite_file.parent.mkdir()
    sqlite3.connect(sqlite_file).executescript("create table orders (id integer primary key, total real);"
                                               "insert into orders values (1, 9.5);")
    ds = admin.ok("POST", f"/api/v1/workspaces/{ws}/datasources", 201, json={
        "name": "Orders DB", "connector": "sqlite", "configs": {"production": {"path": str(sqlite_file)}}})["id"]
    spare_ds = admin.ok("POST", f"/api/v1/workspaces/{ws}/datasources", 201, json={
        "name": "Spare", "connector": "sqlite", "configs": {"production": {"path": str(sqlite_file)}}})["id"]
    action = admin.ok("POST", f"/api/v1/applications/{app_id}/actions", 201, json={
        "pageId": page1["id"], "name": "getOrders", "datasourceId": ds,
        "config": {"sql": "select * from orders where id = {{Input1.text}}"}})["id"]
    js = admin.ok("POST", f"/api/v1/applications/{app_id}/js-objects", 201, json={
        "pageId": page1["id"], "name": "Utils", "body": "export default { double(x) { return x * 2 } }"})["id"]
    admin.ok("POST", f"/api/v1/applications/{app_id}/publish")
    clients = {
        "anonymous": inst.anonymous(),
        "viewer": inst.user("viewer@example.com"),
        "developer": inst.user("dev@example.com"),
        "administrator": admin,
        "outsider": other,
    }
    cookies = {role: dict(client.cookies) for role, client in clients.items()}
    ids = {
        "ds": ds, "spare_ds": spare_ds, "action": action, "js": js, "sqlite": str(sqlite_file),
        "ws": ws, "app": app_id, "page": page1["id"], "page2": page2["id"], "trashed": trashed,
        "invite": invite["invite"]["id"], "viewer_id": members["viewer@example.com"],
        "dev_id": members["dev@example.com"], "token": token, "page1_rev": str(page1["revision"]),
    }
    inst.app.state.runtime.close()
    return Template(folder, cookies, ids)


@pytest.fixture
def world(template: Template, tmp_path: Path) -> Iterator[World]:
    for file in template.folder.glob("matrix.db*"):  # with any WAL files
        shutil.copy(file, tmp_path / file.name)
    shutil.copytree(template.folder / "data", tmp_path / "data")
    settings = make_settings(tmp_path / "data", f"sqlite:///{tmp_path / 'matrix.db'}", sqlite_roots=str(template.folder))
    app = create_app(settings, migrate=False)
    inst = Instance(app, settings)
    clients = {}
    for role, cookies in template.cookies.items():
        clients[role] = inst.client()
        clients[role].cookies.update(cookies)
    yield World(clients, template.ids)
    app.state.runtime.close()


A, V, D, ADM, O = ROLES  # column order of the table below

@dataclass(frozen=True)
class Upload:
    """A multipart body: one file field."""

    field: str
    filename: str
    data: bytes


# (method, path, body, {role: status}); statuses default per column where omitted.
Body = Callable[[dict[str, str]], Any] | dict[str, Any] | Upload | None


def row(method: str, path: str, body: Body, anonymous: int, viewer: int, developer: int,
        administrator: int, outsider: int) -> tuple[str, str, Body, dict[str, int]]:
    return method, path, body, dict(zip(ROLES, (anonymous, viewer, developer, administrator, outsider)))


def _dsl_body(ids: dict[str, str]) -> dict[str, Any]:
    return {"dsl": _tree("Label1"), "revision": int(ids["page1_rev"])}


def _password_change(ids: dict[str, str]) -> dict[str, Any]:
    return {"currentPassword": PASSWORD, "newPassword": "another-long-password"}


def _reorder(ids: dict[str, str]) -> dict[str, Any]:
    return {"pageIds": [ids["page2"], ids["page"]]}


def _export(ids: dict[str, str]) -> dict[str, Any]:
    document = {"format": "lowcraft-app", "formatVersion": 1, "application": {"name": "Imported"},
                "pages": [{"name": "Home", "dsl": _tree("ImportedText")}]}
    return {"document": document}


def _appsmith_export(ids: dict[str, str]) -> Upload:
    return Upload("file", "app.json", json_bytes(single_file(helpdesk_app())))


def _new_datasource(ids: dict[str, str]) -> dict[str, Any]:
    return {"name": "Another", "connector": "sqlite", "configs": {"production": {"path": ids["sqlite"]}}}


def _unsaved_test(ids: dict[str, str]) -> dict[str, Any]:
    return {"connector": "sqlite", "config": {"path": ids["sqlite"]}}


def _new_action(ids: dict[str, str]) -> dict[str, Any]:
    return {"pageId": ids["page"], "name": "countOrders", "datasourceId": ids["ds"],
            "config": {"sql": "select count(*) from orders"}}


def _new_js(ids: dict[str, str]) -> dict[str, Any]:
    return {"pageId": ids["page"], "name": "Helpers", "body": "export default {}"}


MATRIX = [
    #    method   path                                             body                             anon view dev  adm  out
    row("GET",    "/api/v1/health",                                None,                            200, 200, 200, 200, 200),
    row("GET",    "/api/v1/widgets",                               None,                            200, 200, 200, 200, 200),
    row("GET",    "/api/v1/me",                                    None,                            401, 200, 200, 200, 200),
    row("GET",    "/api/v1/me/tokens",                             None,                            401, 200, 200, 200, 200),
    row("POST",   "/api/v1/me/tokens",                             {"name": "x"},                   401, 201, 201, 201, 201),
    row("DELETE", "/api/v1/me/tokens/{token}",                     None,                            401, 404, 404, 404, 204),
    row("PATCH",  "/api/v1/me",                                    {"name": "Renamed"},             401, 200, 200, 200, 200),
    row("POST",   "/api/v1/me/password",                           _password_change,                401, 204, 204, 204, 204),
    row("POST",   "/api/v1/auth/signup/confirm",                   {"token": "made-up"},            400, 400, 400, 400, 400),
    row("GET",    "/api/v1/workspaces",                            None,                            401, 200, 200, 200, 200),
    row("POST",   "/api/v1/workspaces",                            {"name": "Mine"},                401, 201, 201, 201, 201),
    row("GET",    "/api/v1/workspaces/{ws}",                       None,                            401, 200, 200, 200, 404),
    row("PATCH",  "/api/v1/workspaces/{ws}",                       {"name": "Renamed"},             401, 403, 403, 200, 404),
    row("DELETE", "/api/v1/workspaces/{ws}",                       None,                            401, 403, 403, 204, 404),
    # Instance administrators only (the matrix's administrator administers the workspace, not the instance).
    row("PUT",    "/api/v1/workspaces/{ws}/private-networks",      {"allowed": True},               401, 403, 403, 403, 403),
    row("GET",    "/api/v1/workspaces/{ws}/members",               None,                            401, 200, 200, 200, 404),
    row("PATCH",  "/api/v1/workspaces/{ws}/members/{viewer_id}",   {"role": "developer"},           401, 403, 403, 200, 404),
    row("DELETE", "/api/v1/workspaces/{ws}/members/{dev_id}",      None,                            401, 403, 204, 204, 404),
    row("GET",    "/api/v1/workspaces/{ws}/invites",               None,                            401, 403, 403, 200, 404),
    row("POST",   "/api/v1/workspaces/{ws}/invites",               {"email": "z@example.com", "role": "viewer"}, 401, 403, 403, 201, 404),
    row("DELETE", "/api/v1/workspaces/{ws}/invites/{invite}",      None,                            401, 403, 403, 204, 404),
    row("GET",    "/api/v1/workspaces/{ws}/audit-log",             None,                            401, 403, 403, 200, 404),
    row("GET",    "/api/v1/workspaces/{ws}/applications",          None,                            401, 200, 200, 200, 404),
    row("POST",   "/api/v1/workspaces/{ws}/applications",          {"name": "New"},                 401, 403, 201, 201, 404),
    row("GET",    "/api/v1/workspaces/{ws}/trash",                 None,                            401, 403, 200, 200, 404),
    row("GET",    "/api/v1/applications/{app}",                    None,                            401, 403, 200, 200, 404),
    row("PATCH",  "/api/v1/applications/{app}",                    {"name": "Orders 2"},            401, 403, 200, 200, 404),
    row("PATCH",  "/api/v1/applications/{app}",                    {"isPublic": True},              401, 403, 403, 200, 404),
    row("DELETE", "/api/v1/applications/{app}",                    None,                            401, 403, 204, 204, 404),
    row("POST",   "/api/v1/applications/{trashed}/restore",        None,                            401, 403, 200, 200, 404),
    row("POST",   "/api/v1/applications/{app}/clone",              None,                            401, 403, 201, 201, 404),
    row("POST",   "/api/v1/applications/{app}/publish",            None,                            401, 403, 200, 200, 404),
    row("GET",    "/api/v1/applications/{app}/export",             None,                            401, 403, 200, 200, 404),
    row("GET",    "/api/v1/view/{app}",                            None,                            401, 200, 200, 200, 404),
    row("GET",    "/api/v1/applications/{app}/pages",              None,                            401, 403, 200, 200, 404),
    row("POST",   "/api/v1/applications/{app}/pages",              {"name": "Third"},               401, 403, 201, 201, 404),
    row("GET",    "/api/v1/pages/{page}",                          None,                            401, 403, 200, 200, 404),
    row("PATCH",  "/api/v1/pages/{page}",                          {"name": "Home"},                401, 403, 200, 200, 404),
    row("PUT",    "/api/v1/pages/{page}/dsl",                      _dsl_body,                       401, 403, 200, 200, 404),
    row("POST",   "/api/v1/applications/{app}/pages/reorder",      _reorder,                        401, 403, 200, 200, 404),
    row("POST",   "/api/v1/pages/{page2}/set-default",             None,                            401, 403, 200, 200, 404),
    row("DELETE", "/api/v1/pages/{page2}",                         None,                            401, 403, 204, 204, 404),
    row("POST",   "/api/v1/workspaces/{ws}/applications/import",   _export,                         401, 403, 201, 201, 404),
    row("POST",   "/api/v1/workspaces/{ws}/applications/import-appsmith", _appsmith_export,    401, 403, 201, 201, 404),
    row("GET",    "/api/v1/connectors",                            None,                            200, 200, 200, 200, 200),
    row("GET",    "/api/v1/workspaces/{ws}/datasources",           None,                            401, 403, 200, 200, 404),
    row("POST",   "/api/v1/workspaces/{ws}/datasources",           _new_datasource,                 401, 403, 201, 201, 404),
    row("POST",   "/api/v1/workspaces/{ws}/datasources/test",      _unsaved_test,                   401, 403, 200, 200, 404),
    row("GET",    "/api/v1/datasources/{ds}",                      None,                            401, 403, 200, 200, 404),
    row("PATCH",  "/api/v1/datasources/{ds}",                      {"name": "Orders database"},     401, 403, 200, 200, 404),
    row("DELETE", "/api/v1/datasources/{spare_ds}",                None,                            401, 403, 204, 204, 404),
    row("DELETE", "/api/v1/datasources/{ds}",                      None,                            401, 403, 409, 409, 404),
    row("POST",   "/api/v1/datasources/{ds}/test",                 None,                            401, 403, 200, 200, 404),
    row("GET",    "/api/v1/datasources/{ds}/structure",            None,                            401, 403, 200, 200, 404),
    row("GET",    "/api/v1/applications/{app}/actions",            None,                            401, 403, 200, 200, 404),
    row("POST",   "/api/v1/applications/{app}/actions",            _new_action,                     401, 403, 201, 201, 404),
    row("GET",    "/api/v1/actions/{action}",                      None,                            401, 403, 200, 200, 404),
    row("PATCH",  "/api/v1/actions/{action}",                      {"settings": {"timeoutMs": 5000}}, 401, 403, 200, 200, 404),
    row("DELETE", "/api/v1/actions/{action}",                      None,                            401, 403, 204, 204, 404),
    row("POST",   "/api/v1/actions/{action}/execute",              {"params": {"Input1.text": 1}},  401, 200, 200, 200, 404),
    row("POST",   "/api/v1/actions/{action}/execute",              {"params": {"Input1.text": 1}, "mode": "edit"}, 401, 403, 200, 200, 404),
    row("POST",   "/api/v1/applications/{app}/refactor",           {"old": "Utils", "new": "Helpers"}, 401, 403, 200, 200, 404),
    row("GET",    "/api/v1/applications/{app}/lint",               None,                            401, 403, 200, 200, 404),
    row("GET",    "/api/v1/applications/{app}/js-objects",         None,                            401, 403, 200, 200, 404),
    row("POST",   "/api/v1/applications/{app}/js-objects",         _new_js,                         401, 403, 201, 201, 404),
    row("GET",    "/api/v1/js-objects/{js}",                       None,                            401, 403, 200, 200, 404),
    row("PATCH",  "/api/v1/js-objects/{js}",                       {"body": "export default {}"},   401, 403, 200, 200, 404),
    row("DELETE", "/api/v1/js-objects/{js}",                       None,                            401, 403, 204, 204, 404),
]


def _cases() -> Iterator[Any]:
    for method, path, body, expected in MATRIX:
        for role in ROLES:
            label = f"{method} {path} {body if isinstance(body, dict) else ''} as {role}"
            yield pytest.param(method, path, body, role, expected[role], id=label)


@pytest.mark.parametrize(("method", "path", "body", "role", "status"), list(_cases()))
def test_endpoint_answers_each_caller_as_the_table_says(
    world: World, method: str, path: str, body: Body, role: str, status: int
) -> None:
    url = path.format(**world.ids)
    response = send(world.clients[role], method, url, body(world.ids) if callable(body) else body)
    assert response.status_code == status, f"{role} {method} {url}: {response.status_code} {response.text}"
    if status >= 400:
        error = response.json()["error"]
        assert error["code"] and error["message"]


def send(client: Api, method: str, url: str, payload: Any) -> Any:
    """The request of one row: JSON, or multipart for an `Upload`."""
    if isinstance(payload, Upload):
        files = {payload.field: (payload.filename, payload.data, "application/octet-stream")}
        return client.request(method, url, files=files)
    return client.request(method, url, json=payload)


def test_every_api_route_is_in_the_matrix() -> None:
    """A new route without a row here fails, so permissions are never left unchecked."""
    app = create_app(make_settings(Path("/tmp/lowcraft-matrix-routes"), "sqlite://"), migrate=False)
    covered = {(m, _generic(p)) for m, p, _, _ in MATRIX}
    public = {("POST", "/api/v1/auth/signup"), ("POST", "/api/v1/auth/login"), ("POST", "/api/v1/auth/logout"),
              ("POST", "/api/v1/auth/password-reset"), ("POST", "/api/v1/auth/password-reset/confirm"),
              ("GET", "/api/v1/ready"), ("GET", "/api/v1/version"), ("GET", "/api/v1/openapi.json")}
    missing = []
    # Routers are included lazily by FastAPI, so the OpenAPI document is the complete route list.
    paths = app.openapi()["paths"]
    assert len(paths) > 40
    for path, operations in paths.items():
        for method in operations:
            generic = _generic(path)
            if (method.upper(), generic) not in covered and (method.upper(), generic) not in public:
                missing.append(f"{method.upper()} {path}")
    assert not missing, f"routes without a permission row: {missing}"


def _generic(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)
