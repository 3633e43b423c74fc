"""Two `lowcraft serve` replicas on one PostgreSQL and one Redis, behind Debian's Caddy with the
shipped deploy/Caddyfile: two editors whose sockets land on different replicas edit together, the
store ends equal to the shared state, and REST changes and publishes on one replica reach the
sockets of the other."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
import websockets
from pycrdt import Map

from lowcraft.devserver import free_port
from lowcraft.http.deps import SESSION_COOKIE
from lowcraft.realtime.layout import read_doc
from tests.realtime.test_coediting import eventually
from tests.realtime.yclient import YClient, ws_url
from tests.replicas import Replica, cluster_env, start_caddy, started_replicas, stop, trusting
from tests.servers import postgres_url, require_program, require_redis, throwaway_postgres

REDIS_DB = 12
CSRF = {"X-Requested-By": "lowcraft"}


@dataclass
class Cluster:
    replicas: list[Replica]
    proxy_url: str
    certificate: Path
    cookie: str = ""

    def api(self, base: str | None = None) -> httpx.Client:
        return httpx.Client(base_url=base or self.proxy_url, verify=trusting(self.certificate), timeout=20,
                            headers={**CSRF, "Origin": self.proxy_url}, cookies={SESSION_COOKIE: self.cookie} if self.cookie else None)

    def accepted_sockets(self) -> list[int]:
        return [replica.accepted_sockets() for replica in self.replicas]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    caddy_bin = require_program("caddy")
    require_redis()
    redis.Redis(db=REDIS_DB).flushdb()
    folder = tmp_path_factory.mktemp("rt-replicas")
    https_port = free_port()
    with throwaway_postgres("lowcraft_rt") as database:
        shared = cluster_env(f"https://localhost:{https_port}", postgres_url(database), REDIS_DB) | {
            "LOWCRAFT_REALTIME_SAVE_SECONDS": "0.3"}
        with started_replicas(folder, shared) as replicas:
            caddy, proxy_url, cert = start_caddy(caddy_bin, folder, [r.url.removeprefix("http://") for r in replicas], https_port)
            try:
                yield Cluster(replicas, proxy_url, cert)
            finally:
                stop(caddy)


@pytest.fixture(scope="module")
def setup(cluster: Cluster) -> dict[str, Any]:
    with cluster.api() as client:
        signed = client.post("/api/v1/auth/signup", json={"email": "ops@example.com", "password": "replicas-edit-together", "name": "Ops"})
        assert signed.status_code == 201, signed.text
        cluster.cookie = signed.cookies[SESSION_COOKIE]
    with cluster.api() as client:
        workspace = client.get("/api/v1/workspaces").json()["workspaces"][0]["id"]
        app = client.post(f"/api/v1/workspaces/{workspace}/applications", json={"name": "Shared"}).json()
        page = client.get(f"/api/v1/applications/{app['id']}/pages").json()["pages"][0]
        dsl = page_dsl = client.get(f"/api/v1/pages/{page['id']}").json()["dsl"]
        dsl["children"] = [{"widgetId": "w1", "widgetName": "Title", "type": "TEXT_WIDGET", "leftColumn": 0,
                            "rightColumn": 10, "topRow": 0, "bottomRow": 4, "text": "Hello"}]
        saved = client.put(f"/api/v1/pages/{page['id']}/dsl", json={"dsl": page_dsl, "revision": page["revision"]})
        assert saved.status_code == 200, saved.text
        js = client.post(f"/api/v1/applications/{app['id']}/js-objects", json={
            "pageId": page["id"], "name": "Utils", "body": "export default { a: 1 }"}).json()
    return {"app": app["id"], "page": page["id"], "js": js["id"]}


def test_two_editors_on_two_replicas_behind_caddy_edit_together(cluster: Cluster, setup: dict[str, Any]) -> None:
    ssl = trusting(cluster.certificate)
    url = ws_url(cluster.proxy_url, f"edit:{setup['app']}")
    before = cluster.accepted_sockets()

    async def run() -> None:
        one = await YClient(url, cookie=cluster.cookie, origin=cluster.proxy_url, ssl=ssl).connect()
        await one.wait_synced()
        two = await YClient(url, cookie=cluster.cookie, origin=cluster.proxy_url, ssl=ssl).connect()
        await two.wait_synced()
        # Caddy's least_conn sent each to its own replica.
        assert [a - b for a, b in zip(cluster.accepted_sockets(), before, strict=True)] == [1, 1]
        assert one.json() == two.json()
        page = setup["page"]
        one.widget(page, "w1")["text"] = "from replica one"
        two.widget(page, "w1")["bottomRow"] = 8
        one.doc.get("jsObjects", type=Map)[setup["js"]]["body"].insert(len("export default { "), "b: 2, ")
        body_two = two.doc.get("jsObjects", type=Map)[setup["js"]]["body"]
        body_two += " // two"
        await eventually(lambda: one.json() == two.json(), what="convergence across replicas")
        tree = one.json()["pages"][page]["tree"]
        assert (tree["w1"]["text"], tree["w1"]["bottomRow"]) == ("from replica one", 8)
        assert one.json()["jsObjects"][setup["js"]]["body"] == "export default { b: 2, a: 1 } // two"

        def stored() -> bool:
            with cluster.api() as client:
                dsl = client.get(f"/api/v1/pages/{page}").json()["dsl"]
                body = client.get(f"/api/v1/js-objects/{setup['js']}").json()["body"]
            shared = read_doc(one.doc)
            return dsl == shared.pages[page]["dsl"] and body == shared.js_objects[setup["js"]]["body"]

        await eventually(stored, timeout=10, what="the store to equal the shared state")

        # A REST rename made on replica 1 reaches the editor on replica 2 (and vice versa).
        for base in (cluster.replicas[0].url, cluster.replicas[1].url):
            new = "Heading" if base == cluster.replicas[0].url else "Title2"
            old = "Title" if new == "Heading" else "Heading"
            with cluster.api(base) as client:
                answer = await asyncio.to_thread(client.post, f"/api/v1/applications/{setup['app']}/refactor",
                                                 json={"old": old, "new": new, "pageId": page})
                assert answer.status_code == 200, answer.text
            await eventually(lambda new=new: one.widget(page, "w1")["widgetName"] == new == two.widget(page, "w1")["widgetName"],
                             what=f"the rename to {new} on both replicas")

        # Offline on one replica, reconnect (through the proxy, maybe to the other replica): merged.
        await two.go_offline()
        two.widget(page, "w1")["text"] = "edited offline"
        await two.reconnect()
        await eventually(lambda: one.widget(page, "w1")["text"] == "edited offline", what="the offline edit")

        # A viewer hears of a publish made through either replica.
        viewer = await websockets.connect(ws_url(cluster.proxy_url, f"view:{setup['app']}"), ssl=ssl,
                                          additional_headers={"Cookie": f"{SESSION_COOKIE}={cluster.cookie}", "Origin": cluster.proxy_url})
        for base in (replica.url for replica in cluster.replicas):
            with cluster.api(base) as client:
                assert (await asyncio.to_thread(client.post, f"/api/v1/applications/{setup['app']}/publish")).status_code == 200
            notice = json.loads(await asyncio.wait_for(viewer.recv(), 5))
            assert notice["type"] == "published" and notice["applicationId"] == setup["app"]
        await viewer.close()
        await one.close()
        await two.close()

    asyncio.run(run())


def test_a_replica_opening_a_room_takes_the_state_from_its_peer(cluster: Cluster, setup: dict[str, Any]) -> None:
    """Edits not yet folded are not lost when a second replica opens its room: it asks its peer."""
    first, second = cluster.replicas[0].url, cluster.replicas[1].url

    async def run() -> None:
        one = await YClient(ws_url(first, f"edit:{setup['app']}"), cookie=cluster.cookie, origin=cluster.proxy_url).connect()
        await one.wait_synced()
        one.widget(setup["page"], "w1")["topRow"] = 40  # on replica 1 only, for now
        two = await YClient(ws_url(second, f"edit:{setup['app']}"), cookie=cluster.cookie, origin=cluster.proxy_url).connect()
        await two.wait_synced()
        await eventually(lambda: two.json() == one.json(), what="the second replica's copy")
        assert two.widget(setup["page"], "w1")["topRow"] == 40
        await one.close()
        await two.close()

    asyncio.run(run())
