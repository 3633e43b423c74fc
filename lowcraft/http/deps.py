"""FastAPI dependencies: the request's Context (store session + caller) and typed shortcuts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from lowcraft.context import Context
from lowcraft.identity.models import User
from lowcraft.identity.users import user_for_api_token
from lowcraft.runtime import Runtime

SESSION_COOKIE = "lowcraft_session"
SIGN_IN_COOKIE = "lowcraft_sign_in"
"""A sign-in waiting for its second factor (`lowcraft.accounts.sign_in`): no session, only read by
the two-factor sign-in routes."""


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def client_address(request: Request) -> str:
    # Behind Caddy the peer is the proxy; it sets X-Forwarded-For (uvicorn's proxy_headers
    # handles trusted proxies, so request.client is already the real client there).
    return request.client.host if request.client else ""


def authenticate(request: Request, db: Session) -> Context:
    """The request's Context: who calls (API token, session cookie, or nobody), on store session `db`."""
    runtime = get_runtime(request)
    ctx = Context(
        runtime=runtime, db=db, client_address=client_address(request),
        user_agent=request.headers.get("user-agent", "")[:300],
    )
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        user = user_for_api_token(db, authorization[7:].strip())
        if user is not None:
            ctx.user, ctx.via = user, "token"
    else:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            active = runtime.sessions.resolve(db, token)
            user = db.get(User, active.user_id) if active else None
            if user is not None and user.is_active:
                ctx.user, ctx.via, ctx.session_token = user, "cookie", token
    return ctx


def _context(request: Request) -> Iterator[Context]:
    with get_runtime(request).db.session() as db:
        yield authenticate(request, db)


# scope="function": the transaction commits when the route returns, before the response is sent,
# so a client never sees success for a write that failed to commit.
Ctx = Annotated[Context, Depends(_context, scope="function")]
