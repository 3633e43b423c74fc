"""A real server (uvicorn in a thread, the app built in this process) with the people and the
application the real-time tests share: an administrator, a developer, an App Viewer and an outsider."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from lowcraft.app import create_app
from lowcraft.devserver import free_port
from lowcraft.http.deps import SESSION_COOKIE
from tests.conftest import PASSWORD, make_settings, signup_link_token

CSRF = {"X-Requested-By": "lowcraft"}


def tree(*children: dict[str, Any]) -> dict[str, Any]:
    return {"widgetId": "0", "widgetName": "MainContainer", "type": "CANVAS_WIDGET", "leftColumn": 0,
            "rightColumn": 64, "topRow": 0, "bottomRow": 100, "children": list(children)}


def text_widget(widget_id: str, name: str, text: str, top: int = 0) -> dict[str, Any]:
    return {"widgetId": widget_id, "widgetName": name, "type": "TEXT_WIDGET", "leftColumn": 0, "rightColumn": 10,
            "topRow": top, "bottomRow": top + 4, "text": text}


@dataclass
class RealtimeServer:
    url: str
    app: Any
    folder: Path
    cookies: dict[str, str] = field(default_factory=dict)
    clients: dict[str, httpx.Client] = field(default_factory=dict)

    def client(self, who: str) -> httpx.Client:
        return self.clients[who]

    def headers(self, who: str) -> dict[str, str]:
        """What `who`'s browser sends with a WebSocket upgrade from the editor: cookie and our Origin."""
        return {"Cookie": f"{SESSION_COOKIE}={self.cookies[who]}", "Origin": self.url}

    def sign_up(self, who: str, email: str) -> None:
        client = httpx.Client(base_url=self.url, headers=CSRF, timeout=20)
        response = client.post("/api/v1/auth/signup", json={"email": email, "password": PASSWORD, "name": who.title()})
        if response.status_code == 202:
            token = signup_link_token(self.app, email)
            response = client.post("/api/v1/auth/signup/confirm", json={"token": token})
        assert response.status_code == 201, response.text
        self.cookies[who] = client.cookies[SESSION_COOKIE]
        self.clients[who] = client


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealtimeServer]:
    folder = tmp_path_factory.mktemp("realtime")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = make_settings(folder / "data", f"sqlite:///{folder / 'store.db'}", base_url=url,
                             realtime_save_seconds=0.3, realtime_max_connections_per_user=6,
                             realtime_max_frame_bytes=64 * 1024, sqlite_roots=str(folder))
    app = create_app(settings)
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, ws="websockets-sansio", log_level="warning",
                                       lifespan="on"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.02)
    running = RealtimeServer(url, app, folder)
    running.sign_up("admin", "admin@example.com")
    for who, role in (("developer", "developer"), ("viewer", "viewer"), ("outsider", None)):
        running.sign_up(who, f"{who}@example.com")
        if role:
            workspace = running.client("admin").get("/api/v1/workspaces").json()["workspaces"][0]["id"]
            answer = running.client("admin").post(f"/api/v1/workspaces/{workspace}/invites",
                                                  json={"email": f"{who}@example.com", "role": role})
            assert answer.status_code == 201, answer.text
    try:
        yield running
    finally:
        uv.should_exit = True
        thread.join(timeout=15)


@pytest.fixture
def application(server: RealtimeServer) -> dict[str, Any]:
    """A fresh application with two text widgets, an SQL query and a JS object on its first page."""
    admin = server.client("admin")
    workspace = admin.get("/api/v1/workspaces").json()["workspaces"][0]["id"]
    app = admin.post(f"/api/v1/workspaces/{workspace}/applications", json={"name": "Orders"}).json()
    page = admin.get(f"/api/v1/applications/{app['id']}/pages").json()["pages"][0]
    saved = admin.put(f"/api/v1/pages/{page['id']}/dsl", json={"dsl": tree(
        text_widget("w1", "Title", "Orders"), text_widget("w2", "Total", "{{getOrders.data.length}}", 10),
    ), "revision": page["revision"]})
    assert saved.status_code == 200, saved.text
    sqlite_file = server.folder / workspace / "orders.db"
    sqlite_file.parent.mkdir(exist_ok=True)
    sqlite_file.touch()
    ds = admin.post(f"/api/v1/workspaces/{workspace}/datasources", json={
        "name": f"Orders DB {app['id']}", "connector": "sqlite", "configs": {"production": {"path": str(sqlite_file)}}})
    assert ds.status_code == 201, ds.text
    action = admin.post(f"/api/v1/applications/{app['id']}/actions", json={
        "pageId": page["id"], "name": "getOrders", "datasourceId": ds.json()["id"],
        "config": {"sql": "select * from orders"}})
    assert action.status_code == 201, action.text
    js = admin.post(f"/api/v1/applications/{app['id']}/js-objects", json={
        "pageId": page["id"], "name": "Utils", "body": "export default { double(x) { return x * 2 } }"})
    assert js.status_code == 201, js.text
    return {"id": app["id"], "workspace": workspace, "page": page["id"], "action": action.json()["id"],
            "js": js.json()["id"]}
