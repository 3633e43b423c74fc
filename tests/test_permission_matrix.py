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
from tests.jslibs.support import TINY_CSV, TWO_GLOBALS, library_server

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
    root = inst.user("root@example.com")  # the instance administrator stays out of the matrix
    provider = root.ok("POST", "/api/v1/admin/sign-in/providers", 201, json={
        "slug": "corp", "kind": "oidc", "name": "Corp", "enabled": False,
        "settings": {"discoveryUrl": "https://idp.example.com", "clientId": "lowcraft", "clientSecret": "x"}})["id"]
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
    # A JS library installed (and published), and another one fetched but not installed yet.
    with library_server({"tinycsv.js": TINY_CSV, "pad.js": TWO_GLOBALS}) as cdn:
        root.ok("PATCH", "/api/v1/admin/settings", json={"jsLibraryUrls": [cdn.base]})
        library = admin.ok("POST", f"/api/v1/applications/{app_id}/js-libraries/fetch", json={"url": cdn.url("tinycsv.js")})
        admin.ok("POST", f"/api/v1/applications/{app_id}/js-libraries", 201, json={
            "url": library["url"], "sha256": library["sha256"], "accessor": ["tinyCsv"]})
        pending = admin.ok("POST", f"/api/v1/applications/{app_id}/js-libraries/fetch", json={"url": cdn.url("pad.js")})
    workflow = admin.ok("POST", f"/api/v1/applications/{app_id}/js-objects", 201, json={
        "pageId": page1["id"], "name": "Approvals", "body": WORKFLOW})["id"]
    admin.ok("POST", f"/api/v1/applications/{app_id}/publish")
    version = admin.ok("GET", f"/api/v1/applications/{app_id}/versions")["versions"][0]["id"]
    run, failed_run, request = _workflow_rows(inst, app_id, workflow, members_ids=admin.ok(
        "GET", f"/api/v1/workspaces/{ws}/members")["members"])
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
        "library": "tinycsv", "library_sha": library["sha256"], "pending_url": pending["url"], "pending_sha": pending["sha256"],
        "provider": provider, "slug": "corp", "version": version,
        "provider": provider, "slug": "corp", "workflow": workflow, "run": run, "failed_run": failed_run,
        "request": request,
    }
    inst.app.state.runtime.close()
    return Template(folder, cookies, ids)


WORKFLOW = """export default { async executeWorkflow(data) {
  return await lowcraft.workflows.assignRequest({ requestName: "OK?", resolutions: ["Approve"],
    requestToUsers: ["viewer@example.com"] });
} }"""


def _workflow_rows(inst: Instance, app_id: str, workflow: str, members_ids: list[dict[str, Any]]) -> tuple[str, str, str]:
    """A run waiting for the viewer's decision and a failed run, both started by the developer,
    written as the engine would have left them (the matrix checks who may call what, not the engine)."""
    from lowcraft.workflows.models import WorkflowRequest, WorkflowRun, WorkflowStep

    dev = next(m["id"] for m in members_ids if m["email"] == "dev@example.com")
    with inst.app.state.runtime.db.session() as db:
        common = {"application_id": app_id, "workflow_id": workflow, "workflow_name": "Approvals", "trigger": "manual",
                  "mode": "edit", "definition": {"code": WORKFLOW, "actions": {}}, "started_by": dev}
        run = WorkflowRun(status="waiting", **common)
        failed = WorkflowRun(status="failed", error={"message": "boom", "step": None}, **common)
        db.add_all([run, failed])
        db.flush()
        db.add(WorkflowStep(run_id=run.id, index=0, kind="request", name="OK?", status="waiting", attempts=0))
        request = WorkflowRequest(run_id=run.id, step_index=0, application_id=app_id, name="OK?", message="",
                                  resolutions=["Approve"], users=["viewer@example.com"], groups=[])
        db.add(request)
        db.flush()
        return run.id, failed.id, request.id


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


def _install(ids: dict[str, str]) -> dict[str, Any]:
    return {"url": ids["pending_url"], "sha256": ids["pending_sha"], "accessor": ["leftPad", "rightPad"]}


def _mapping(ids: dict[str, str]) -> dict[str, Any]:
    return {"group": "Engineering", "workspaceId": ids["ws"], "role": "developer"}


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
    # Sign-in providers: the login page's list and the browser's two steps are anyone's (a
    # disabled or unknown provider sends the browser back to the login page with the reason).
    row("GET",    "/api/v1/auth/providers",                        None,                            200, 200, 200, 200, 200),
    row("GET",    "/api/v1/auth/providers/{slug}/start",           None,                            302, 302, 302, 302, 302),
    row("GET",    "/api/v1/auth/providers/{slug}/callback",        None,                            302, 302, 302, 302, 302),
    # The SAML service provider's own addresses (outside /api: the IdP's form posts to the ACS).
    row("POST",   "/saml/{slug}/acs",                              None,                            303, 303, 303, 303, 303),
    row("GET",    "/saml/{slug}/metadata",                         None,                            404, 404, 404, 404, 404),
    # Single logout: anyone's (the IdP's browser redirect or form); only a message signed by the
    # IdP does anything, and there is no SAML provider here.
    row("GET",    "/saml/{slug}/slo",                              None,                            404, 404, 404, 404, 404),
    row("POST",   "/saml/{slug}/slo",                              None,                            404, 404, 404, 404, 404),
    row("GET",    "/api/v1/me/identities",                         None,                            401, 200, 200, 200, 200),
    row("DELETE", "/api/v1/me/identities/{provider}",              None,                            401, 404, 404, 404, 404),
    # Instance administrators only, like private networks.
    row("GET",    "/api/v1/admin/sign-in",                         None,                            401, 403, 403, 403, 403),
    row("PUT",    "/api/v1/admin/sign-in/settings",                {"passwordLogin": True},         401, 403, 403, 403, 403),
    row("POST",   "/api/v1/admin/sign-in/providers",               {"slug": "gh", "kind": "github", "name": "GitHub", "settings": {"clientId": "c"}}, 401, 403, 403, 403, 403),
    row("PATCH",  "/api/v1/admin/sign-in/providers/{provider}",    {"name": "Corporate"},           401, 403, 403, 403, 403),
    row("DELETE", "/api/v1/admin/sign-in/providers/{provider}",    None,                            401, 403, 403, 403, 403),
    # Two-factor authentication: one's own (nobody in the matrix has set it up), and the sign-in
    # steps, which answer only the pending sign-in's cookie, never a session.
    row("GET",    "/api/v1/me/two-factor",                         None,                            401, 200, 200, 200, 200),
    row("POST",   "/api/v1/me/two-factor/enrolment",               None,                            401, 201, 201, 201, 201),
    row("POST",   "/api/v1/me/two-factor/enrolment/confirm",       {"code": "123456"},              401, 409, 409, 409, 409),
    row("POST",   "/api/v1/me/two-factor/recovery-codes",          {"password": PASSWORD},          401, 409, 409, 409, 409),
    row("POST",   "/api/v1/me/two-factor/disable",                 {"password": PASSWORD},          401, 409, 409, 409, 409),
    row("POST",   "/api/v1/auth/two-factor",                       {"code": "123456"},              401, 401, 401, 401, 401),
    row("POST",   "/api/v1/auth/two-factor/enrolment",             None,                            401, 401, 401, 401, 401),
    row("POST",   "/api/v1/auth/two-factor/enrolment/confirm",     {"code": "123456"},              401, 401, 401, 401, 401),
    row("PUT",    "/api/v1/workspaces/{ws}/two-factor",            {"required": False},             401, 403, 403, 200, 404),
    # Instance administrators only: the 2FA requirement and provisioning.
    row("GET",    "/api/v1/admin/two-factor",                      None,                            401, 403, 403, 403, 403),
    row("PUT",    "/api/v1/admin/two-factor",                      {"required": False},             401, 403, 403, 403, 403),
    row("GET",    "/api/v1/admin/scim/tokens",                     None,                            401, 403, 403, 403, 403),
    row("POST",   "/api/v1/admin/scim/tokens",                     {"name": "Okta"},                401, 403, 403, 403, 403),
    row("DELETE", "/api/v1/admin/scim/tokens/{token}",             None,                            401, 403, 403, 403, 403),
    row("GET",    "/api/v1/admin/scim/group-mappings",             None,                            401, 403, 403, 403, 403),
    row("POST",   "/api/v1/admin/scim/group-mappings",             _mapping,                        401, 403, 403, 403, 403),
    row("DELETE", "/api/v1/admin/scim/group-mappings/{token}",     None,                            401, 403, 403, 403, 403),
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
    row("POST",   "/api/v1/applications/{app}/publish",            {"message": "Ready"},            401, 403, 200, 200, 404),
    # Version history is edit-side: Developers and administrators only.
    row("GET",    "/api/v1/applications/{app}/versions",           None,                            401, 403, 200, 200, 404),
    row("GET",    "/api/v1/applications/{app}/versions/{version}", None,                            401, 403, 200, 200, 404),
    row("GET",    "/api/v1/applications/{app}/versions/{version}/view", None,                       401, 403, 200, 200, 404),
    row("GET",    "/api/v1/applications/{app}/versions/compare?from={version}&to=edit", None,       401, 403, 200, 200, 404),
    row("POST",   "/api/v1/applications/{app}/versions/{version}/restore", None,                    401, 403, 200, 200, 404),
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
    # Git sync (the matrix's app is not connected): Developers operate and get "not connected"
    # (404) or a refused remote (422); viewers and outsiders never reach the repository.
    row("GET",    "/api/v1/applications/{app}/git",                None,                            401, 403, 200, 200, 404),
    row("POST",   "/api/v1/applications/{app}/git/deploy-key",     None,                            401, 403, 201, 201, 404),
    row("POST",   "/api/v1/applications/{app}/git/connect",        {"remoteUrl": "file:///etc", "auth": "token", "token": "t"}, 401, 403, 422, 422, 404),
    row("DELETE", "/api/v1/applications/{app}/git",                None,                            401, 403, 404, 404, 404),
    row("POST",   "/api/v1/applications/{app}/git/host-key",       {},                              401, 403, 404, 404, 404),
    row("PATCH",  "/api/v1/applications/{app}/git/settings",       {"autoCommitOnPublish": True},   401, 403, 404, 404, 404),
    row("GET",    "/api/v1/applications/{app}/git/status",         None,                            401, 403, 404, 404, 404),
    row("POST",   "/api/v1/applications/{app}/git/commit",         {"message": "m"},                401, 403, 404, 404, 404),
    row("POST",   "/api/v1/applications/{app}/git/push",           None,                            401, 403, 404, 404, 404),
    row("POST",   "/api/v1/applications/{app}/git/pull",           None,                            401, 403, 404, 404, 404),
    row("POST",   "/api/v1/applications/{app}/git/discard",        None,                            401, 403, 404, 404, 404),
    row("GET",    "/api/v1/applications/{app}/git/branches",       None,                            401, 403, 404, 404, 404),
    row("POST",   "/api/v1/applications/{app}/git/branches",       {"name": "feature"},             401, 403, 404, 404, 404),
    row("POST",   "/api/v1/applications/{app}/git/branches/switch", {"name": "feature"},            401, 403, 404, 404, 404),
    row("POST",   "/api/v1/applications/{app}/git/branches/delete", {"name": "feature"},            401, 403, 404, 404, 404),
    row("POST",   "/api/v1/applications/{app}/git/merge",          {"source": "feature"},           401, 403, 404, 404, 404),
    row("GET",    "/api/v1/applications/{app}/git/merge",          None,                            401, 403, 404, 404, 404),
    row("POST",   "/api/v1/applications/{app}/git/merge/resolve",  {"conflictId": "x", "choice": "mine"}, 401, 403, 404, 404, 404),
    row("POST",   "/api/v1/applications/{app}/git/merge/complete", None,                            401, 403, 404, 404, 404),
    row("POST",   "/api/v1/applications/{app}/git/merge/abort",    None,                            401, 403, 404, 404, 404),
    # Workflows (docs/workflows.md): developers manage runs; members start the published workflow and
    # read runs they started; only a request's assignees resolve it (the viewer here).
    row("GET",    "/api/v1/applications/{app}/workflows",          None,                            401, 403, 200, 200, 404),
    row("POST",   "/api/v1/applications/{app}/workflows/{workflow}/runs", {"data": 1},              401, 403, 201, 201, 404),
    row("POST",   "/api/v1/applications/{app}/workflows/{workflow}/runs", {"mode": "view"},         401, 201, 201, 201, 404),
    row("GET",    "/api/v1/applications/{app}/workflows/runs",     None,                            401, 403, 200, 200, 404),
    row("GET",    "/api/v1/applications/{app}/workflows/runs/{run}", None,                          401, 404, 200, 200, 404),
    row("POST",   "/api/v1/applications/{app}/workflows/runs/{run}/cancel", None,                   401, 403, 200, 200, 404),
    row("POST",   "/api/v1/applications/{app}/workflows/runs/{failed_run}/retry", None,             401, 403, 200, 200, 404),
    row("GET",    "/api/v1/applications/{app}/workflows/requests", None,                            401, 200, 200, 200, 404),
    row("POST",   "/api/v1/applications/{app}/workflows/requests/{request}/resolve", {"resolution": "Approve"},
        401, 200, 403, 403, 404),
    # A workflow's triggers: its app's developers; the webhook answers its token only (none here).
    row("GET",    "/api/v1/workflows/{workflow}/triggers",          None,                            401, 403, 200, 200, 404),
    row("POST",   "/api/v1/workflows/{workflow}/webhook",           None,                            401, 403, 201, 201, 404),
    row("DELETE", "/api/v1/workflows/{workflow}/webhook",           None,                            401, 403, 204, 204, 404),
    row("PUT",    "/api/v1/workflows/{workflow}/schedule",          {"cron": "0 * * * *", "timezone": "Europe/Paris"}, 401, 403, 200, 200, 404),
    row("DELETE", "/api/v1/workflows/{workflow}/schedule",          None,                            401, 403, 204, 204, 404),
    row("POST",   "/api/v1/hooks/workflows/{workflow}",             {"any": "body"},                 401, 401, 401, 401, 401),
    # Instance administrators only (see tests/security/test_permission_matrix_complete.py).
    row("GET",    "/api/v1/admin/settings",                        None,                            401, 403, 403, 403, 403),
    row("PATCH",  "/api/v1/admin/settings",                        {"jsLibraryUrls": []},           401, 403, 403, 403, 403),
    row("GET",    "/api/v1/applications/{app}/js-libraries",       None,                            401, 403, 200, 200, 404),
    # The permission is checked before the URL: Developers learn the URL is not allowed.
    row("POST",   "/api/v1/applications/{app}/js-libraries/fetch", {"url": "https://not-allowed.example/x.js"}, 401, 403, 422, 422, 404),
    row("POST",   "/api/v1/applications/{app}/js-libraries",       _install,                        401, 403, 201, 201, 404),
    row("DELETE", "/api/v1/applications/{app}/js-libraries/{library}", None,                          401, 403, 204, 204, 404),
    # The published app's library code: whoever may view the app (the app is private).
    row("GET",    "/api/v1/applications/{app}/js-libraries/code/{library_sha}", None,               401, 200, 200, 200, 404),
    row("GET",    "/api/v1/applications/{app}/js-libraries/code/{pending_sha}", None,               401, 404, 200, 200, 404),
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
        return client.request(method, url, files=files, follow_redirects=False)
    return client.request(method, url, json=payload, follow_redirects=False)


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


# SCIM answers provisioning tokens only: no session, API token or role opens it. (Routes under
# /scim/v2 are outside the OpenAPI document: the protocol describes itself.)
SCIM_ROUTES = [
    ("GET", "/scim/v2/ServiceProviderConfig"), ("GET", "/scim/v2/ResourceTypes"), ("GET", "/scim/v2/ResourceTypes/{id}"),
    ("GET", "/scim/v2/Schemas"), ("GET", "/scim/v2/Schemas/{id}"),
    ("GET", "/scim/v2/Users"), ("POST", "/scim/v2/Users"), ("POST", "/scim/v2/Users/.search"),
    ("GET", "/scim/v2/Users/{id}"), ("PUT", "/scim/v2/Users/{id}"), ("PATCH", "/scim/v2/Users/{id}"),
    ("DELETE", "/scim/v2/Users/{id}"),
    ("GET", "/scim/v2/Groups"), ("POST", "/scim/v2/Groups"), ("POST", "/scim/v2/Groups/.search"),
    ("GET", "/scim/v2/Groups/{id}"), ("PUT", "/scim/v2/Groups/{id}"), ("PATCH", "/scim/v2/Groups/{id}"),
    ("DELETE", "/scim/v2/Groups/{id}"), ("POST", "/scim/v2/.search"),
]
SCIM_PUBLIC = {("GET", "/scim/v2/{}"), ("POST", "/scim/v2/{}"), ("PUT", "/scim/v2/{}"), ("PATCH", "/scim/v2/{}"),
               ("DELETE", "/scim/v2/{}")}  # unknown paths: a SCIM 404 or 405, nothing read


@pytest.mark.parametrize(("method", "path"), SCIM_ROUTES, ids=[f"{m} {p}" for m, p in SCIM_ROUTES])
def test_scim_answers_no_session_or_api_token(world: World, method: str, path: str) -> None:
    bearer = world.clients["outsider"].ok("POST", "/api/v1/me/tokens", 201, json={"name": "x"})["token"]
    callers = [*world.clients.values(), world.clients["anonymous"]]
    for index, client in enumerate(callers):
        headers = {"Authorization": f"Bearer {bearer}"} if index == len(callers) - 1 else {}
        body = {} if method in ("POST", "PUT", "PATCH") else None
        response = client.request(method, path.format(id="x"), json=body, headers=headers)
        assert response.status_code == 401, f"{method} {path}: {response.status_code} {response.text}"
        assert response.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]


def test_every_scim_route_is_in_the_scim_table() -> None:
    app = create_app(make_settings(Path("/tmp/lowcraft-matrix-routes"), "sqlite://"), migrate=False)
    listed = {(m, _generic(p)) for m, p in SCIM_ROUTES} | SCIM_PUBLIC
    routes = {(method, _generic(route.path)) for route in app.routes if getattr(route, "path", "").startswith("/scim/")
              for method in getattr(route, "methods", ())}
    assert routes - listed == set()


def _generic(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path.split("?", 1)[0])


# The real-time WebSocket (`/api/v1/ws`, docs/realtime.md): joining a channel is checked like
# reading the edit state (edit:) or opening the published app (view:). "open" means the server
# accepts the channel and answers a ping; a number is the close code it ends with instead.
OPEN = "open"
SOCKET_MATRIX = [
    ("edit:{app}", (4401, 4403, OPEN, OPEN, 4404)),
    ("view:{app}", (4401, OPEN, OPEN, OPEN, 4404)),
    ("edit:{trashed}", (4401, 4404, 4404, 4404, 4404)),
    ("view:{trashed}", (4404, 4404, 4404, 4404, 4404)),
]
SOCKET_CASES = [(channel, role, expected[i]) for channel, expected in SOCKET_MATRIX for i, role in enumerate(ROLES)]


@pytest.mark.parametrize(("channel", "role", "expected"), SOCKET_CASES, ids=[f"ws {c} {r}" for c, r, _ in SOCKET_CASES])
def test_socket_permission(world: World, channel: str, role: str, expected: int | str) -> None:
    client = world.clients[role]
    url = "/api/v1/ws?channel=" + channel.format(**world.ids)
    with client.websocket_connect(url, headers={"Origin": "http://127.0.0.1:8080"}) as ws:
        if expected == OPEN:
            ws.send_text('{"type": "ping"}')
            message = ws.receive()
            while "bytes" in message and message.get("bytes") is not None:  # the edit channel's sync step 1
                message = ws.receive()
            assert message.get("text") == '{"type": "pong"}', message
        else:
            error = ws.receive_json()
            assert error["type"] == "error" and error["code"] == expected and error["message"]
            assert ws.receive()["code"] == expected
