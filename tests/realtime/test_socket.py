"""The WebSocket's door: who may join which channel, origins, tokens, heartbeat, caps, and frames
that close the connection with their code having changed nothing."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import websockets

from tests.realtime.conftest import RealtimeServer
from tests.realtime.yclient import YClient, ws_url


async def _close_code(url: str, **headers_and_protocols: Any) -> tuple[int | None, list[dict[str, Any]]]:
    protocols = headers_and_protocols.pop("subprotocols", None)
    async with websockets.connect(url, additional_headers=headers_and_protocols, subprotocols=protocols, origin=None) as ws:
        texts = []
        try:
            async for frame in ws:
                if isinstance(frame, str):
                    texts.append(json.loads(frame))
        except websockets.ConnectionClosed:
            pass
        return ws.close_code, texts


def _cookie(server: RealtimeServer, who: str) -> dict[str, str]:
    return {"Cookie": f"lowcraft_session={server.cookies[who]}", "Origin": server.url}


@pytest.mark.parametrize(("who", "channel", "code"), [
    (None, "edit", 4401), ("viewer", "edit", 4403), ("outsider", "edit", 4404),
    (None, "view", 4401), ("outsider", "view", 4404),
])
def test_who_may_not_join_is_told_why(server: RealtimeServer, application: dict[str, Any], who: str | None,
                                      channel: str, code: int) -> None:
    headers = _cookie(server, who) if who else {"Origin": server.url}
    closed, texts = asyncio.run(_close_code(ws_url(server.url, f"{channel}:{application['id']}"), **headers))
    assert closed == code
    assert texts[-1]["type"] == "error" and texts[-1]["code"] == code


@pytest.mark.parametrize(("channel", "code"), [("edit:no-such-app", 4404), ("nonsense", 4400), ("edit:", 4400)])
def test_bad_channels_close(server: RealtimeServer, channel: str, code: int) -> None:
    closed, _ = asyncio.run(_close_code(ws_url(server.url, channel), **_cookie(server, "developer")))
    assert closed == code


def _hostile_origins(base: str) -> list[str]:
    host, port = base.rsplit(":", 1)
    return ["https://evil.example", "null", f"{host}:{int(port) + 1}", base.replace("http://", "https://"),
            base.replace("127.0.0.1", "localhost"), f"{base}.evil.example"]


def test_a_cookie_from_another_origin_or_without_one_is_refused(server: RealtimeServer, application: dict[str, Any]) -> None:
    """Cross-site WebSocket hijacking: a page elsewhere cannot ride the developer's cookie."""
    url = ws_url(server.url, f"edit:{application['id']}")
    cookie = {"Cookie": f"lowcraft_session={server.cookies['developer']}"}
    for origin in _hostile_origins(server.url):
        closed, texts = asyncio.run(_close_code(url, **cookie, Origin=origin))
        assert closed == 4403 and texts[-1]["error"] == "bad_origin", origin
    assert asyncio.run(_close_code(url, **cookie))[0] == 4403  # a cookie must come with our Origin
    # A token does not make a hostile origin acceptable either.
    token = server.client("developer").post("/api/v1/me/tokens", json={"name": "rt-origin"}).json()["token"]
    closed, _ = asyncio.run(_close_code(url, Origin="https://evil.example", subprotocols=["lowcraft", f"lowcraft.token.{token}"]))
    assert closed == 4403


def test_an_api_token_in_the_subprotocol_opens_the_edit_channel(server: RealtimeServer, application: dict[str, Any]) -> None:
    token = server.client("developer").post("/api/v1/me/tokens", json={"name": "rt"}).json()["token"]

    async def run() -> None:
        url = ws_url(server.url, f"edit:{application['id']}")
        async with websockets.connect(url, subprotocols=["lowcraft", f"lowcraft.token.{token}"]) as ws:  # type: ignore[list-item]
            assert ws.subprotocol == "lowcraft"
            await ws.send(json.dumps({"type": "ping"}))
            frame = await ws.recv()
            while not isinstance(frame, str):  # the server's sync step 1 comes first
                frame = await ws.recv()
            assert json.loads(frame) == {"type": "pong"}
        closed, _ = await _close_code(url, subprotocols=["lowcraft", "lowcraft.token.not-a-token"])
        assert closed == 4401

    asyncio.run(run())


def test_a_viewer_joins_the_view_channel_and_hears_of_a_publish(server: RealtimeServer, application: dict[str, Any]) -> None:
    async def run() -> None:
        viewer = await websockets.connect(ws_url(server.url, f"view:{application['id']}"), additional_headers=_cookie(server, "viewer"))
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
        # A viewer may not send updates: binary frames close its channel.
        await viewer.send(b"\x00\x02\x00")
        with pytest.raises(websockets.ConnectionClosed) as closed:
            while True:
                await asyncio.wait_for(viewer.recv(), 5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4400
        await editor.close()

    asyncio.run(run())


def test_an_anonymous_visitor_follows_a_public_app_only(server: RealtimeServer, application: dict[str, Any]) -> None:
    url = ws_url(server.url, f"view:{application['id']}")
    assert asyncio.run(_close_code(url))[0] == 4401
    assert server.client("admin").patch(f"/api/v1/applications/{application['id']}", json={"isPublic": True}).status_code == 200

    async def run() -> None:
        async with websockets.connect(url) as ws:
            await ws.send(json.dumps({"type": "ping"}))
            assert json.loads(await ws.recv()) == {"type": "pong"}

    asyncio.run(run())
    assert asyncio.run(_close_code(ws_url(server.url, f"edit:{application['id']}")))[0] == 4401


def _store(server: RealtimeServer, application: dict[str, Any]) -> Any:
    admin = server.client("admin")
    return (admin.get(f"/api/v1/pages/{application['page']}").json(),
            admin.get(f"/api/v1/actions/{application['action']}").json()["config"])


@pytest.mark.parametrize(("frame", "code"), [
    (b"\x07\x00", 4400),                      # unknown message type
    (b"\x00\x02\x05abc", 4400),              # an update whose length does not match
    (b"\x00\x02\x03\xff\xff\xff", 4400),     # an update that does not decode
    (b"\x01\x03\x01\x05\x00", 4400),          # awareness that does not decode
    (b"\x00\x09\x00", 4400),                  # unknown sync step
    ("not json", 4400),
    (json.dumps({"type": "write-everything"}), 4400),
    (b"\x00\x02" + b"\x80\x80\x08" + bytes(128 * 1024), 4413),  # beyond the frame cap (64 KiB here)
])
def test_malformed_and_oversized_frames_close_and_write_nothing(
    server: RealtimeServer, application: dict[str, Any], frame: bytes | str, code: int
) -> None:
    before = _store(server, application)

    async def run() -> None:
        witness = await YClient(ws_url(server.url, f"edit:{application['id']}"), cookie=server.cookies["admin"],
                                origin=server.url).connect()
        await witness.wait_synced()
        shared_before = witness.json()
        client = await YClient(ws_url(server.url, f"edit:{application['id']}"), cookie=server.cookies["developer"],
                               origin=server.url).connect()
        await client.wait_synced()
        await client.socket.send(frame)
        assert await client.closed() == code
        assert client.texts[-1]["code"] == code
        await asyncio.sleep(0.6)  # past a fold
        assert witness.json() == shared_before
        await witness.close()

    asyncio.run(run())
    assert _store(server, application) == before


def test_silence_closes_with_4408_and_pings_keep_the_socket(server: RealtimeServer, application: dict[str, Any]) -> None:
    settings = server.app.state.runtime.settings
    settings.realtime_idle_seconds = 0.6
    try:
        async def run() -> None:
            url = ws_url(server.url, f"view:{application['id']}")
            async with websockets.connect(url, additional_headers=_cookie(server, "viewer")) as ws:
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
        sockets = [await websockets.connect(url, additional_headers=_cookie(server, "viewer")) for _ in range(6)]
        for ws in sockets:
            await ws.send(json.dumps({"type": "ping"}))
            assert json.loads(await ws.recv()) == {"type": "pong"}
        closed, texts = await _close_code(url, **_cookie(server, "viewer"))
        assert closed == 4409 and texts[-1]["code"] == 4409
        await sockets[0].close()
        await asyncio.sleep(0.1)
        again = await websockets.connect(url, additional_headers=_cookie(server, "viewer"))
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
