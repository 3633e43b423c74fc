"""A Python co-editing client: a pycrdt document kept in sync over `/api/v1/ws` with the
`websockets` library, as the editor's Yjs client does (y-protocols sync and awareness)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from typing import Any

import websockets
from pycrdt import (
    Decoder,
    Doc,
    Encoder,
    Map,
    TransactionEvent,
    create_awareness_message,
    create_sync_message,
    create_update_message,
    handle_sync_message,
)

SYNC, AWARENESS = 0, 1


def ws_url(base_url: str, channel: str) -> str:
    return base_url.replace("http", "ws", 1) + "/api/v1/ws?channel=" + channel  # https -> wss


async def close_code(url: str, **headers_and_protocols: Any) -> tuple[int | None, list[dict[str, Any]]]:
    """Connect, read until the server closes: its close code and the JSON texts it sent first."""
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


class YClient:
    def __init__(self, url: str, *, cookie: str | None = None, token: str | None = None, origin: str | None = None,
                 ssl: Any = None) -> None:
        self.url = url
        self.ssl = ssl
        self.cookie = cookie
        self.token = token
        self.origin = origin
        self.doc = Doc()
        self.socket: Any = None
        self.texts: list[dict[str, Any]] = []
        self.awareness: dict[int, Any] = {}
        self.close_code: int | None = None
        self.online = True
        self.pending: list[bytes] = []
        self._applying = False
        self._reader: asyncio.Task[None] | None = None
        self._synced = asyncio.Event()
        self.on_remote: Callable[[], None] | None = None
        self.doc.observe(self._local_change)

    # --- connection ---------------------------------------------------------------------------

    async def connect(self) -> YClient:
        headers = {}
        if self.cookie:
            headers["Cookie"] = f"lowcraft_session={self.cookie}"
        if self.origin:
            headers["Origin"] = self.origin
        protocols = ["lowcraft", f"lowcraft.token.{self.token}"] if self.token else None
        self.socket = await websockets.connect(
            self.url, additional_headers=headers, subprotocols=protocols, max_size=None, origin=None,  # type: ignore[arg-type]
            **({"ssl": self.ssl} if self.ssl is not None else {}),
        )
        self._synced = asyncio.Event()
        self._reader = asyncio.create_task(self._read())
        await self.socket.send(create_sync_message(self.doc))
        return self

    async def wait_synced(self, timeout: float = 10) -> None:
        await asyncio.wait_for(self._synced.wait(), timeout)

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(BaseException):
                await self._reader

    async def go_offline(self) -> None:
        self.online = False
        await self.close()

    async def reconnect(self) -> None:
        self.online = True
        await self.connect()  # sync step 1 with our state vector; our step 2 carries the offline edits
        await self.wait_synced()

    async def _read(self) -> None:
        try:
            async for frame in self.socket:
                if isinstance(frame, str):
                    self.texts.append(json.loads(frame))
                    continue
                if frame[0] == SYNC:
                    self._applying = True
                    try:
                        reply = handle_sync_message(frame[1:], self.doc)
                    finally:
                        self._applying = False
                    if reply is not None:
                        await self.socket.send(reply)
                    if frame[1] == 1:
                        self._synced.set()
                    if self.on_remote:
                        self.on_remote()
                elif frame[0] == AWARENESS:
                    decoder = Decoder(Decoder(frame[1:]).read_message() or b"")
                    for _ in range(decoder.read_var_uint()):
                        client_id, _clock = decoder.read_var_uint(), decoder.read_var_uint()
                        state = json.loads(decoder.read_var_string())
                        if state is None:
                            self.awareness.pop(client_id, None)
                        else:
                            self.awareness[client_id] = state
        except websockets.ConnectionClosed as exc:
            self.close_code = exc.rcvd.code if exc.rcvd else None

    def _local_change(self, event: TransactionEvent) -> None:
        if self._applying:
            return
        message = create_update_message(event.update)
        if self.online and self.socket is not None:
            asyncio.get_running_loop().create_task(self.socket.send(message))

    async def send_awareness(self, client_id: int, clock: int, state: dict[str, Any]) -> None:
        encoder = Encoder()
        encoder.write_var_uint(1)
        encoder.write_var_uint(client_id)
        encoder.write_var_uint(clock)
        encoder.write_var_string(json.dumps(state))
        await self.socket.send(create_awareness_message(encoder.to_bytes()))

    async def closed(self, timeout: float = 10) -> int | None:
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(self._reader), timeout)
        return self.close_code

    # --- the document -------------------------------------------------------------------------

    def page(self, page_id: str) -> Map:
        return self.doc.get("pages", type=Map)[page_id]

    def widget(self, page_id: str, widget_id: str) -> Map:
        return self.page(page_id)["tree"][widget_id]

    def json(self) -> dict[str, Any]:
        return {name: self.doc.get(name, type=Map).to_py() for name in ("pages", "actions", "jsObjects")}
