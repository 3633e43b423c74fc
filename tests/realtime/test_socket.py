"""The WebSocket's life: a viewer hears of a publish, heartbeat and idle timeout, the per-user cap
on connections, and plain requests told to upgrade. Who may join which channel, origins, tokens
and hostile frames are attack classes: tests/security/test_websocket.py."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import websockets

from tests.realtime.conftest import RealtimeServer
from tests.realtime.yclient import YClient, close_code, ws_url


def test_a_viewer_joins_the_view_channel_and_hears_of_a_publish(server: RealtimeServer, application: dict[str, Any]) -> None:
    async def run() -> None:
        viewer = await websockets.connect(ws_url(server.url, f"view:{application['id']}"), additional_headers=server.headers("viewer"))
        editor = await YClient(ws_url(server.url, f"edit:{application['id']}"), cookie=server.cookies["developer"],
                               origin=server.url).connect()
        await editor.wait_synced()
        await viewer.send(json.dumps({"type": "ping"}))
        assert json.loads(await viewer.recv()) == {"type": "pong"}
        published = await asyncio.to_thread(server.client("developer").post, f"/api/v1/applications/{application['id']}/publish")
        assert published.status_code == 200
        notice = json.loads(await asyncio.wait_for(viewer.recv(), 5))
        assert notice["type"] == "published" and notice["applicationId"] == application["id"]
        assert notice["publishedAt"].startswith(published.json()["publishedAt"][:19])
        await asyncio.sleep(0.2)
        assert any(t["type"] == "published" for t in editor.texts)
        await viewer.close()
        await editor.close()

    asyncio.run(run())


def test_silence_closes_with_4408_and_pings_keep_the_socket(server: RealtimeServer, application: dict[str, Any]) -> None:
    settings = server.app.state.runtime.settings
    settings.realtime_idle_seconds = 0.6
    try:
        async def run() -> None:
            url = ws_url(server.url, f"view:{application['id']}")
            async with websockets.connect(url, additional_headers=server.headers("viewer")) as ws:
                for _ in range(3):
                    await asyncio.sleep(0.3)
                    await ws.send(json.dumps({"type": "ping"}))
                    assert json.loads(await ws.recv()) == {"type": "pong"}
                with pytest.raises(websockets.ConnectionClosed) as closed:
                    while True:
                        await asyncio.wait_for(ws.recv(), 3)
                assert closed.value.rcvd is not None and closed.value.rcvd.code == 4408

        asyncio.run(run())
    finally:
        settings.realtime_idle_seconds = 60.0


def test_a_user_has_a_cap_on_open_connections(server: RealtimeServer, application: dict[str, Any]) -> None:
    async def run() -> None:
        url = ws_url(server.url, f"view:{application['id']}")
        sockets = [await websockets.connect(url, additional_headers=server.headers("viewer")) for _ in range(6)]
        for ws in sockets:
            await ws.send(json.dumps({"type": "ping"}))
            assert json.loads(await ws.recv()) == {"type": "pong"}
        closed, texts = await close_code(url, **server.headers("viewer"))
        assert closed == 4409 and texts[-1]["code"] == 4409
        await sockets[0].close()
        await asyncio.sleep(0.1)
        again = await websockets.connect(url, additional_headers=server.headers("viewer"))
        await again.send(json.dumps({"type": "ping"}))
        assert json.loads(await again.recv()) == {"type": "pong"}
        for ws in [*sockets[1:], again]:
            await ws.close()

    asyncio.run(run())


def test_a_plain_request_to_the_socket_path_is_told_to_upgrade(server: RealtimeServer) -> None:
    answer = server.client("developer").get("/api/v1/ws", params={"channel": "edit:x"})
    assert answer.status_code == 426
    assert answer.json()["error"]["code"] == "upgrade_required"
    assert "content-security-policy" in answer.headers  # behind the edge like every route
