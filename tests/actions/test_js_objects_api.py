"""JS objects' per-function settings (Appsmith's "run on page load" and "confirm before calling"):
stored with the object, edited through the API, published to viewers, carried by export and import."""

from __future__ import annotations

from typing import Any

import pytest

from tests.apps.test_applications import default_page, make_app
from tests.conftest import Api, first_workspace

BODY = "export default {\n  async load() { return 1 },\n  remove() { return 2 },\n}\n"


@pytest.fixture
def js(admin: Api) -> dict[str, Any]:
    app = make_app(admin)
    page = default_page(admin, app["id"])
    created = admin.ok("POST", f"/api/v1/applications/{app['id']}/js-objects", 201, json={
        "pageId": page["id"], "name": "Orders", "body": BODY,
        "settings": {"load": {"runOnPageLoad": True}, "remove": {"confirmBeforeRun": True}}})
    return {"app": app, "page": page, "js": created}


def test_settings_are_stored_per_function_and_read_back(admin: Api, js: dict[str, Any]) -> None:
    assert js["js"]["settings"] == {
        "load": {"runOnPageLoad": True, "confirmBeforeRun": False},
        "remove": {"runOnPageLoad": False, "confirmBeforeRun": True},
    }
    assert admin.ok("GET", f"/api/v1/js-objects/{js['js']['id']}")["settings"] == js["js"]["settings"]


def test_an_update_replaces_the_settings_and_functions_with_none_set_are_left_out(admin: Api, js: dict[str, Any]) -> None:
    updated = admin.ok("PATCH", f"/api/v1/js-objects/{js['js']['id']}", json={
        "settings": {"load": {"runOnPageLoad": False, "confirmBeforeRun": False}, "remove": {"runOnPageLoad": True}}})
    assert updated["settings"] == {"remove": {"runOnPageLoad": True, "confirmBeforeRun": False}}
    # Editing the body leaves the settings as they are.
    kept = admin.ok("PATCH", f"/api/v1/js-objects/{js['js']['id']}", json={"body": BODY + "\n"})
    assert kept["settings"] == updated["settings"]


@pytest.mark.parametrize("settings", [
    {"load": {"runOnPageLoad": "yes"}},
    {"load": {"runOnLoad": True}},
    {"not a name": {"runOnPageLoad": True}},
    {"load": True},
])
def test_bad_settings_are_a_clear_client_error(admin: Api, js: dict[str, Any], settings: dict[str, Any]) -> None:
    response = admin.patch(f"/api/v1/js-objects/{js['js']['id']}", json={"settings": settings})
    assert response.status_code in (400, 422)
    assert response.json()["error"]["message"]
    assert admin.ok("GET", f"/api/v1/js-objects/{js['js']['id']}")["settings"] == js["js"]["settings"]


def test_viewers_get_the_published_settings(admin: Api, js: dict[str, Any]) -> None:
    admin.ok("POST", f"/api/v1/applications/{js['app']['id']}/publish")
    view = admin.ok("GET", f"/api/v1/view/{js['app']['slug']}")
    [published] = view["document"]["pages"][0]["jsObjects"]
    assert published["settings"]["load"]["runOnPageLoad"] is True


def test_export_and_import_carry_the_settings(admin: Api, js: dict[str, Any]) -> None:
    exported = admin.ok("GET", f"/api/v1/applications/{js['app']['id']}/export")
    [entry] = exported["pages"][0]["jsObjects"]
    assert entry["settings"] == js["js"]["settings"]
    ws = first_workspace(admin)
    imported = admin.ok("POST", f"/api/v1/workspaces/{ws}/applications/import", 201, json={"document": exported, "name": "Copy"})
    [copy] = admin.ok("GET", f"/api/v1/applications/{imported['id']}/js-objects")["jsObjects"]
    assert copy["settings"] == js["js"]["settings"]
    # A document without settings (older exports) imports with none set.
    del exported["pages"][0]["jsObjects"][0]["settings"]
    older = admin.ok("POST", f"/api/v1/workspaces/{ws}/applications/import", 201, json={"document": exported, "name": "Old"})
    assert admin.ok("GET", f"/api/v1/applications/{older['id']}/js-objects")["jsObjects"][0]["settings"] == {}
