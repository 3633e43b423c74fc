"""The fast door of `POST /api/v1/actions/{action_id}/execute`, ahead of FastAPI.

Executing actions is what a running app does most, so it has two doors onto the same code:
the FastAPI route (`lowcraft.actions.api.execute`), which authenticates, reads the store, and
fills the execution-plan cache, and `serve_cached_execution`, which answers the next identical
request (same credential, action, mode, environment and application) from that cache without
FastAPI's per-request work. Anything the fast door is not sure of - a plan not cached, a body it
does not accept - it passes to the route, so errors, validation messages and authentication have
one implementation.

This module is only the ASGI half: reading the body, the credential, gzip and the error body.
What a cached execution is comes from the caller (`lookup`, wired in `lowcraft.app` to
`lowcraft.actions.execution_plans.cached_execution`), so the HTTP edge imports no domain.
"""

from __future__ import annotations

import gzip
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import cookie_parser

from lowcraft import jsontext
from lowcraft.http.deps import SESSION_COOKIE
from lowcraft.http.errors import error_body
from lowcraft.http.middleware import ASGIApp, Receive, Scope, Send, replaying, send_json

log = logging.getLogger(__name__)

GZIP_MINIMUM_BYTES = 1024
"""Results at least this long are gzipped for clients that accept it, as GZipMiddleware does."""

CachedExecution = Callable[[str, str, bytes], Callable[[], Awaitable[dict[str, Any]]] | None]
"""(action id, credential, request body) -> the cached execution, ready to run, or None for the route."""

def credential(headers: list[tuple[bytes, bytes]]) -> str:
    """What `plan_key` takes: the Authorization header if sent, else the session cookie, else ''.

    Read the way `authenticate` reads them through Starlette (first header of each name, the
    cookie parsed by Starlette's parser), so a key always names the identity it was checked for.
    """
    authorization = cookie = None
    for name, value in headers:
        if name == b"authorization" and authorization is None:
            authorization = value.decode("latin-1")
        elif name == b"cookie" and cookie is None:
            cookie = value.decode("latin-1")
    if authorization:
        return authorization
    if cookie is None or SESSION_COOKIE not in cookie:
        return ""
    return cookie_parser(cookie).get(SESSION_COOKIE, "")


async def _read_body(receive: Receive) -> bytes | None:
    """The whole request body, or None when the client went away."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _accepts_gzip(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(name == b"accept-encoding" and b"gzip" in value for name, value in headers)


async def serve_cached_execution(
    lookup: CachedExecution, action_id: str, scope: Scope, receive: Receive, send: Send, route: ASGIApp
) -> None:
    """Answer `POST .../actions/{action_id}/execute` from the plan cache, else hand it to `route`."""
    try:
        body = await _read_body(receive)
    except HTTPException as exc:  # the edge's body limit, on a body sent without a length
        await send_json(send, exc.status_code, error_body("payload_too_large", str(exc.detail)))
        return
    if body is None:
        return
    run = lookup(action_id, credential(scope["headers"]), body)
    if run is None:
        await route(scope, replaying({"type": "http.request", "body": body, "more_body": False}, receive), send)
        return
    try:
        payload = jsontext.dumps(await run())
    except Exception:
        # Behind the fast door there is no FastAPI error middleware to turn a bug into a 500 body.
        log.exception("executing action %s failed", action_id)
        await send_json(send, 500, error_body("internal_error", "Something went wrong on the server; it has been logged."))
        return
    headers = [(b"content-type", b"application/json")]
    if len(payload) >= GZIP_MINIMUM_BYTES and _accepts_gzip(scope["headers"]):
        payload = gzip.compress(payload, compresslevel=6)
        headers += [(b"content-encoding", b"gzip"), (b"vary", b"Accept-Encoding")]
    headers.append((b"content-length", str(len(payload)).encode()))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": payload})

