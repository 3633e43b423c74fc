"""A server stopping (a deploy, a rolling restart) stores what its editors shared before it exits."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from lowcraft.devserver import free_port, running_server
from lowcraft.http.deps import SESSION_COOKIE
from tests.realtime.conftest import CSRF
from tests.realtime.test_coediting import eventually
from tests.realtime.yclient import YClient, ws_url


def test_stopping_the_server_stores_the_shared_state(tmp_path: Path) -> None:
    port = free_port()
    env = {"LOWCRAFT_DATA_DIR": str(tmp_path), "LOWCRAFT_BASE_URL": f"http://127.0.0.1:{port}",
           "LOWCRAFT_REALTIME_SAVE_SECONDS": "600", "LOWCRAFT_ARGON2_TIME_COST": "1", "LOWCRAFT_ARGON2_MEMORY_KIB": "1024"}
    with running_server(env, port=port) as server:
        client = httpx.Client(base_url=server.url, headers=CSRF, timeout=20)
        signed = client.post("/api/v1/auth/signup", json={"email": "a@example.com", "password": "stop-and-store", "name": "A"})
        assert signed.status_code == 201, signed.text
        cookie = signed.cookies[SESSION_COOKIE]
        workspace = client.get("/api/v1/workspaces").json()["workspaces"][0]["id"]
        app = client.post(f"/api/v1/workspaces/{workspace}/applications", json={"name": "Stop"}).json()
        page = client.get(f"/api/v1/applications/{app['id']}/pages").json()["pages"][0]

        async def edit_then_stop() -> None:
            editor = await YClient(ws_url(server.url, f"edit:{app['id']}"), cookie=cookie, origin=server.url).connect()
            await editor.wait_synced()
            editor.widget(page["id"], "0")["bottomRow"] = 777
            await asyncio.sleep(0.5)  # received; the next fold would be 10 minutes away
            server.process.terminate()
            await eventually(lambda: server.process.poll() is not None, timeout=20, what="the server to stop")
            await editor.close()

        asyncio.run(edit_then_stop())
        assert "Application shutdown complete" in server.log(), server.log()[-2000:]  # a clean stop (uvicorn re-raises SIGTERM)
    with running_server(env, port=port) as again:
        answer = httpx.get(f"{again.url}/api/v1/pages/{page['id']}", cookies={SESSION_COOKIE: cookie}, timeout=20)
        assert answer.json()["dsl"]["bottomRow"] == 777
