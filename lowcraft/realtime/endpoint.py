"""`GET /api/v1/ws?channel=edit:<appId>|view:<appId>`: the real-time WebSocket (docs/realtime.md).

The connection is accepted before it is checked, so that a refusal can say why with a close code
(4401, 4403, 4404, ...) a browser can read; before the check passes nothing is read from the client
and nothing is sent but the error.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from urllib.parse import urlsplit

from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from lowcraft.context import Context
from lowcraft.errors import LowcraftError, NotAuthenticated, NotFound, PermissionDenied
from lowcraft.identity.models import User
from lowcraft.identity.users import user_for_api_token
from lowcraft.realtime import service
from lowcraft.realtime.errors import (
    ChannelClosed,
    FrameTooLarge,
    HeartbeatTimeout,
    MalformedFrame,
    TooManyConnections,
)
from lowcraft.realtime.rooms import Connection, Hub, Room
from lowcraft.runtime import Runtime

log = logging.getLogger("lowcraft.realtime")
SESSION_COOKIE = "lowcraft_session"
SUBPROTOCOL = "lowcraft"
TOKEN_PREFIX = "lowcraft.token."
CLOSE_TIMEOUT_SECONDS = 5.0


def _origin(url: str) -> str:
    parts = urlsplit(url.strip())
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def allowed_origins(runtime: Runtime) -> set[str]:
    settings = runtime.settings
    return {o for o in [_origin(settings.base_url), *map(_origin, settings.realtime_origins.split(","))] if o}


def _close_code(exc: LowcraftError) -> int:
    if isinstance(exc, ChannelClosed):
        return exc.close_code
    if isinstance(exc, NotAuthenticated):
        return 4401
    if isinstance(exc, PermissionDenied):
        return 4403
    if isinstance(exc, NotFound):
        return 4404
    return 4400


def _authorize(runtime: Runtime, cookie: str | None, token: str | None, kind: str, application_id: str) -> service.Joined:
    with runtime.db.session() as db:
        ctx = Context(runtime=runtime, db=db)
        if token is not None:
            user = user_for_api_token(db, token)
            if user is None:
                raise NotAuthenticated("This API token is not valid.")
            ctx.user, ctx.via = user, "token"
        elif cookie:
            active = runtime.sessions.resolve(db, cookie)
            user = db.get(User, active.user_id) if active else None
            if user is not None and user.is_active:
                ctx.user, ctx.via = user, "cookie"
        return service.join(ctx, kind, application_id)


async def _hub(scope: Scope, runtime: Runtime) -> Hub:
    """The process's hub, made by the first connection (with its Redis fan-out when configured)."""
    state = scope["app"].state
    hub: Hub | None = getattr(state, "realtime_hub", None)
    if hub is None:
        hub = state.realtime_hub = Hub(runtime, None)
        hub.starting = asyncio.create_task(_start_fanout(hub, runtime))
    if hub.starting is not None:
        await asyncio.shield(hub.starting)
    return hub


async def _start_fanout(hub: Hub, runtime: Runtime) -> None:
    if runtime.settings.redis_url:
        from lowcraft.realtime.fanout import Fanout

        fanout = Fanout(runtime.settings.redis_url, runtime.notices.replica, hub.from_peer, hub.notice)
        await fanout.start()
        hub.fanout = fanout


class Session:
    """One accepted WebSocket."""

    def __init__(self, websocket: WebSocket, runtime: Runtime) -> None:
        self.websocket = websocket
        self.runtime = runtime
        self.settings = runtime.settings

    async def refuse(self, code: int, message: str, error: str = "refused") -> None:
        """Say why, then close; bounded in time, as a client that stopped reading never takes the frames."""
        async def tell() -> None:
            await self.websocket.send_text(json.dumps({"type": "error", "code": code, "error": error, "message": message}))
            await self.websocket.close(code)

        with contextlib.suppress(Exception):
            await asyncio.wait_for(tell(), CLOSE_TIMEOUT_SECONDS)

    async def run(self, scope: Scope) -> None:
        websocket = self.websocket
        protocols = [p.strip() for p in websocket.headers.get("sec-websocket-protocol", "").split(",") if p.strip()]
        token = next((p[len(TOKEN_PREFIX):] for p in protocols if p.startswith(TOKEN_PREFIX)), None)
        await websocket.accept(subprotocol=SUBPROTOCOL if SUBPROTOCOL in protocols else None)
        channel = websocket.query_params.get("channel", "")
        kind, _, application_id = channel.partition(":")
        if kind not in (service.EDIT, service.VIEW) or not application_id or len(application_id) > 64:
            await self.refuse(4400, "channel must be edit:<applicationId> or view:<applicationId>.", "bad_channel")
            return
        cookie = websocket.cookies.get(SESSION_COOKIE)
        origin = websocket.headers.get("origin")
        # A cookie counts only from our origin; a token without an Origin header is a script's.
        needs_origin = (cookie and token is None) or origin is not None
        if needs_origin and (origin is None or _origin(origin) not in allowed_origins(self.runtime)):
            await self.refuse(4403, "This origin may not open the real-time connection.", "bad_origin")
            return
        try:
            joined = await asyncio.to_thread(_authorize, self.runtime, cookie, token, kind, application_id)
        except LowcraftError as exc:
            await self.refuse(_close_code(exc), exc.message, exc.code)
            return
        hub = await _hub(scope, self.runtime)
        who = joined.user_id or "anonymous:" + (websocket.client.host if websocket.client else "")
        if hub.per_user.get(who, 0) >= self.settings.realtime_max_connections_per_user:
            error = TooManyConnections("Too many real-time connections for this user; close some tabs.")
            await self.refuse(error.close_code, error.message, error.code)
            return
        hub.per_user[who] = hub.per_user.get(who, 0) + 1
        try:
            await self._serve(hub, joined)
        finally:
            hub.per_user[who] -= 1
            if hub.per_user[who] <= 0:
                del hub.per_user[who]

    async def _send(self, frame: bytes | str) -> None:
        if isinstance(frame, bytes):
            await self.websocket.send_bytes(frame)
        else:
            await self.websocket.send_text(frame)

    async def _serve(self, hub: Hub, joined: service.Joined) -> None:
        connection = Connection(joined, self.settings.realtime_send_queue, self._send)
        room: Room | None = None
        pump = asyncio.create_task(connection.pump())
        try:
            if joined.kind == service.EDIT:
                room = await hub.enter(connection)
                room.welcome(connection)
            else:
                hub.watch(connection)
            reader = asyncio.create_task(self._read(connection, room))
            reader.add_done_callback(lambda task: task.cancelled() or task.exception())  # read below, or moot
            failed = asyncio.create_task(connection.failed.wait())
            done, _ = await asyncio.wait({reader, failed, pump}, return_when=asyncio.FIRST_COMPLETED)
            for task in (reader, failed):
                task.cancel()
            if reader in done and not reader.cancelled() and reader.exception() is not None:
                error = reader.exception()
                if isinstance(error, ChannelClosed):
                    connection.fail(error)
                elif not isinstance(error, WebSocketDisconnect):
                    log.error("real-time connection failed", exc_info=error)
                    connection.fail(ChannelClosed("Internal error.", 4500))
        except ChannelClosed as exc:
            connection.fail(exc)
        finally:
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await pump
            if room is not None:
                await hub.leave_room(room, connection)
            else:
                hub.unwatch(connection)
            failure = connection.failure
            if self.websocket.application_state == WebSocketState.CONNECTED:
                if failure is not None:
                    await self.refuse(failure.close_code, failure.message, failure.code)
                else:
                    with contextlib.suppress(Exception):
                        await self.websocket.close(1000)

    async def _receive(self) -> Message:
        return await self.websocket.receive()

    async def _read(self, connection: Connection, room: Room | None) -> None:
        limit = self.settings.realtime_max_frame_bytes
        while True:
            try:
                message: Message = await asyncio.wait_for(self._receive(), self.settings.realtime_idle_seconds)
            except TimeoutError:
                raise HeartbeatTimeout("No frame for too long; the connection is closed.") from None
            if message["type"] == "websocket.disconnect":
                raise WebSocketDisconnect(message.get("code", 1000))
            data: bytes | None = message.get("bytes")
            text: str | None = message.get("text")
            size = len(data) if data is not None else len((text or "").encode())
            if size > limit:
                raise FrameTooLarge(f"Frames may have at most {limit} bytes.")
            if data is not None:
                if room is None:
                    raise MalformedFrame("A view channel takes only text frames.")
                if not data:
                    raise MalformedFrame("Empty frame.")
                room.receive(connection, data)
                continue
            try:
                control = json.loads(text or "")
            except ValueError:
                raise MalformedFrame("Text frames must be JSON.") from None
            if not isinstance(control, dict) or control.get("type") != "ping":
                raise MalformedFrame("Unknown control frame; only {\"type\": \"ping\"} is accepted.")
            connection.send_json({"type": "pong"})


async def endpoint(scope: Scope, receive: Receive, send: Send) -> None:
    """The ASGI app mounted at `/api/v1/ws`."""
    if scope["type"] != "websocket":
        await send({"type": "http.response.start", "status": 426, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": json.dumps(
            {"error": {"code": "upgrade_required", "message": "This endpoint takes WebSocket connections.", "details": {}}}
        ).encode()})
        return
    runtime: Runtime = scope["app"].state.runtime
    await Session(WebSocket(scope, receive, send), runtime).run(scope)
