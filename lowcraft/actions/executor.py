"""The execute endpoint's engine: cached execution plans with their actions compiled, and the
ASGI handler that serves a request whose plan is cached without FastAPI's per-request work.

Executing actions is what a running app does most, so it has two doors onto the same code:
the FastAPI route (`lowcraft.actions.api.execute`), which authenticates, reads the store, and
fills the plan cache, and `serve_cached_execution`, which answers the next identical request
(same credential, action, mode, environment and application) from that cache. Anything the fast
door is not sure of - a plan not cached, a body it does not accept - it passes to the route,
so errors, validation messages and authentication have one implementation.
"""

from __future__ import annotations

import gzip
import logging
import time
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import cookie_parser

from lowcraft import jsontext, metrics
from lowcraft.actions.execution import CompiledAction, compile_failure, for_viewer
from lowcraft.actions.plans import ExecutionPlan
from lowcraft.cache.generation import GenerationCache
from lowcraft.connectors.base import Limits
from lowcraft.connectors.errors import ConnectorError
from lowcraft.connectors.pools import default_pools
from lowcraft.http.deps import SESSION_COOKIE
from lowcraft.http.errors import error_body
from lowcraft.http.middleware import ASGIApp, Receive, Scope, Send, replaying, send_json
from lowcraft.http.schemas import Body
from lowcraft.runtime import Runtime

log = logging.getLogger(__name__)

GZIP_MINIMUM_BYTES = 1024
"""Results at least this long are gzipped for clients that accept it, as GZipMiddleware does."""


class ExecuteBody(Body):
    params: dict[str, Any] = Field(default_factory=dict, description="binding source text -> evaluated value")
    environment: str = Field("production", max_length=20)
    mode: Literal["edit", "view"] = "view"
    application_id: str | None = Field(None, alias="applicationId")


@dataclass(slots=True)
class ReadyExecution:
    """A plan with its action compiled and its limits resolved: all an execution needs but values."""

    plan: ExecutionPlan
    limits: Limits
    compiled: CompiledAction | None
    failure: ConnectorError | None

    @classmethod
    def build(cls, plan: ExecutionPlan, runtime: Runtime) -> ReadyExecution:
        limits = Limits.from_settings(
            timeout_ms=plan.settings.timeout_ms, max_response_mb=runtime.settings.max_response_mb
        )
        try:
            compiled = CompiledAction.compile(
                plan.connection.connector_type, plan.connection.config, plan.query_config,
                datasource_id=plan.connection.datasource_id, prepared_statements=plan.settings.prepared_statements,
                policy=runtime.workspace_policy(plan.connection.workspace_id, plan.connection.private_networks),
                pools=default_pools,
            )
        except ConnectorError as error:
            return cls(plan, limits, None, error)
        return cls(plan, limits, compiled, None)

    async def run(self, params: dict[str, Any]) -> dict[str, Any]:
        started = time.perf_counter()
        if self.compiled is not None:
            result = await self.compiled.run(params, self.limits)
        else:
            assert self.failure is not None
            result = compile_failure(self.failure)
        outcome = "success" if result["isExecutionSuccess"] else str(result["error"]["code"])
        metrics.observe_execution(self.plan.connection.connector_type, outcome, time.perf_counter() - started)
        # Both doors (the route and the cached one) answer through here, so they agree on this.
        return for_viewer(result) if self.plan.mode == "view" else result


# Plans by (credential, action, mode, environment, application), valid for one store generation
# and at most 30 s, so session expiry is still checked at least that often.
plans: GenerationCache[ReadyExecution] = GenerationCache(size=4096, ttl=30)


def plan_key(credential: str, action_id: str, body: ExecuteBody) -> tuple[str, ...]:
    return (credential, action_id, body.mode, body.environment, body.application_id or "")


def render_json(result: dict[str, Any]) -> bytes:
    return jsontext.dumps(result)


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
    runtime: Runtime, action_id: str, scope: Scope, receive: Receive, send: Send, route: ASGIApp
) -> None:
    """Answer `POST .../actions/{action_id}/execute` from the plan cache, else hand it to `route`."""
    try:
        body = await _read_body(receive)
    except HTTPException as exc:  # the edge's body limit, on a body sent without a length
        await send_json(send, exc.status_code, error_body("payload_too_large", str(exc.detail)))
        return
    if body is None:
        return
    cached: ReadyExecution | None = None
    request: ExecuteBody | None = None
    try:
        request = ExecuteBody.model_validate_json(body)
    except ValidationError:
        pass  # the route answers with the usual 400/422 body
    if request is not None:
        key = plan_key(credential(scope["headers"]), action_id, request)
        cached = plans.get(key, runtime.generation.current())
    if cached is None or request is None:
        await route(scope, replaying({"type": "http.request", "body": body, "more_body": False}, receive), send)
        return
    try:
        payload = render_json(await cached.run(request.params))
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

