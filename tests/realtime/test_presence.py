"""Presence relayed between editors, the fold when the last editor leaves, and a client that stops
reading dropped instead of filling the server's memory."""

from __future__ import annotations

import asyncio
import base64
import os
import socket
from typing import Any

from pycrdt import Map

from tests.realtime.conftest import RealtimeServer
from tests.realtime.test_coediting import eventually, stored_page, two_editors
from tests.realtime.yclient import YClient, ws_url


def test_presence_reaches_the_others_and_leaves_with_its_editor(server: RealtimeServer, application: dict[str, Any]) -> None:
    state = {"user": {"id": "u1", "name": "Dev", "color": "#3366ff"}, "pageId": application["page"],
             "selection": ["w1"], "cursor": None}

    async def run() -> None:
        async with two_editors(server, application) as (one, two):
            await one.send_awareness(4242, 1, state)
            await eventually(lambda: two.awareness.get(4242) == state, what="the presence of one")
            # A third editor arriving gets everyone's presence at once.
            three = await YClient(ws_url(server.url, f"edit:{application['id']}"), cookie=server.cookies["admin"],
                                  origin=server.url).connect()
            await three.wait_synced()
            await eventually(lambda: three.awareness.get(4242) == state, what="the presence for a newcomer")
            await one.close()
            await eventually(lambda: 4242 not in two.awareness and 4242 not in three.awareness,
                             what="the presence to leave with its socket")
            await three.close()

    asyncio.run(run())


def test_the_last_editor_leaving_stores_the_shared_state_at_once(server: RealtimeServer, application: dict[str, Any]) -> None:
    settings = server.app.state.runtime.settings
    settings.realtime_save_seconds = 60.0
    try:
        async def run() -> None:
            async with two_editors(server, application) as (one, two):
                one.widget(application["page"], "w1")["text"] = "stored on leaving"
                await eventually(lambda: two.widget(application["page"], "w1")["text"] == "stored on leaving")
                await asyncio.sleep(0.5)
                assert stored_page(server, application)["dsl"]["children"][0]["text"] == "Orders"  # 60 s away
            await eventually(lambda: stored_page(server, application)["dsl"]["children"][0]["text"] == "stored on leaving",
                             timeout=5, what="the fold on leaving")

        asyncio.run(run())
    finally:
        settings.realtime_save_seconds = 0.3


def test_a_client_that_stops_reading_is_dropped(server: RealtimeServer, application: dict[str, Any]) -> None:
    """Its send queue is bounded: once full, the server drops the connection (4429, which a client
    that is not reading may never see) and stops holding updates for it."""
    settings = server.app.state.runtime.settings
    settings.realtime_send_queue = 8

    async def run() -> None:
        url = ws_url(server.url, f"edit:{application['id']}")
        # A raw socket with a small receive buffer that does the handshake, then never reads again.
        host, port = "127.0.0.1", int(server.url.rsplit(":", 1)[1])
        slow = socket.socket()
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        slow.connect((host, port))
        key = base64.b64encode(os.urandom(16)).decode()
        slow.sendall((f"GET /api/v1/ws?channel=edit:{application['id']} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                      f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                      f"Sec-WebSocket-Version: 13\r\nOrigin: {server.url}\r\n"
                      f"Cookie: lowcraft_session={server.cookies['admin']}\r\n\r\n").encode())
        assert slow.recv(12) == b"HTTP/1.1 101"
        writer = await YClient(url, cookie=server.cookies["developer"], origin=server.url).connect()
        await writer.wait_synced()
        room = server.app.state.realtime_hub.rooms[application["id"]]  # its size only is read from here
        # The raw socket's upgrade is answered before its join is done; under load the writer may sync first.
        await eventually(lambda: len(room.connections) == 2, what="both clients to join the room")
        # Presence frames (relayed as they come, nothing stored) of 30 kB each.
        for index in range(400):
            await writer.send_awareness(77, index + 1, {"user": {"id": "x", "name": "x" * 30_000}, "cursor": None})
            await asyncio.sleep(0.002)
            if len(room.connections) == 1:
                break
        await eventually(lambda: len(room.connections) == 1, what="the slow client to be dropped")
        dropped_after = index
        assert dropped_after < 399
        # The writer goes on, served as before.
        body = writer.doc.get("jsObjects", type=Map)[application["js"]]["body"]
        body += "// after"
        fresh = await YClient(url, cookie=server.cookies["admin"], origin=server.url).connect()
        await fresh.wait_synced()
        await eventually(lambda: fresh.json()["jsObjects"][application["js"]]["body"].endswith("// after"))
        slow.close()
        await writer.close()
        await fresh.close()

    try:
        asyncio.run(run())
    finally:
        settings.realtime_send_queue = 256
