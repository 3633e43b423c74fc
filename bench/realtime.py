"""Co-editing figures: edit-to-remote latency and server memory per open editing session.

Latency: two Yjs clients (pycrdt over the `websockets` library, as tests/realtime drives them) in
one app whose page holds 60 widgets. Client A sets a widget property; the time until client B's
document holds the value is one sample (N samples, one at a time). Measured on one server (SQLite)
and across two replicas (PostgreSQL + Redis pub/sub, A on replica 1 and B on replica 2). Baseline of
the same run: a ping/pong round trip on the same sockets (the floor of any relay).

Memory: the server's resident memory (VmRSS) before and after opening S editing sessions, each an
editor on its own application (a room with its document), then S more editors on one application.

    .venv/bin/python bench/realtime.py [--samples 300] [--sessions 50] [--save-seconds 2]

`--save-seconds 600` leaves the folds into the store out of the measured window: the difference in
p95 is what folding costs the relay.

The replica part needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379; it is skipped,
saying so, without them.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lowcraft.devserver import ServerProcess, free_port, running_server
from tests.realtime.yclient import YClient, ws_url
from tests.servers import port_open, postgres_url, throwaway_postgres

CSRF = {"X-Requested-By": "lowcraft"}
PASSWORD = "bench-realtime-password"
COMMON = {"LOWCRAFT_ARGON2_TIME_COST": "1", "LOWCRAFT_ARGON2_MEMORY_KIB": "1024",
          "LOWCRAFT_REALTIME_MAX_CONNECTIONS_PER_USER": "10000", "LOWCRAFT_LOG_LEVEL": "WARNING"}


def _page(widgets: int) -> list[dict[str, Any]]:
    return [{"widgetId": f"w{i}", "widgetName": f"Text{i}", "type": "TEXT_WIDGET", "leftColumn": 0, "rightColumn": 10,
             "topRow": i * 4, "bottomRow": i * 4 + 4, "text": f"{{{{Text{max(i - 1, 0)}.text}}}} #{i}"} for i in range(widgets)]


def _sign_up(base: str) -> str:
    with httpx.Client(base_url=base, headers=CSRF, timeout=30) as client:
        answer = client.post("/api/v1/auth/signup", json={"email": "bench@example.com", "password": PASSWORD, "name": "Bench"})
        if answer.status_code != 201:
            answer = client.post("/api/v1/auth/login", json={"email": "bench@example.com", "password": PASSWORD})
        return str(answer.cookies["lowcraft_session"])


def _new_app(base: str, cookie: str, widgets: int = 60) -> tuple[str, str]:
    with httpx.Client(base_url=base, headers=CSRF, cookies={"lowcraft_session": cookie}, timeout=30) as client:
        workspace = client.get("/api/v1/workspaces").json()["workspaces"][0]["id"]
        app = client.post(f"/api/v1/workspaces/{workspace}/applications", json={"name": f"Bench {secrets.token_hex(3)}"}).json()
        page = client.get(f"/api/v1/applications/{app['id']}/pages").json()["pages"][0]
        dsl = client.get(f"/api/v1/pages/{page['id']}").json()["dsl"]
        dsl["children"], dsl["bottomRow"] = _page(widgets), widgets * 4 + 10
        saved = client.put(f"/api/v1/pages/{page['id']}/dsl", json={"dsl": dsl, "revision": page["revision"]})
        assert saved.status_code == 200, saved.text
        return str(app["id"]), str(page["id"])


def _figures(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"median {statistics.median(ordered) * 1000:6.2f} ms   p95 {p95 * 1000:6.2f} ms"


async def _latency(url_a: str, url_b: str, origin: str, cookie: str, app: str, page: str, samples: int) -> tuple[list[float], list[float]]:
    one = await YClient(ws_url(url_a, f"edit:{app}"), cookie=cookie, origin=origin).connect()
    two = await YClient(ws_url(url_b, f"edit:{app}"), cookie=cookie, origin=origin).connect()
    await one.wait_synced()
    await two.wait_synced()
    arrived = asyncio.Event()
    expected: dict[str, Any] = {}

    def check() -> None:
        if two.widget(page, "w7").get("text") == expected.get("value"):
            arrived.set()

    two.on_remote = check
    edits: list[float] = []
    for index in range(samples + 20):
        expected["value"] = f"edit {index}"
        arrived.clear()
        started = time.perf_counter()
        one.widget(page, "w7")["text"] = expected["value"]
        await asyncio.wait_for(arrived.wait(), 10)
        if index >= 20:  # warm-up
            edits.append(time.perf_counter() - started)
        await asyncio.sleep(0.005)
    pings: list[float] = []
    for index in range(samples + 20):
        before = len(one.texts)
        started = time.perf_counter()
        await one.socket.send(json.dumps({"type": "ping"}))
        while len(one.texts) == before:
            await asyncio.sleep(0)
        if index >= 20:
            pings.append(time.perf_counter() - started)
    await one.close()
    await two.close()
    return edits, pings


async def _sessions(server: ServerProcess, cookie: str, count: int) -> tuple[float, float]:
    apps = [_new_app(server.url, cookie, widgets=60) for _ in range(count)]
    shared_app, _ = _new_app(server.url, cookie, widgets=60)
    await asyncio.sleep(1.0)
    base = server.rss_mb()
    own = [await YClient(ws_url(server.url, f"edit:{app}"), cookie=cookie, origin=server.url).connect() for app, _ in apps]
    for client in own:
        await client.wait_synced()
    await asyncio.sleep(0.5)
    after_rooms = server.rss_mb()
    same = [await YClient(ws_url(server.url, f"edit:{shared_app}"), cookie=cookie, origin=server.url).connect() for _ in range(count)]
    for client in same:
        await client.wait_synced()
    await asyncio.sleep(0.5)
    after_same = server.rss_mb()
    for client in own + same:
        await client.close()
    return (after_rooms - base) / count, (after_same - after_rooms) / count


@contextmanager
def _replicas() -> Iterator[list[ServerProcess] | None]:
    if not (port_open("127.0.0.1", 5432) and port_open("127.0.0.1", 6379)):
        yield None
        return
    with throwaway_postgres("lowcraft_bench_rt") as database, ExitStack() as stack:
        ports = [free_port(), free_port()]
        env = {**COMMON, "LOWCRAFT_DATABASE_URL": postgres_url(database), "LOWCRAFT_REDIS_URL": "redis://127.0.0.1:6379/11",
               "LOWCRAFT_ENCRYPTION_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
               "LOWCRAFT_BASE_URL": f"http://127.0.0.1:{ports[0]}", "LOWCRAFT_REALTIME_ORIGINS": f"http://127.0.0.1:{ports[1]}"}
        servers = []
        for port in ports:
            folder = stack.enter_context(tempfile.TemporaryDirectory())
            servers.append(stack.enter_context(running_server({**env, "LOWCRAFT_DATA_DIR": folder}, port=port, timeout=60)))
        yield servers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--save-seconds", type=float, default=2.0, help="LOWCRAFT_REALTIME_SAVE_SECONDS (the fold's rate)")
    args = parser.parse_args()
    COMMON["LOWCRAFT_REALTIME_SAVE_SECONDS"] = str(args.save_seconds)
    port = free_port()
    with tempfile.TemporaryDirectory() as folder, running_server(
        {**COMMON, "LOWCRAFT_DATA_DIR": folder, "LOWCRAFT_BASE_URL": f"http://127.0.0.1:{port}"}, port=port
    ) as server:
        cookie = _sign_up(server.url)
        app, page = _new_app(server.url, cookie)
        edits, pings = asyncio.run(_latency(server.url, server.url, server.url, cookie, app, page, args.samples))
        print(f"one server (SQLite), {args.samples} edits, page of 60 widgets")
        print(f"  edit to remote document      {_figures(edits)}")
        print(f"  baseline ping/pong same socket {_figures(pings)}")
        per_room, per_editor = asyncio.run(_sessions(server, cookie, args.sessions))
        print(f"memory: {per_room * 1024:7.0f} KiB per editing session with its own room (app of 60 widgets), "
              f"{per_editor * 1024:7.0f} KiB per further editor of one app   ({args.sessions} sessions each)")
    with _replicas() as replicas:
        if replicas is None:
            print("two replicas: skipped (PostgreSQL on 5432 and Redis on 6379 are needed)")
            return
        first, second = replicas
        cookie = _sign_up(first.url)
        app, page = _new_app(first.url, cookie)
        edits, pings = asyncio.run(_latency(first.url, second.url, first.url, cookie, app, page, args.samples))
        print(f"two replicas (PostgreSQL + Redis pub/sub), A on replica 1, B on replica 2, {args.samples} edits")
        print(f"  edit to remote document      {_figures(edits)}")
        print(f"  baseline ping/pong same socket {_figures(pings)}")


if __name__ == "__main__":
    main()
