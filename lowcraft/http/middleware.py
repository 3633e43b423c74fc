"""The HTTP edge as one pure-ASGI middleware: request ids, access logs, CSRF header, body limit,
the check of every JSON body (`lowcraft.jsoncheck`), and the usual error body for a domain error
raised behind it (the execute fast path has no FastAPI error handlers).

Pure ASGI (not BaseHTTPMiddleware) because it sits in front of every request, including the
action-execution hot path.
"""

from __future__ import annotations

import json
import logging
import random
import re
import time
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

from starlette.exceptions import HTTPException

from lowcraft import jsoncheck
from lowcraft.errors import LowcraftError
from lowcraft.http.errors import error_body, error_parts

log = logging.getLogger("lowcraft.access")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = b"x-requested-by"
CSRF_VALUE = b"lowcraft"


async def send_json(
    send: Send, status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    """A whole JSON response through a raw ASGI `send`."""
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


class EdgeMiddleware:
    """`upload_limits`: (path pattern, bytes, message) for the routes that take uploads larger (or
    smaller) than `max_body_bytes` (the Appsmith import: 50 MB); the first matching pattern applies."""

    def __init__(
        self, app: ASGIApp, *, max_body_bytes: int, metrics: Any = None,
        upload_limits: Sequence[tuple[re.Pattern[str], int, str]] = (),
    ) -> None:
        self.app = app
        self.max_body = max_body_bytes
        self.metrics = metrics
        self.upload_limits = tuple(upload_limits)
        self.too_large_message = _too_large_message(max_body_bytes)

    def _limit_for(self, path: str) -> tuple[int, str]:
        for pattern, limit, message in self.upload_limits:
            if pattern.match(path):
                return limit, message
        return self.max_body, self.too_large_message

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        headers = dict(scope["headers"])
        # Ids only correlate log lines, so a fast non-cryptographic generator will do (secrets costs a
        # getrandom system call per request).
        request_id = headers.get(b"x-request-id", b"").decode("latin-1")[:64] or f"{random.getrandbits(64):016x}"
        scope.setdefault("state", {})["request_id"] = request_id
        method = scope["method"]
        path = scope["path"]
        status_holder = [500]
        started = [False]

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder[0], started[0] = message["status"], True
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        try:
            if path.startswith("/api/") and ("\x00" in path or b"%00" in scope.get("query_string", b"")):
                # No id or filter holds NUL, and PostgreSQL would fail on it with a 500.
                status_holder[0] = 400
                await send_json(
                    send, 400, error_body("bad_request", "URLs may not contain NUL characters (%00)."),
                    [(b"x-request-id", request_id.encode())],
                )
                return
            # SCIM (`/scim/v2`) takes bearer tokens only, so it needs no CSRF header; its bodies
            # are limited and checked like the API's.
            if path.startswith(("/api/", "/scim/")) and method not in SAFE_METHODS:
                # Cookie-authenticated browsers must prove the request came from our client; a
                # cross-site form cannot set this header. Token-authenticated calls need not.
                has_bearer = headers.get(b"authorization", b"").lower().startswith(b"bearer ")
                if path.startswith("/api/") and not has_bearer and headers.get(CSRF_HEADER) != CSRF_VALUE:
                    status_holder[0] = 403
                    await send_json(
                        send, 403,
                        error_body("csrf_header_missing", "Send the header 'X-Requested-By: lowcraft' with this request."),
                        [(b"x-request-id", request_id.encode())],
                    )
                    return
                limit, too_large = self._limit_for(path)
                length = headers.get(b"content-length")
                if length is not None and length.isdigit() and int(length) > limit:
                    status_holder[0] = 413
                    await send_json(send, 413, error_body("payload_too_large", too_large),
                                    [(b"x-request-id", request_id.encode())])
                    return
                receive = self._limited(receive, limit, too_large)
                if _may_hold_json(headers.get(b"content-type")):
                    receive = await _checked_json(receive)
            await self.app(scope, receive, send_wrapper)
        except LowcraftError as exc:
            if started[0]:
                raise
            status_holder[0], body, extra = error_parts(exc)
            await send_json(send, status_holder[0], body, [*extra, (b"x-request-id", request_id.encode())])
        except HTTPException as exc:  # the body limit, met while the edge read the body itself
            if started[0] or exc.status_code != 413:
                raise
            status_holder[0] = 413
            message = exc.detail if isinstance(exc.detail, str) else self.too_large_message
            await send_json(send, 413, error_body("payload_too_large", message),
                            [(b"x-request-id", request_id.encode())])
        finally:
            elapsed = time.perf_counter() - start
            if self.metrics is not None:
                self.metrics.observe_request(scope, status_holder[0], elapsed)
            log.info(
                "%s %s %s %.1fms",
                method, path, status_holder[0], elapsed * 1000,
                extra={"request_id": request_id, "method": method, "path": path,
                       "status": status_holder[0], "duration_ms": round(elapsed * 1000, 2)},
            )

    def _limited(self, receive: Receive, limit: int, too_large: str) -> Receive:
        seen = 0

        async def wrapped() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    # FastAPI lets an HTTPException from the body stream through its parser.
                    raise HTTPException(413, detail=too_large)
            return message

        return wrapped


def _too_large_message(limit: int) -> str:
    return f"The request body is larger than the {limit / 1_000_000:g} MB this instance accepts."


def _may_hold_json(content_type: bytes | None) -> bool:
    """Whether a route could read the body as JSON: FastAPI does for JSON types and for a body sent
    without a type, and the execute fast path parses whatever it gets. Forms are not JSON."""
    if content_type is None:
        return True
    kind = content_type.split(b";", 1)[0].strip().lower()
    return not (kind.startswith(b"multipart/") or kind == b"application/x-www-form-urlencoded")


async def _checked_json(receive: Receive) -> Receive:
    """Read the whole body and check it with `jsoncheck` (raises `UnsupportedJson`); returns a
    `receive` that hands the body on. A body that is not JSON at all is handed on too: the route
    answers it with its usual 400."""
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            break
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
    jsoncheck.check_body(body)
    if messages[-1]["type"] != "http.request":  # the client went away
        return replaying(messages[-1], receive)
    return replaying({"type": "http.request", "body": body, "more_body": False}, receive)


def replaying(first: Message, receive: Receive) -> Receive:
    """A `receive` that answers `first` (a body already read), then what `receive` answers."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return first

    return replay
