"""Edit-to-remote-screen latency of co-editing: two Chromium browsers (two users) on one app.

Ann types into a text widget's property, one key every 150 ms; Ben's canvas shows the widget.
Per key, the latency is from Ann's keydown (the event's timestamp, in Ann's page) to the moment
Ben's canvas shows the new text (a MutationObserver in Ben's page); both pages share the browser's
clock (`performance.timeOrigin + now`). The same-run baseline is Ann's own canvas showing her key
(the editor's local path: property pane, tree, engine, render), the floor any remote figure
stands on; the difference is the shared document, the socket, the server's relay and Ben's
engine and render.

    .venv/bin/python bench/coediting_screens.py [--keys 60]
    .venv/bin/python bench/coediting_screens.py --replicas   # two servers on PostgreSQL + Redis

With --replicas, Ann's browser talks to one `lowcraft serve` and Ben's to another, both on one
PostgreSQL store and fanned out through Redis (LOWCRAFT_REDIS_URL); it needs those servers up.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import re
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg

from lowcraft.devserver import ServerProcess, free_port, running_server

REPO = Path(__file__).resolve().parents[1]
WEB_DIST = REPO / "web" / "dist"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct-horse-battery"
CSRF = {"X-Requested-By": "lowcraft"}
SPACING_S = 0.15

OBSERVE = """() => {
  window.__seen = {};
  const find = () => document.querySelector('[data-widget="Title"] .lc-ed-widget__content');
  const note = () => {
    const el = find();
    if (!el) return;
    const n = el.textContent.trim().length;
    if (!(n in window.__seen)) window.__seen[n] = performance.timeOrigin + performance.now();
  };
  new MutationObserver(note).observe(document.body, { subtree: true, childList: true, characterData: true });
  window.__downs = [];
  document.addEventListener('keydown', (e) => window.__downs.push(performance.timeOrigin + e.timeStamp), true);
}"""


def base_env(folder: Path, port: int) -> dict[str, str]:
    return {
        "LOWCRAFT_DATA_DIR": str(folder / f"data-{port}"),
        "LOWCRAFT_WEB_DIST": str(WEB_DIST),
        "LOWCRAFT_ARGON2_MEMORY_KIB": "1024",
        "LOWCRAFT_ARGON2_TIME_COST": "1",
        "LOWCRAFT_BASE_URL": f"http://127.0.0.1:{port}",
    }


@contextlib.contextmanager
def servers(replicas: bool) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if not replicas:
            port = free_port()
            with running_server(base_env(folder, port), port=port) as one:
                yield one, one
            return
        name = f"lowcraft_bench_rt_{int(time.time())}"
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
            admin.execute(f'create database "{name}"')
        try:
            ports = [free_port(), free_port()]
            shared = {
                "LOWCRAFT_DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}",
                "LOWCRAFT_REDIS_URL": "redis://127.0.0.1:6379/9",
                "LOWCRAFT_ENCRYPTION_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
                "LOWCRAFT_REALTIME_ORIGINS": ",".join(f"http://127.0.0.1:{p}" for p in ports),
            }
            with running_server({**base_env(folder, ports[0]), **shared}, port=ports[0]) as one, \
                    running_server({**base_env(folder, ports[1]), **shared}, port=ports[1]) as two:
                yield one, two
        finally:
            with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
                admin.execute(f'drop database if exists "{name}" with (force)')


def signup_link(log: str, email: str) -> str:
    found = re.findall(r"/signup/confirm\?token=[\w-]+", log.split(f"email to {email}: ")[-1])
    assert found, f"no signup link for {email}"
    return found[0]


def prepare(one: ServerProcess) -> tuple[dict[str, str], str, str]:
    """Ann (admin) and Ben (developer), an app with a Title text widget; their session cookies."""
    cookies: dict[str, str] = {}
    ann = httpx.Client(base_url=one.url, headers=CSRF, timeout=20)
    assert ann.post("/api/v1/auth/signup", json={"email": "ann@example.com", "password": PASSWORD, "name": "Ann"}).status_code == 201
    ben = httpx.Client(base_url=one.url, headers=CSRF, timeout=20)
    assert ben.post("/api/v1/auth/signup", json={"email": "ben@example.com", "password": PASSWORD, "name": "Ben"}).status_code == 202
    token = signup_link(one.log(), "ben@example.com").split("token=", 1)[1]
    assert ben.post("/api/v1/auth/signup/confirm", json={"token": token}).status_code == 201
    workspace = ann.get("/api/v1/workspaces").json()["workspaces"][0]["id"]
    assert ann.post(f"/api/v1/workspaces/{workspace}/invites", json={"email": "ben@example.com", "role": "developer"}).status_code == 201
    app = ann.post(f"/api/v1/workspaces/{workspace}/applications", json={"name": "Bench"}).json()
    page = ann.get(f"/api/v1/applications/{app['id']}/pages").json()["pages"][0]
    title = {"widgetId": "w1", "widgetName": "Title", "type": "TEXT_WIDGET", "leftColumn": 0, "rightColumn": 40,
             "topRow": 0, "bottomRow": 6, "text": "x"}
    dsl = {"widgetId": "0", "widgetName": "MainContainer", "type": "CANVAS_WIDGET", "leftColumn": 0, "rightColumn": 64,
           "topRow": 0, "bottomRow": 100, "children": [title]}
    assert ann.put(f"/api/v1/pages/{page['id']}/dsl", json={"dsl": dsl, "revision": page["revision"]}).status_code == 200
    for who, client in (("ann", ann), ("ben", ben)):
        cookies[who] = client.cookies["lowcraft_session"]
    return cookies, app["id"], page["slug"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def run(keys: int, replicas: bool) -> None:
    from playwright.sync_api import sync_playwright

    with servers(replicas) as (one, two), sync_playwright() as pw:
        cookies, app_id, slug = prepare(one)
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True)
        tabs = []
        for who, server in (("ann", one), ("ben", two)):
            context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 800})
            context.add_cookies([{"name": "lowcraft_session", "value": cookies[who], "url": server.url}])
            tab = context.new_page()
            tab.goto(f"/app/{app_id}/edit/{slug}")
            tab.locator('[data-grid-id="0"]').wait_for(timeout=20_000)
            if tab.locator("[data-live-status]").count() > 0:
                sys.exit(f"{who}'s editor is not live: {tab.locator('[data-live-status]').inner_text()}")
            tabs.append(tab)
        ann, ben = tabs
        ann.locator('[data-peer="Ben"]').wait_for(timeout=20_000)
        ann.locator('[data-widget="Title"]').first.click()
        field = ann.locator('.lc-ed-pane [data-property="text"] .cm-content')
        field.click()
        ann.keyboard.press("End")
        for tab in (ann, ben):
            tab.evaluate(OBSERVE)
        start = 1  # "x"
        for _ in range(keys):
            ann.keyboard.press("a")
            time.sleep(SPACING_S)
        ben.wait_for_function(f"() => {start + keys} in window.__seen", timeout=20_000)
        downs: list[float] = ann.evaluate("window.__downs")
        own: dict[str, float] = ann.evaluate("window.__seen")
        remote: dict[str, float] = ben.evaluate("window.__seen")
        local_ms = [own[str(start + i + 1)] - d for i, d in enumerate(downs) if str(start + i + 1) in own]
        remote_ms = [remote[str(start + i + 1)] - d for i, d in enumerate(downs) if str(start + i + 1) in remote]
        browser.close()
    where = "two replicas (PostgreSQL + Redis fan-out)" if replicas else "one server"
    print(f"co-editing, {where}, {len(downs)} keys, {SPACING_S * 1000:.0f} ms apart")
    print(f"  baseline: key to Ann's own canvas   median {statistics.median(local_ms):6.1f} ms   p95 {percentile(local_ms, 0.95):6.1f} ms   ({len(local_ms)} seen)")
    print(f"  key to Ben's canvas (remote)        median {statistics.median(remote_ms):6.1f} ms   p95 {percentile(remote_ms, 0.95):6.1f} ms   ({len(remote_ms)} seen)")
    print(f"  remote / local (median): {statistics.median(remote_ms) / statistics.median(local_ms):.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keys", type=int, default=60)
    parser.add_argument("--replicas", action="store_true")
    args = parser.parse_args()
    run(args.keys, args.replicas)


if __name__ == "__main__":
    main()
