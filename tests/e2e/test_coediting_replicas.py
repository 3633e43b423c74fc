"""Two developers co-edit one app through the UI while their browsers talk to two different
replicas (issue 18 on the production shape of issue 7): two `lowcraft serve` processes on one
PostgreSQL store, fanned out through Redis, behind Caddy. One public address; Caddy sends each
request, the editor's WebSocket included, to the replica named by the browser's `lowcraft_replica`
cookie, so Ann's browser is known to reach replica 1 and Ben's and a visitor's replica 2.

The story is the one-server story of tests/e2e/test_coediting.py (`co_edit`: a widget added,
different widgets, one widget's different properties, the same property, one binding and one SQL
text typed into at once, Ben offline then back, the same page in both and in the store, per-person
undo), with each socket checked in the replicas' access logs to land on its browser's replica (Ben's
reconnection included), and the store read through each replica. Then Ann's publish on replica 1
reaches the visitor on replica 2.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
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
    StoreReader,
    co_edit,
    open_tabs,
    screenshots_on_failure,
    set_up_orders_app,
)
from tests.e2e.viewer_helpers import CSRF, api_call
from tests.replicas import ROUTE_COOKIE, Replica, cluster_env, routing_caddy, started_replicas
from tests.servers import postgres_url, require_program, require_redis, throwaway_postgres

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis]

REDIS_DB = 10  # a database number of its own, away from the other tests' keys


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
    browser of their own, a visitor (on replica 2), and a public, published application with three
    text widgets, an input and an SQL query."""
    contexts = []
    for replica in ("1", "2", "2"):
        context = browser.new_context(base_url=cluster.url, viewport={"width": 1280, "height": 800})
        context.add_cookies([{"name": ROUTE_COOKIE, "value": replica, "url": cluster.url}])
        contexts.append(context)
    ann, ben, _ = contexts
    try:
        team = set_up_orders_app(ann.request, ben.request, cluster.replicas[1], cluster.folder)  # the link is in replica 2's log
        app_id = team["app"]["id"]
        api_call(ann.request, "PATCH", f"/applications/{app_id}", {"isPublic": True})
        api_call(ann.request, "POST", f"/applications/{app_id}/publish")
        ann_tab, ben_tab, visitor_tab = open_tabs(contexts)
        yield {**team, "ann": ann_tab, "ben": ben_tab, "visitor": visitor_tab, "contexts": contexts}
    finally:
        for context in contexts:
            context.close()


def test_two_developers_on_two_replicas_behind_caddy_edit_one_page(
        cluster: RoutedCluster, people: dict[str, Any], screenshots: Any) -> None:
    """The whole story (tests/e2e/coediting_helpers.py `co_edit`) with each browser's sockets checked
    to land on its own replica, the stored page read through both replicas, then a publish."""
    ann, visitor, app = people["ann"], people["visitor"], people["app"]
    replica_of = {"ann": 0, "ben": 1}

    # Each browser's socket is accepted by the replica its cookie names, and by no other.
    def opens_socket_on(replica: int, open_it: Callable[[], None]) -> None:
        before = cluster.sockets()
        open_it()
        expected = [count + (1 if index == replica else 0) for index, count in enumerate(before)]
        wait_until(lambda: cluster.sockets() == expected, f"one socket on replica {replica + 1}, got {cluster.sockets()} from {before}")

    def open_viewer() -> None:
        visitor.goto(f"/app/{app['slug']}")
        visitor.locator('[data-widget="Title"]', has_text="Orders").wait_for()

    session = next(c["value"] for c in people["contexts"][0].cookies() if c["name"] == SESSION_COOKIE)
    with screenshots_on_failure(screenshots, {"ann": ann, "ben": people["ben"], "visitor": visitor}):
        opens_socket_on(1, open_viewer)
        co_edit(people, screenshots, stores=[rest_reader(replica, session) for replica in cluster.replicas],
                opens_socket=lambda person, step: opens_socket_on(replica_of[person], step))

        # Ann publishes on replica 1; the visitor's page, served by replica 2, reloads to the new version.
        visitor.evaluate("window.__sameDocument = true")
        ann.get_by_role("button", name="Publish").click()
        ann.get_by_role("dialog", name="Publish").get_by_role("button", name="Publish").click()
        visitor.wait_for_function("() => window.__sameDocument === undefined", timeout=15_000)
        visitor.locator('[data-widget="Title"]', has_text="Moved title").wait_for()
        visitor.locator('[data-widget="Button1"]').wait_for()
        screenshots.take(visitor, "visitor-on-replica-2-after-publish")


def rest_reader(replica: Replica, session: str) -> StoreReader:
    """The store as one replica's REST API shows it (straight to the replica, past Caddy), to a session."""
    def read(path: str) -> Any:
        response = httpx.get(f"{replica.url}/api/v1{path}", headers=CSRF, cookies={SESSION_COOKIE: session}, timeout=20)
        assert response.status_code == 200, f"{replica.name} GET {path}: {response.status_code} {response.text}"
        return response.json()

    return read


def wait_until(check: Any, what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)
