"""Security, the real-time WebSocket (`/api/v1/ws`): the channels are a second door to an app's
edit state and to its viewers, so they answer to the same roles as the REST routes.

- Joining: `edit:` needs the Developer role, `view:` what opening the published app needs
  (anonymous visitors only for public apps); everyone else is told why with a close code.
- Cross-site WebSocket hijacking: browsers send the session cookie with a WebSocket opened by any
  page, so a cookie counts only with the instance's own Origin; a token (sent as a subprotocol,
  never echoed back) does not make a foreign Origin acceptable either.
- Frames: a viewer's update, malformed, unknown and oversized frames close the socket with their
  code before anything is applied: the shared state and the store stay as they were.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import websockets
from pycrdt import Doc, Map, create_update_message

from tests.realtime.conftest import RealtimeServer
from tests.realtime.yclient import YClient, close_code, ws_url

# Who tries to join which channel of a private app, and the close code (and error frame) they get.
JOINS = [
    pytest.param(None, "edit", 4401, id="anonymous joins edit"),
    pytest.param(None, "view", 4401, id="anonymous joins view of a private app"),
    pytest.param("viewer", "edit", 4403, id="App Viewer joins edit"),
    pytest.param("outsider", "edit", 4404, id="non-member joins edit"),
    pytest.param("outsider", "view", 4404, id="non-member joins view"),
]


@pytest.mark.parametrize(("who", "channel", "code"), JOINS)
def test_who_may_not_join_is_told_why(server: RealtimeServer, application: dict[str, Any], who: str | None,
                                      channel: str, code: int) -> None:
    headers = server.headers(who) if who else {"Origin": server.url}
    closed, texts = asyncio.run(close_code(ws_url(server.url, f"{channel}:{application['id']}"), **headers))
    assert closed == code
    assert texts[-1]["type"] == "error" and texts[-1]["code"] == code


@pytest.mark.parametrize(("channel", "code"), [("edit:no-such-app", 4404), ("nonsense", 4400), ("edit:", 4400)])
def test_bad_channels_close(server: RealtimeServer, channel: str, code: int) -> None:
    closed, _ = asyncio.run(close_code(ws_url(server.url, channel), **server.headers("developer")))
    assert closed == code


def test_an_anonymous_visitor_follows_a_public_app_only(server: RealtimeServer, application: dict[str, Any]) -> None:
    url = ws_url(server.url, f"view:{application['id']}")
    assert asyncio.run(close_code(url))[0] == 4401
    assert server.client("admin").patch(f"/api/v1/applications/{application['id']}", json={"isPublic": True}).status_code == 200

    async def run() -> None:
        async with websockets.connect(url) as ws:
            await ws.send(json.dumps({"type": "ping"}))
            assert json.loads(await ws.recv()) == {"type": "pong"}

    asyncio.run(run())
    assert asyncio.run(close_code(ws_url(server.url, f"edit:{application['id']}")))[0] == 4401


# Origins a hostile page could send with the developer's cookie (the instance is at `base`).
HOSTILE_ORIGINS: dict[str, Callable[[str], str]] = {
    "another site": lambda base: "https://evil.example",
    "an opaque origin": lambda base: "null",
    "another port": lambda base: f"{base.rsplit(':', 1)[0]}:{int(base.rsplit(':', 1)[1]) + 1}",
    "another scheme": lambda base: base.replace("http://", "https://"),
    "another name for the host": lambda base: base.replace("127.0.0.1", "localhost"),
    "our origin as a prefix": lambda base: f"{base}.evil.example",
}


@pytest.mark.parametrize("origin", list(HOSTILE_ORIGINS))
def test_a_cookie_from_another_origin_is_refused(server: RealtimeServer, application: dict[str, Any], origin: str) -> None:
    """Cross-site WebSocket hijacking: a page elsewhere cannot ride the developer's cookie."""
    url = ws_url(server.url, f"edit:{application['id']}")
    closed, texts = asyncio.run(close_code(url, Cookie=f"lowcraft_session={server.cookies['developer']}",
                                           Origin=HOSTILE_ORIGINS[origin](server.url)))
    assert closed == 4403 and texts[-1]["error"] == "bad_origin"


def test_a_cookie_without_an_origin_is_refused_and_with_ours_accepted(server: RealtimeServer, application: dict[str, Any]) -> None:
    url = ws_url(server.url, f"edit:{application['id']}")
    assert asyncio.run(close_code(url, Cookie=f"lowcraft_session={server.cookies['developer']}"))[0] == 4403

    async def run() -> None:  # the same cookie from the editor's own page joins
        client = await YClient(url, cookie=server.cookies["developer"], origin=server.url).connect()
        await client.wait_synced()
        await client.close()

    asyncio.run(run())


def test_a_token_travels_as_a_subprotocol_is_never_echoed_and_needs_our_origin(
    server: RealtimeServer, application: dict[str, Any]
) -> None:
    token = server.client("developer").post("/api/v1/me/tokens", json={"name": "rt"}).json()["token"]
    url = ws_url(server.url, f"edit:{application['id']}")

    async def run() -> None:
        async with websockets.connect(url, subprotocols=["lowcraft", f"lowcraft.token.{token}"]) as ws:  # type: ignore[list-item]
            assert ws.subprotocol == "lowcraft"  # the token is not sent back in the handshake
            assert token not in str(ws.response.headers)
            await ws.send(json.dumps({"type": "ping"}))
            frame = await ws.recv()
            while not isinstance(frame, str):  # the server's sync step 1 comes first
                frame = await ws.recv()
            assert json.loads(frame) == {"type": "pong"}
        closed, _ = await close_code(url, subprotocols=["lowcraft", "lowcraft.token.not-a-token"])
        assert closed == 4401
        closed, _ = await close_code(url, Origin="https://evil.example",
                                     subprotocols=["lowcraft", f"lowcraft.token.{token}"])
        assert closed == 4403

    asyncio.run(run())


def _store(server: RealtimeServer, application: dict[str, Any]) -> Any:
    admin = server.client("admin")
    return (admin.get(f"/api/v1/pages/{application['page']}").json(),
            admin.get(f"/api/v1/actions/{application['action']}").json()["config"])


def _changes_nothing(server: RealtimeServer, application: dict[str, Any], attack: Callable[[], Awaitable[None]]) -> None:
    """Run `attack` while an administrator's editor watches: the shared state it sees, past a fold,
    and the store are as they were before."""
    before = _store(server, application)

    async def watched() -> None:
        witness = await YClient(ws_url(server.url, f"edit:{application['id']}"), cookie=server.cookies["admin"],
                                origin=server.url).connect()
        await witness.wait_synced()
        shared_before = witness.json()
        await attack()
        await asyncio.sleep(0.6)  # past a fold
        assert witness.json() == shared_before
        await witness.close()

    asyncio.run(watched())
    assert _store(server, application) == before


def _a_real_update() -> bytes:
    """A well-formed Yjs update, as an editor would send it."""
    doc = Doc()
    doc["pages"] = pages = Map()
    pages["forged"] = "by a viewer"
    return bytes(create_update_message(doc.get_update()))


def test_a_viewers_update_closes_its_channel_and_changes_nothing(server: RealtimeServer, application: dict[str, Any]) -> None:
    async def attack() -> None:
        viewer = await websockets.connect(ws_url(server.url, f"view:{application['id']}"),
                                          additional_headers=server.headers("viewer"))
        await viewer.send(_a_real_update())
        with pytest.raises(websockets.ConnectionClosed) as closed:
            while True:
                await asyncio.wait_for(viewer.recv(), 5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4400

    _changes_nothing(server, application, attack)


@pytest.mark.parametrize(("frame", "code"), [
    pytest.param(b"\x07\x00", 4400, id="unknown message type"),
    pytest.param(b"\x00\x02\x05abc", 4400, id="update length does not match"),
    pytest.param(b"\x00\x02\x03\xff\xff\xff", 4400, id="update does not decode"),
    pytest.param(b"\x01\x03\x01\x05\x00", 4400, id="awareness does not decode"),
    pytest.param(b"\x00\x09\x00", 4400, id="unknown sync step"),
    pytest.param("not json", 4400, id="text not json"),
    pytest.param(json.dumps({"type": "write-everything"}), 4400, id="unknown text message"),
    pytest.param(b"\x00\x02" + b"\x80\x80\x08" + bytes(128 * 1024), 4413, id="beyond the frame cap"),  # 64 KiB here
])
def test_malformed_and_oversized_frames_close_and_write_nothing(
    server: RealtimeServer, application: dict[str, Any], frame: bytes | str, code: int
) -> None:
    async def attack() -> None:
        client = await YClient(ws_url(server.url, f"edit:{application['id']}"), cookie=server.cookies["developer"],
                               origin=server.url).connect()
        await client.wait_synced()
        await client.socket.send(frame)
        assert await client.closed() == code
        assert client.texts[-1]["code"] == code

    _changes_nothing(server, application, attack)
