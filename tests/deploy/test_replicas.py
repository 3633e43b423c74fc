"""Issue 7's production shape for real: Caddy (deploy/Caddyfile, local certificate) in front of two
`lowcraft serve` replicas sharing one PostgreSQL database, one Redis database and one key.

The replicas start at the same moment on an empty database, so both race to migrate it; the
advisory lock must let one migrate and the other wait. Then: a login made through the proxy is
valid on each replica, an app edited on one is served by the other, an action changed on one is
what the other runs next (despite its plan cache), and stopping one replica in the middle of a
stream of requests through the proxy loses none of them.
"""

from __future__ import annotations

import secrets
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from lowcraft.devserver import free_port, wait_ready
from lowcraft.http.deps import SESSION_COOKIE
from tests.replicas import Replica, cluster_env, start_caddy, started_replicas, stop, trusting
from tests.servers import postgres_url, require_redis, throwaway_postgres

CSRF = {"X-Requested-By": "lowcraft"}
PASSWORD = "replicas-share-everything"
REDIS_DB = 13  # a database number of its own, away from the other tests' keys
STREAM = 200
STOP_AFTER = 80


@dataclass
class Cluster:
    replicas: list[Replica]
    proxy_url: str
    certificate: Path
    database_url: str
    email: str

    def through_proxy(self) -> httpx.Client:
        return httpx.Client(base_url=self.proxy_url, verify=trusting(self.certificate), headers=CSRF, timeout=20)

    def direct(self, replica: Replica, cookie: str) -> httpx.Client:
        return httpx.Client(base_url=replica.url, headers={**CSRF, "Cookie": f"{SESSION_COOKIE}={cookie}"}, timeout=20)


@pytest.fixture(scope="module")
def empty_database() -> Iterator[str]:
    with throwaway_postgres("lowcraft_replicas") as name:
        yield postgres_url(name)


@pytest.fixture(scope="module")
def cluster(caddy_bin: str, empty_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    require_redis()
    folder = tmp_path_factory.mktemp("replicas")
    https_port = free_port()
    shared = cluster_env(f"https://localhost:{https_port}", empty_database, REDIS_DB) | {
        "LOWCRAFT_ALLOW_PRIVATE_NETWORKS": "true",  # the datasources are this machine's servers
    }
    # Both processes are launched before either is waited for: they migrate the empty store together.
    with started_replicas(folder, shared, together=True) as replicas:
        caddy, proxy_url, cert = start_caddy(caddy_bin, folder, [r.url.removeprefix("http://") for r in replicas], https_port)
        try:
            yield Cluster(replicas, proxy_url, cert, empty_database, f"ops-{secrets.token_hex(4)}@example.com")
        finally:
            stop(caddy)


@pytest.fixture(scope="module")
def session_cookie(cluster: Cluster) -> str:
    with cluster.through_proxy() as client:
        response = client.post("/api/v1/auth/signup", json={"email": cluster.email, "password": PASSWORD, "name": "Ops"})
        assert response.status_code == 201, response.text
        cookie = response.cookies.get(SESSION_COOKIE)
        assert cookie
        # The public address is https, so the cookie is Secure.
        assert "secure" in response.headers["set-cookie"].lower()
        return cookie


def test_replicas_started_together_on_an_empty_database_both_come_up_after_one_migration(cluster: Cluster) -> None:
    for replica in cluster.replicas:
        wait_ready(replica.url, replica.process, timeout=30)
        assert httpx.get(replica.url + "/api/v1/ready").json()["status"] == "ready"
    with psycopg.connect(cluster.database_url) as conn:
        assert conn.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)
    # Alembic logs each applied revision; across both replicas the first one was applied once.
    logs = "".join(r.log() for r in cluster.replicas)
    assert logs.count("Running upgrade  -> 0001") == 1, logs[-3000:]


def test_a_login_made_through_the_proxy_is_valid_on_each_replica(cluster: Cluster, session_cookie: str) -> None:
    for replica in cluster.replicas:
        with cluster.direct(replica, session_cookie) as client:
            me = client.get("/api/v1/me")
            assert me.status_code == 200 and me.json()["email"] == cluster.email, replica.name
        with cluster.direct(replica, "not-a-session") as client:
            assert client.get("/api/v1/me").status_code == 401


def test_an_app_edited_via_one_replica_is_served_by_the_other(cluster: Cluster, session_cookie: str) -> None:
    first, second = cluster.replicas
    with cluster.direct(first, session_cookie) as one, cluster.direct(second, session_cookie) as two:
        workspace = one.get("/api/v1/workspaces").json()["workspaces"][0]["id"]
        app = one.post(f"/api/v1/workspaces/{workspace}/applications", json={"name": "Orders"}).json()
        assert one.patch(f"/api/v1/applications/{app['id']}", json={"name": "Orders admin"}).status_code == 200
        page = one.get(f"/api/v1/applications/{app['id']}/pages").json()["pages"][0]
        tree = two.get(f"/api/v1/pages/{page['id']}").json()  # read on the other replica, edit on the first
        tree["dsl"]["children"] = [{
            "widgetId": "w1", "widgetName": "Greeting", "type": "TEXT_WIDGET",
            "leftColumn": 0, "rightColumn": 20, "topRow": 0, "bottomRow": 4, "text": "Served by both",
        }]
        saved = one.put(f"/api/v1/pages/{page['id']}/dsl", json={"dsl": tree["dsl"], "revision": tree["revision"]})
        assert saved.status_code == 200, saved.text

        assert two.get(f"/api/v1/applications/{app['id']}").json()["name"] == "Orders admin"
        served = two.get(f"/api/v1/pages/{page['id']}").json()
        assert [w["text"] for w in served["dsl"]["children"]] == ["Served by both"]


def test_an_action_changed_through_one_replica_is_what_the_other_runs_next(
    cluster: Cluster, session_cookie: str, pg_database: dict[str, Any], postgres_elsewhere: int
) -> None:
    # Each replica answers repeated executions from its own plan cache; a write anywhere must
    # reach every replica's cache (through the Redis generation) within moments.
    first, second = cluster.replicas
    with cluster.direct(first, session_cookie) as one, cluster.direct(second, session_cookie) as two:
        workspace = one.get("/api/v1/workspaces").json()["workspaces"][0]["id"]
        app = one.post(f"/api/v1/workspaces/{workspace}/applications", json={"name": "Shared plans"}).json()
        page = one.get(f"/api/v1/applications/{app['id']}/pages").json()["pages"][0]
        # The store's server is out of every datasource's reach: a customer database on another port.
        datasource = one.post(f"/api/v1/workspaces/{workspace}/datasources", json={
            "name": "Orders", "connector": "postgres", "configs": {"production": {
                **pg_database, "port": postgres_elsewhere}}}).json()
        action = one.post(f"/api/v1/applications/{app['id']}/actions", json={
            "pageId": page["id"], "name": "version", "datasourceId": datasource["id"],
            "config": {"sql": "select {{n}}::int as n, 'v1' as version"}}).json()

        def run_on_second() -> dict[str, Any]:
            response = two.post(f"/api/v1/actions/{action['id']}/execute", json={"params": {"n": 7}, "mode": "edit"})
            assert response.status_code == 200, response.text
            return response.json()  # type: ignore[no-any-return]

        for _ in range(3):  # the first fills the second replica's cache, the others come from it
            assert run_on_second()["body"] == [{"n": 7, "version": "v1"}]
        changed = one.patch(f"/api/v1/actions/{action['id']}", json={"config": {"sql": "select {{n}}::int as n, 'v2' as version"}})
        assert changed.status_code == 200, changed.text
        deadline = time.monotonic() + 2
        while run_on_second()["body"] != [{"n": 7, "version": "v2"}]:
            assert time.monotonic() < deadline, "the second replica kept running the old action"
            time.sleep(0.02)


def test_stopping_a_replica_mid_stream_loses_no_request(
    cluster: Cluster, session_cookie: str, record_property: Callable[[str, object], None]
) -> None:
    first, second = cluster.replicas
    with cluster.direct(first, session_cookie) as one:
        workspace = one.get("/api/v1/workspaces").json()["workspaces"][0]["id"]
        app_id = one.get(f"/api/v1/workspaces/{workspace}/applications").json()["applications"][0]["id"]
    done = threading.Semaphore(0)

    def fetch(client: httpx.Client) -> int:
        try:
            return client.get(f"/api/v1/applications/{app_id}").status_code
        except httpx.HTTPError:
            return 0
        finally:
            done.release()

    with cluster.through_proxy() as proxy, ThreadPoolExecutor(4) as pool:
        proxy.cookies.set(SESSION_COOKIE, session_cookie)
        futures = [pool.submit(fetch, proxy) for _ in range(STREAM)]
        for _ in range(STOP_AFTER):
            done.acquire()
        second.process.send_signal(signal.SIGTERM)  # a rolling update's stop, while requests keep coming
        statuses = [f.result() for f in futures]
    second.process.wait(timeout=15)

    lost = sum(1 for s in statuses if s != 200)
    record_property("requests_lost_when_a_replica_stopped", lost)
    print(f"\nrequests through Caddy: {STREAM}, replica stopped after {STOP_AFTER}, lost: {lost}")
    assert second.log().count(f"GET /api/v1/applications/{app_id} 200") > 0  # it took part before stopping
    assert lost == 0, statuses
