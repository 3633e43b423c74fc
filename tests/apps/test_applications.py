"""Applications: lifecycle, trash, clone, publish, export/import and the published view."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update

from lowcraft.app import create_app, housekeeping
from lowcraft.appmodel.models import Application
from lowcraft.store.types import utcnow
from tests.conftest import Api, Instance, first_workspace
from tests.pages.test_dsl import page, widget


def make_app(client: Api, name: str = "Orders admin") -> dict[str, Any]:
    ws = first_workspace(client)
    return client.ok("POST", f"/api/v1/workspaces/{ws}/applications", 201, json={"name": name})  # type: ignore[no-any-return]


def default_page(client: Api, app_id: str) -> dict[str, Any]:
    return client.ok("GET", f"/api/v1/applications/{app_id}")["pages"][0]  # type: ignore[no-any-return]


def save(client: Api, page_id: str, tree: dict[str, Any]) -> None:
    revision = client.ok("GET", f"/api/v1/pages/{page_id}")["revision"]
    client.ok("PUT", f"/api/v1/pages/{page_id}/dsl", json={"dsl": tree, "revision": revision})


def add_viewer(instance: Instance, admin: Api, email: str = "viewer@example.com") -> Api:
    viewer = instance.user(email)
    admin.ok("POST", f"/api/v1/workspaces/{first_workspace(admin)}/invites", 201, json={"email": email, "role": "viewer"})
    return viewer


def test_applications_get_unique_slugs_from_their_names(admin: Api) -> None:
    first = make_app(admin, "Orders admin")
    second = make_app(admin, "Orders Admin!")
    assert (first["slug"], second["slug"]) == ("orders-admin", "orders-admin-2")


def test_rename_and_settings_are_saved(admin: Api) -> None:
    app = make_app(admin)
    changed = admin.ok("PATCH", f"/api/v1/applications/{app['id']}", json={
        "name": "Orders", "slug": "orders", "theme": {"primaryColor": "#ff0000"}, "settings": {"navigation": "side"},
    })
    assert (changed["name"], changed["slug"], changed["theme"], changed["settings"]["navigation"]) == (
        "Orders", "orders", {"primaryColor": "#ff0000"}, "side")


def test_bad_changes_are_refused_and_change_nothing(admin: Api) -> None:
    app = make_app(admin)
    other = make_app(admin, "Other")
    for body, status in (({"name": "  "}, 422), ({"slug": other["slug"]}, 409), ({"theme": {"colour": "red"}}, 422),
                         ({"settings": {"navigation": "diagonal"}}, 422), ({"unknown": 1}, 422)):
        response = admin.patch(f"/api/v1/applications/{app['id']}", json=body)
        assert response.status_code == status, (body, response.text)
    assert admin.ok("GET", f"/api/v1/applications/{app['id']}")["name"] == "Orders admin"


def test_deleted_applications_go_to_the_trash_and_can_be_restored(admin: Api) -> None:
    app = make_app(admin)
    ws = first_workspace(admin)
    admin.ok("DELETE", f"/api/v1/applications/{app['id']}", 204)
    assert admin.ok("GET", f"/api/v1/workspaces/{ws}/applications")["applications"] == []
    assert [a["id"] for a in admin.ok("GET", f"/api/v1/workspaces/{ws}/trash")["applications"]] == [app["id"]]
    assert admin.get(f"/api/v1/applications/{app['id']}").status_code == 404
    admin.ok("POST", f"/api/v1/applications/{app['id']}/restore")
    assert [a["id"] for a in admin.ok("GET", f"/api/v1/workspaces/{ws}/applications")["applications"]] == [app["id"]]


def test_the_trash_is_purged_after_the_retention_period(instance: Instance, admin: Api) -> None:
    kept, purged = make_app(admin, "Kept"), make_app(admin, "Purged")
    for app in (kept, purged):
        admin.ok("DELETE", f"/api/v1/applications/{app['id']}", 204)
    runtime = instance.app.state.runtime
    with runtime.db.session() as db:
        db.execute(update(Application).where(Application.id == purged["id"]).values(deleted_at=utcnow() - timedelta(days=31)))
    housekeeping(runtime)
    trash = admin.ok("GET", f"/api/v1/workspaces/{first_workspace(admin)}/trash")["applications"]
    assert [a["id"] for a in trash] == [kept["id"]]


def test_a_restart_purges_the_trash_with_the_server_already_answering(instance: Instance, admin: Api) -> None:
    purged = make_app(admin, "Purged")
    admin.ok("DELETE", f"/api/v1/applications/{purged['id']}", 204)
    with instance.app.state.runtime.db.session() as db:
        db.execute(update(Application).where(Application.id == purged["id"]).values(deleted_at=utcnow() - timedelta(days=31)))
    restarted = create_app(instance.settings, migrate=False)
    with TestClient(restarted) as client:  # the lifespan starts housekeeping, and does not wait for it
        assert client.get("/api/v1/ready").status_code == 200
        deadline = time.monotonic() + 10
        while admin.ok("GET", f"/api/v1/workspaces/{first_workspace(admin)}/trash")["applications"]:
            assert time.monotonic() < deadline, "housekeeping at start did not purge the trash"
            time.sleep(0.05)


def test_clone_copies_pages_and_widgets_under_a_new_name(admin: Api) -> None:
    app = make_app(admin)
    save(admin, default_page(admin, app["id"])["id"], page(widget("Title")))
    clone = admin.ok("POST", f"/api/v1/applications/{app['id']}/clone", 201)
    assert clone["name"] == "Orders admin (copy)" and clone["slug"] != app["slug"]
    tree = admin.ok("GET", f"/api/v1/pages/{default_page(admin, clone['id'])['id']}")["dsl"]
    assert [w["widgetName"] for w in tree["children"]] == ["Title"]


def test_viewers_only_ever_see_the_published_state(instance: Instance, admin: Api) -> None:
    app = make_app(admin)
    page_id = default_page(admin, app["id"])["id"]
    viewer = add_viewer(instance, admin)
    ws = first_workspace(admin)
    assert viewer.ok("GET", f"/api/v1/workspaces/{ws}/applications")["applications"] == []
    assert viewer.get(f"/api/v1/view/{app['slug']}").status_code == 404  # not published yet
    save(admin, page_id, page(widget("Published")))
    admin.ok("POST", f"/api/v1/applications/{app['id']}/publish")
    save(admin, page_id, page(widget("Draft")))  # edited after publishing
    view = viewer.ok("GET", f"/api/v1/view/{app['slug']}")
    assert [w["widgetName"] for w in view["document"]["pages"][0]["dsl"]["children"]] == ["Published"]
    assert view["canEdit"] is False
    assert viewer.get(f"/api/v1/pages/{page_id}").status_code == 403


def test_public_applications_open_without_login_and_private_ones_ask_for_it(instance: Instance, admin: Api) -> None:
    app = make_app(admin)
    admin.ok("POST", f"/api/v1/applications/{app['id']}/publish")
    anonymous = instance.anonymous()
    response = anonymous.get(f"/api/v1/view/{app['slug']}")
    assert response.status_code == 401
    admin.ok("PATCH", f"/api/v1/applications/{app['id']}", json={"isPublic": True})
    assert anonymous.ok("GET", f"/api/v1/view/{app['id']}")["slug"] == app["slug"]


def test_export_then_import_gives_the_same_application(admin: Api) -> None:
    app = make_app(admin)
    page_id = default_page(admin, app["id"])["id"]
    save(admin, page_id, page(widget("Title", text="{{appsmith.user.email}}")))
    admin.ok("POST", f"/api/v1/applications/{app['id']}/pages", 201, json={"name": "Details"})
    exported = admin.ok("GET", f"/api/v1/applications/{app['id']}/export")
    assert exported["format"] == "lowcraft-app" and exported["formatVersion"] == 1
    assert "id" not in exported["pages"][0]
    admin.ok("DELETE", f"/api/v1/applications/{app['id']}", 204)
    imported = admin.ok("POST", f"/api/v1/workspaces/{first_workspace(admin)}/applications/import", 201,
                        json={"document": exported})
    again = admin.ok("GET", f"/api/v1/applications/{imported['id']}/export")
    strip = lambda d: {**d, "exportedAt": None, "application": {**d["application"], "slug": None}}  # noqa: E731
    assert strip(again) == strip(exported)


BROKEN_DOCUMENTS = {
    "not an export": ({"hello": "world"}, "not a Lowcraft application export"),
    "a future format version": ({"format": "lowcraft-app", "formatVersion": 99, "application": {"name": "x"}, "pages": []},
                                "Unsupported formatVersion"),
    "no pages": ({"format": "lowcraft-app", "formatVersion": 1, "application": {"name": "x"}, "pages": []}, "pages"),
    "an invalid widget": ({"format": "lowcraft-app", "formatVersion": 1, "application": {"name": "x"},
                           "pages": [{"name": "P", "dsl": page(widget("X", "BOGUS"))}]}, "Unknown widget type"),
    "a name used twice on one page": ({"format": "lowcraft-app", "formatVersion": 1, "application": {"name": "x"},
                                       "pages": [{"name": "P", "dsl": page(widget("A")),
                                                  "jsObjects": [{"name": "A", "body": "export default {}"}]}]},
                                      "already used on this page"),
}


def test_broken_imports_are_refused_and_create_nothing(admin: Api) -> None:
    ws = first_workspace(admin)
    for label, (document, message) in BROKEN_DOCUMENTS.items():
        response = admin.post(f"/api/v1/workspaces/{ws}/applications/import", json={"document": document})
        assert 400 <= response.status_code < 500, label
        assert message in response.json()["error"]["message"], (label, response.json())
    assert admin.ok("GET", f"/api/v1/workspaces/{ws}/applications")["applications"] == []
