"""Version history without Git: every publish keeps a version; list, compare, view and restore."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from lowcraft.appmodel.versions import AppVersion, prune_versions
from lowcraft.audit.models import AuditEvent
from lowcraft.store.types import utcnow
from tests.apps.test_applications import add_viewer, default_page, make_app
from tests.conftest import Api, Instance, first_workspace
from tests.jslibs.support import TINY_CSV, library_server
from tests.pages.test_dsl import page, widget


@pytest.fixture
def shop(instance: Instance, admin: Api) -> dict[str, Any]:
    """An app with a Text, a query and a JS object, published once with a message."""
    ws = first_workspace(admin)
    db_file = instance.settings.sqlite_root_paths[0] / ws / "shop.db"
    db_file.parent.mkdir(parents=True, exist_ok=True)
    sqlite3.connect(db_file).executescript("create table if not exists t (id integer)")
    app = make_app(admin, "Shop")
    page_id = default_page(admin, app["id"])["id"]
    ds = admin.ok("POST", f"/api/v1/workspaces/{ws}/datasources", 201,
                  json={"name": "Shop", "connector": "sqlite", "configs": {"production": {"path": str(db_file)}}})
    admin.ok("PUT", f"/api/v1/pages/{page_id}/dsl", json={"dsl": page(widget("Text1", text="Hello v1")), "revision": 1})
    action = admin.ok("POST", f"/api/v1/applications/{app['id']}/actions", 201, json={
        "pageId": page_id, "name": "getRows", "datasourceId": ds["id"], "config": {"sql": "select 1"}})
    js = admin.ok("POST", f"/api/v1/applications/{app['id']}/js-objects", 201, json={
        "pageId": page_id, "name": "Utils", "body": "export default {\n  a: 1,\n}\n"})
    admin.ok("POST", f"/api/v1/applications/{app['id']}/publish", json={"message": "First cut"})
    return {"id": app["id"], "page": page_id, "action": action["id"], "js": js["id"], "ws": ws, "ds": ds["id"]}


def change_and_publish(admin: Api, shop: dict[str, Any], message: str | None = "Second") -> None:
    revision = admin.ok("GET", f"/api/v1/pages/{shop['page']}")["revision"]
    tree = page(widget("Text1", text="Hello v2"), widget("Button1", "BUTTON_WIDGET", top=5, bottom=9, text="Go"))
    admin.ok("PUT", f"/api/v1/pages/{shop['page']}/dsl", json={"dsl": tree, "revision": revision})
    admin.ok("PATCH", f"/api/v1/actions/{shop['action']}", json={"config": {"sql": "select 2"}})
    admin.ok("DELETE", f"/api/v1/js-objects/{shop['js']}", 204)
    admin.ok("POST", f"/api/v1/applications/{shop['id']}/publish", json={"message": message} if message else None)


def versions(admin: Api, app_id: str, **params: Any) -> dict[str, Any]:
    return admin.ok("GET", f"/api/v1/applications/{app_id}/versions", params=params)  # type: ignore[no-any-return]


def text_of(document: dict[str, Any]) -> str:
    return str(document["pages"][0]["dsl"]["children"][0]["text"])


def test_each_publish_keeps_a_version_listed_newest_first(admin: Api, shop: dict[str, Any]) -> None:
    change_and_publish(admin, shop)
    admin.ok("POST", f"/api/v1/applications/{shop['id']}/publish")  # no body: no message
    listed = versions(admin, shop["id"])
    assert [(v["number"], v["kind"], v["message"], v["isPublished"]) for v in listed["versions"]] == [
        (3, "publish", None, True), (2, "publish", "Second", False), (1, "publish", "First cut", False)]
    assert {v["author"] for v in listed["versions"]} == {"Ada Admin"}
    assert listed["nextBefore"] is None
    first = versions(admin, shop["id"], limit=2)
    assert [v["number"] for v in first["versions"]] == [3, 2] and first["nextBefore"] == 2
    rest = versions(admin, shop["id"], limit=2, before=first["nextBefore"])
    assert [v["number"] for v in rest["versions"]] == [1] and rest["nextBefore"] is None
    one = admin.ok("GET", f"/api/v1/applications/{shop['id']}/versions/{listed['versions'][2]['id']}")
    assert one["message"] == "First cut" and text_of(one["document"]) == "Hello v1"


def test_compare_shows_the_changed_widget_query_and_js_object(admin: Api, shop: dict[str, Any]) -> None:
    change_and_publish(admin, shop)
    new, old = versions(admin, shop["id"])["versions"]
    result = admin.ok("GET", f"/api/v1/applications/{shop['id']}/versions/compare", params={"from": old["id"], "to": new["id"]})
    changes = {(c["kind"], c["name"]): c for c in result["changes"]}
    text = changes[("widget", "Text1")]
    assert (text["change"], text["page"], text["fields"]) == ("changed", "Page1", ["text"])
    assert (text["before"]["text"], text["after"]["text"]) == ("Hello v1", "Hello v2")
    assert changes[("widget", "Button1")]["change"] == "added" and changes[("widget", "Button1")]["before"] is None
    query = changes[("query", "getRows")]
    assert query["change"] == "changed" and query["before"]["config"]["sql"] == "select 1"
    assert query["after"]["config"]["sql"] == "select 2"
    assert changes[("jsObject", "Utils")]["change"] == "removed"
    assert ("widget", "MainContainer") not in changes  # unchanged entities are not listed
    assert result["counts"]["widget"] == {"added": 1, "removed": 0, "changed": 1}
    assert result["before"]["number"] == 1 and result["after"]["number"] == 2
    # against the edit state: nothing changed since the last publish
    same = admin.ok("GET", f"/api/v1/applications/{shop['id']}/versions/compare", params={"from": new["id"], "to": "edit"})
    assert same["changes"] == [] and same["after"] is None


def test_restore_gives_back_the_old_edit_state_and_records_a_version(
    instance: Instance, admin: Api, shop: dict[str, Any]
) -> None:
    change_and_publish(admin, shop)
    old = versions(admin, shop["id"])["versions"][1]
    restored = admin.ok("POST", f"/api/v1/applications/{shop['id']}/versions/{old['id']}/restore")
    assert (restored["number"], restored["kind"], restored["restoredFrom"]) == (3, "restore", 1)
    assert restored["message"] == "Restored version 1" and restored["isPublished"] is False
    exported = admin.ok("GET", f"/api/v1/applications/{shop['id']}/export")
    [restored_page] = exported["pages"]
    assert text_of(exported) == "Hello v1"
    assert [w["widgetName"] for w in restored_page["dsl"]["children"]] == ["Text1"]
    assert [(a["name"], a["config"]["sql"]) for a in restored_page["actions"]] == [("getRows", "select 1")]
    assert [j["name"] for j in restored_page["jsObjects"]] == ["Utils"]
    # the ids are the version's: the page keeps its id, the deleted JS object comes back with its own
    assert admin.ok("GET", f"/api/v1/pages/{shop['page']}")["dsl"]["children"][0]["text"] == "Hello v1"
    assert admin.ok("GET", f"/api/v1/js-objects/{shop['js']}")["name"] == "Utils"
    # viewers still see version 2 until the next publish
    assert text_of(admin.ok("GET", f"/api/v1/view/{shop['id']}")["document"]) == "Hello v2"
    listed = versions(admin, shop["id"])["versions"]
    assert [(v["number"], v["kind"]) for v in listed] == [(3, "restore"), (2, "publish"), (1, "publish")]
    assert [v["isPublished"] for v in listed] == [False, True, False]
    # the restore version holds what the edit state became
    same = admin.ok("GET", f"/api/v1/applications/{shop['id']}/versions/compare", params={"from": listed[0]["id"], "to": "edit"})
    assert same["changes"] == []
    with instance.app.state.runtime.db.session() as db:
        events = {e.action: e.summary for e in db.scalars(select(AuditEvent)).all()}
    assert events["application.version_restored"] == {"restored": 1, "version": 3}
    assert events["application.published"]["version"] == 2 and events["application.published"]["message"] == "Second"


def test_an_editor_holding_an_older_page_revision_cannot_overwrite_a_restore(admin: Api, shop: dict[str, Any]) -> None:
    change_and_publish(admin, shop)
    seen = admin.ok("GET", f"/api/v1/pages/{shop['page']}")["revision"]
    old = versions(admin, shop["id"])["versions"][1]
    admin.ok("POST", f"/api/v1/applications/{shop['id']}/versions/{old['id']}/restore")
    stale = admin.put(f"/api/v1/pages/{shop['page']}/dsl", json={"dsl": page(widget("Text1", text="stale")), "revision": seen})
    assert stale.status_code == 409


def test_restore_brings_back_a_deleted_page_and_removes_a_later_one(admin: Api, shop: dict[str, Any]) -> None:
    first = versions(admin, shop["id"])["versions"][0]
    admin.ok("POST", f"/api/v1/applications/{shop['id']}/pages", 201, json={"name": "Later"})
    admin.ok("POST", f"/api/v1/applications/{shop['id']}/versions/{first['id']}/restore")
    pages = admin.ok("GET", f"/api/v1/applications/{shop['id']}")["pages"]
    assert [(p["id"], p["name"], p["slug"], p["isDefault"]) for p in pages] == [(shop["page"], "Page1", "page1", True)]


def test_viewing_a_version_shows_its_old_widget_text(admin: Api, shop: dict[str, Any]) -> None:
    change_and_publish(admin, shop)
    old = versions(admin, shop["id"])["versions"][1]
    view = admin.ok("GET", f"/api/v1/applications/{shop['id']}/versions/{old['id']}/view")
    assert text_of(view["document"]) == "Hello v1" and view["canEdit"] is True
    assert view["version"]["number"] == 1 and view["id"] == shop["id"]


def test_retention_keeps_the_published_version(instance: Instance, admin: Api, shop: dict[str, Any]) -> None:
    instance.settings.version_retention = 2
    change_and_publish(admin, shop)  # version 2, published
    published, first = versions(admin, shop["id"])["versions"]
    admin.ok("POST", f"/api/v1/applications/{shop['id']}/versions/{published['id']}/restore")  # 3: 1 pruned
    admin.ok("POST", f"/api/v1/applications/{shop['id']}/versions/{published['id']}/restore")  # 4
    numbers = [(v["number"], v["isPublished"]) for v in versions(admin, shop["id"])["versions"]]
    # the two newest, plus the published one beyond the count
    assert numbers == [(4, False), (3, False), (2, True)]
    gone = admin.get(f"/api/v1/applications/{shop['id']}/versions/{first['id']}")
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "version_not_found"


def test_age_retention_keeps_the_published_version(instance: Instance, admin: Api, shop: dict[str, Any]) -> None:
    change_and_publish(admin, shop)
    old = versions(admin, shop["id"])["versions"][1]
    admin.ok("POST", f"/api/v1/applications/{shop['id']}/versions/{old['id']}/restore")
    with instance.app.state.runtime.db.session() as db:
        db.execute(update(AppVersion).values(created_at=utcnow() - timedelta(days=40)))
        assert prune_versions(db, shop["id"], keep=0, days=30) == 2
        left = db.scalars(select(AppVersion.number).where(AppVersion.application_id == shop["id"])).all()
    assert left == [2]  # only the published one, however old


def test_app_viewers_and_outsiders_are_refused(instance: Instance, admin: Api, shop: dict[str, Any]) -> None:
    viewer = add_viewer(instance, admin)
    outsider = instance.user("outsider@example.com")
    version = versions(admin, shop["id"])["versions"][0]["id"]
    base = f"/api/v1/applications/{shop['id']}/versions"
    for method, url in (("GET", base), ("GET", f"{base}/{version}"), ("GET", f"{base}/{version}/view"),
                        ("GET", f"{base}/compare?from={version}&to=edit"), ("POST", f"{base}/{version}/restore")):
        assert viewer.request(method, url).status_code == 403, url
        assert outsider.request(method, url).status_code == 404, url
        assert instance.anonymous().request(method, url).status_code == 401, url
    # the viewer still opens the published app
    assert text_of(viewer.ok("GET", f"/api/v1/view/{shop['id']}")["document"]) == "Hello v1"


def test_bad_input_is_refused_and_changes_nothing(admin: Api, shop: dict[str, Any]) -> None:
    base = f"/api/v1/applications/{shop['id']}"
    other = make_app(admin, "Other")
    admin.ok("POST", f"/api/v1/applications/{other['id']}/publish")
    foreign = versions(admin, other["id"])["versions"][0]["id"]
    assert admin.post(f"{base}/versions/{foreign}/restore").status_code == 404  # another app's version
    assert admin.get(f"{base}/versions/compare", params={"from": foreign, "to": "edit"}).status_code == 404
    assert admin.get(f"{base}/versions/compare", params={"from": "edit"}).status_code == 422
    assert admin.get(f"{base}/versions", params={"limit": 0}).status_code == 422
    assert admin.post(f"{base}/publish", json={"message": "x" * 501}).status_code == 422
    assert admin.post(f"{base}/publish", json={"note": "x"}).status_code == 422
    assert [v["number"] for v in versions(admin, shop["id"])["versions"]] == [1]


def test_versions_go_with_their_application(instance: Instance, admin: Api, shop: dict[str, Any]) -> None:
    admin.ok("DELETE", f"/api/v1/applications/{shop['id']}", 204)
    assert admin.get(f"/api/v1/applications/{shop['id']}/versions").status_code == 404


def test_housekeeping_prunes_versions_past_their_age(instance: Instance, admin: Api, shop: dict[str, Any]) -> None:
    from lowcraft.app import housekeeping

    change_and_publish(admin, shop)
    instance.settings.version_retention_days = 30
    with instance.app.state.runtime.db.session() as db:
        db.execute(update(AppVersion).values(created_at=utcnow() - timedelta(days=31)))
    housekeeping(instance.app.state.runtime)
    assert [(v["number"], v["isPublished"]) for v in versions(admin, shop["id"])["versions"]] == [(2, True)]


def test_concurrent_publishes_each_get_their_own_number(instance: Instance, admin: Api, shop: dict[str, Any]) -> None:
    """Publishes of one app at the same moment (from several replicas, say) all succeed, numbered
    one after the other: the application row's lock orders them before the number is read."""
    import threading

    from lowcraft.apps.service import publish_application
    from lowcraft.context import Context
    from lowcraft.identity.models import User

    runtime = instance.app.state.runtime
    with runtime.db.session() as db:
        user_id = db.scalars(select(User.id).where(User.email == "admin@example.com")).one()
    start, failures = threading.Barrier(6), []

    def publish(n: int) -> None:
        try:
            with runtime.db.session() as db:
                ctx = Context(runtime=runtime, db=db, user=db.get(User, user_id), via="cookie")
                start.wait(timeout=10)
                publish_application(ctx, shop["id"], f"publish {n}")
        except Exception as error:  # reported below with the others
            failures.append(repr(error))

    threads = [threading.Thread(target=publish, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert failures == []
    listed = versions(admin, shop["id"])["versions"]
    assert [v["number"] for v in listed] == list(range(7, 0, -1))
    assert sorted(v["message"] for v in listed[:6]) == [f"publish {n}" for n in range(6)]
    assert [v["isPublished"] for v in listed] == [True] + [False] * 6


def test_restore_brings_the_versions_js_libraries_back_and_removes_later_ones(admin: Api, shop: dict[str, Any]) -> None:
    app = shop["id"]
    with library_server({"npm/tinycsv.js": TINY_CSV}) as cdn:
        admin.ok("PATCH", "/api/v1/admin/settings", json={"jsLibraryUrls": [cdn.url("npm/")]})
        fetched = admin.ok("POST", f"/api/v1/applications/{app}/js-libraries/fetch", json={"url": cdn.url("npm/tinycsv.js")})
        admin.ok("POST", f"/api/v1/applications/{app}/js-libraries", 201, json={
            "url": cdn.url("npm/tinycsv.js"), "sha256": fetched["sha256"], "accessor": ["tinyCsv"]})
        admin.ok("POST", f"/api/v1/applications/{app}/publish", json={"message": "With tinycsv"})
        admin.ok("DELETE", f"/api/v1/applications/{app}/js-libraries/tinycsv", 204)
        with_library, without = versions(admin, app)["versions"][0:2]

        def installed() -> list[str]:
            return [lib["name"] for lib in admin.ok("GET", f"/api/v1/applications/{app}/js-libraries")["libraries"]]

        admin.ok("POST", f"/api/v1/applications/{app}/versions/{with_library['id']}/restore")
        assert installed() == ["tinycsv"]
        assert cdn.hits["npm/tinycsv.js"] == 1  # the published version's code was kept: not fetched again
        admin.ok("POST", f"/api/v1/applications/{app}/versions/{without['id']}/restore")
        assert installed() == []
