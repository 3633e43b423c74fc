"""Two developers co-edit one app through the UI while their browsers talk to two different
replicas (issue 18 on the production shape of issue 7): two `lowcraft serve` processes on one
PostgreSQL store, fanned out through Redis, behind Caddy. One public address; Caddy sends each
request, the editor's WebSocket included, to the replica named by the browser's `lowcraft_replica`
cookie, so Ann's browser is known to reach replica 1 and Ben's and a visitor's replica 2.

A widget Ann adds shows in Ben's editor, edits to different widgets both stay, one SQL text typed
into by both at once keeps both people's characters, the store (read from either replica) holds
the merged page once both have left, and Ann's publish reaches the visitor on the other replica.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from lowcraft.devserver import free_port
from lowcraft.http.deps import SESSION_COOKIE
from tests.browser import WEB_DIST
from tests.e2e.coediting_helpers import (
    SQL_SHOWN,
    open_editor,
    select_widget,
    text_widget,
    tree,
    type_property,
    wait_text,
    widgets_of,
)
from tests.e2e.test_editor import drag_from_palette
from tests.e2e.viewer_helpers import PASSWORD, api_call, sign_up_later_user
from tests.replicas import ROUTE_COOKIE, Replica, cluster_env, routing_caddy, started_replicas
from tests.servers import postgres_url, require_program, require_redis, throwaway_postgres

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis]

REDIS_DB = 10  # a database number of its own, away from the other tests' keys
CSRF = {"X-Requested-By": "lowcraft"}


@dataclass
class RoutedCluster:
    replicas: list[Replica]
    url: str  # Caddy's, the one public address
    folder: Path

    def sockets(self) -> list[int]:
        return [replica.accepted_sockets() for replica in self.replicas]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RoutedCluster]:
    caddy_bin = require_program("caddy")
    require_redis()
    redis.Redis(db=REDIS_DB).flushdb()
    folder = tmp_path_factory.mktemp("e2e-replicas")
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    with throwaway_postgres("lowcraft_e2e_rt") as database:
        shared = cluster_env(public, postgres_url(database), REDIS_DB) | {
            "LOWCRAFT_WEB_DIST": str(WEB_DIST), "LOWCRAFT_REALTIME_SAVE_SECONDS": "0.5",
            "LOWCRAFT_SQLITE_ROOTS": str(folder), "LOWCRAFT_ALLOW_PRIVATE_NETWORKS": "true"}
        with started_replicas(folder, shared) as replicas, \
                routing_caddy(caddy_bin, folder, [r.url.removeprefix("http://") for r in replicas], port) as url:
            yield RoutedCluster(replicas, url, folder)


@pytest.fixture
def people(browser: Any, cluster: RoutedCluster) -> Iterator[dict[str, Any]]:
    """Ann (administrator, on replica 1) and Ben (Developer, on replica 2) of one workspace, each in a
    browser of their own, a visitor (on replica 2), and a public, published application with two
    text widgets and an SQL query."""
    contexts = []
    for replica in ("1", "2", "2"):
        context = browser.new_context(base_url=cluster.url, viewport={"width": 1280, "height": 800})
        context.add_cookies([{"name": ROUTE_COOKIE, "value": replica, "url": cluster.url}])
        contexts.append(context)
    ann, ben, _ = contexts
    try:
        api_call(ann.request, "POST", "/auth/signup", {"email": "ann@example.com", "password": PASSWORD, "name": "Ann"}, expect=201)
        sign_up_later_user(ben.request, cluster.replicas[1], "ben@example.com", "Ben")  # the link is in replica 2's log
        workspace = api_call(ann.request, "GET", "/workspaces")["workspaces"][0]["id"]
        api_call(ann.request, "POST", f"/workspaces/{workspace}/invites", {"email": "ben@example.com", "role": "developer"}, expect=201)
        app = api_call(ann.request, "POST", f"/workspaces/{workspace}/applications", {"name": "Orders"}, expect=201)
        page = api_call(ann.request, "GET", f"/applications/{app['id']}/pages")["pages"][0]
        widgets = [text_widget("w1", "Title", "Orders", 0), text_widget("w2", "Footer", "Bye", 10)]
        api_call(ann.request, "PUT", f"/pages/{page['id']}/dsl", {"dsl": tree(*widgets), "revision": page["revision"]})
        sqlite_file = cluster.folder / "orders.db"
        sqlite_file.touch()
        ds = api_call(ann.request, "POST", f"/workspaces/{workspace}/datasources", {
            "name": "Orders DB", "connector": "sqlite", "configs": {"production": {"path": str(sqlite_file)}}}, expect=201)
        action = api_call(ann.request, "POST", f"/applications/{app['id']}/actions", {
            "pageId": page["id"], "name": "getOrders", "datasourceId": ds["id"], "config": {"sql": "select * from orders"}}, expect=201)
        api_call(ann.request, "PATCH", f"/applications/{app['id']}", {"isPublic": True})
        api_call(ann.request, "POST", f"/applications/{app['id']}/publish")
        tabs = []
        for context in contexts:
            tab = context.new_page()
            tab.set_default_timeout(15_000)
            tab.on("dialog", lambda d: d.accept())
            tabs.append(tab)
        yield {"app": app, "page": page, "action": action, "ann": tabs[0], "ben": tabs[1], "visitor": tabs[2],
               "contexts": contexts}
    finally:
        for context in contexts:
            context.close()


def test_two_developers_on_two_replicas_behind_caddy_edit_one_page(
        cluster: RoutedCluster, people: dict[str, Any], screenshots: Any) -> None:
    tabs = [people["ann"], people["ben"], people["visitor"]]
    try:
        co_edit_across_replicas(cluster, people, screenshots)
    except Exception:
        for name, tab in zip(("ann", "ben", "visitor"), tabs, strict=True):
            if not tab.is_closed():
                screenshots.take(tab, f"failure-{name}")
        raise


def co_edit_across_replicas(cluster: RoutedCluster, people: dict[str, Any], screenshots: Any) -> None:
    ann, ben, visitor = people["ann"], people["ben"], people["visitor"]
    app, page_id = people["app"], people["page"]["id"]

    # Each browser's socket is accepted by the replica its cookie names, and by no other.
    def opens_socket_on(replica: int, open_it: Any) -> None:
        before = cluster.sockets()
        open_it()
        expected = [count + (1 if index == replica else 0) for index, count in enumerate(before)]
        wait_until(lambda: cluster.sockets() == expected, f"one socket on replica {replica + 1}, got {cluster.sockets()} from {before}")

    def open_viewer() -> None:
        visitor.goto(f"/app/{app['slug']}")
        visitor.locator('[data-widget="Title"]', has_text="Orders").wait_for()

    opens_socket_on(1, open_viewer)
    opens_socket_on(0, lambda: open_editor(ann, app["id"], people["page"]["slug"]))
    opens_socket_on(1, lambda: open_editor(ben, app["id"], people["page"]["slug"]))
    ann.locator('[data-peer="Ben"]').wait_for()
    ben.locator('[data-peer="Ann"]').wait_for()

    # A widget Ann drops on the canvas shows in Ben's editor.
    drag_from_palette(ann, "BUTTON_WIDGET", ann.locator('[data-grid-id="0"]'), 560, 140)
    ann.locator('[data-widget="Button1"]').wait_for()
    ben.locator('[data-widget="Button1"]').wait_for()

    # Different widgets at once: both changes stay, in both browsers.
    select_widget(ann, "Title")
    select_widget(ben, "Footer")
    type_property(ann, "text", "Hello from Ann")
    type_property(ben, "text", "Hello from Ben")
    for tab in (ann, ben):
        wait_text(tab, "Title", "Hello from Ann")
        wait_text(tab, "Footer", "Hello from Ben")
    screenshots.take(ben, "ben-on-replica-2")

    # The same SQL text at once: characters from both are kept.
    for tab in (ann, ben):
        tab.get_by_role("tab", name="Explorer").click()
        tab.locator('[data-explorer-query="getOrders"] button').first.click()
        tab.locator('[data-code-field="SQL"] .cm-content').wait_for()
    ann.locator('[data-code-field="SQL"] .cm-content').click()
    ann.keyboard.press("Control+End")
    ben.locator('[data-code-field="SQL"] .cm-content').click()
    ben.keyboard.press("Control+Home")
    ann.keyboard.type(" where id > 1", delay=10)
    ben.keyboard.type("-- by Ben\n", delay=10)
    expected_sql = "-- by Ben\nselect * from orders where id > 1"
    for tab in (ann, ben):
        tab.wait_for_function(SQL_SHOWN, arg=expected_sql)
    screenshots.take(ann, "shared-sql")

    # Both leave; the store, read through either replica, holds the merged page and query.
    session = next(c["value"] for c in people["contexts"][0].cookies() if c["name"] == SESSION_COOKIE)
    ann.close()
    ben.close()
    for replica in cluster.replicas:
        with httpx.Client(base_url=replica.url, headers=CSRF, cookies={SESSION_COOKIE: session}, timeout=20) as client:
            def stored_is_merged(client: httpx.Client = client) -> bool:
                stored = widgets_of(client.get(f"/api/v1/pages/{page_id}").json()["dsl"])
                actions = client.get(f"/api/v1/applications/{app['id']}/actions").json()["actions"]
                return ("Button1" in stored and stored["Title"]["text"] == "Hello from Ann"
                        and stored["Footer"]["text"] == "Hello from Ben" and actions[0]["config"]["sql"] == expected_sql)

            wait_until(stored_is_merged, f"the merged page in the store, read through {replica.name}")

    # Ann publishes on replica 1; the visitor's page, served by replica 2, reloads to the new version.
    visitor.evaluate("window.__sameDocument = true")
    ann = people["contexts"][0].new_page()
    ann.set_default_timeout(15_000)
    open_editor(ann, app["id"], people["page"]["slug"])
    ann.get_by_role("button", name="Publish").click()
    ann.get_by_role("dialog", name="Publish").get_by_role("button", name="Publish").click()
    visitor.wait_for_function("() => window.__sameDocument === undefined", timeout=15_000)
    visitor.locator('[data-widget="Title"]', has_text="Hello from Ann").wait_for()
    visitor.locator('[data-widget="Button1"]').wait_for()
    screenshots.take(visitor, "visitor-on-replica-2-after-publish")


def wait_until(check: Any, what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)
