"""Helpers shared by the accounts, workspaces and audit specifications: starting an instance with
chosen settings, reading the store behind the API, and clients from a chosen network address."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import ColumnElement, func, select

from lowcraft.app import create_app
from lowcraft.audit.models import AuditEvent
from lowcraft.config import Settings
from lowcraft.runtime import Runtime
from lowcraft.store.base import Base
from tests.conftest import CSRF, PASSWORD, Api, Instance, sign_up
from tests.servers import REDIS_URL, require_redis

SESSION_COOKIE = "lowcraft_session"
Start = Callable[..., Instance]


def runtime_of(instance: Instance) -> Runtime:
    runtime: Runtime = instance.app.state.runtime
    return runtime


def count(instance: Instance, model: type[Base], *where: ColumnElement[bool]) -> int:
    with runtime_of(instance).db.session() as db:
        return db.scalar(select(func.count()).select_from(model).where(*where)) or 0


def audit_rows(instance: Instance, *where: ColumnElement[bool]) -> list[AuditEvent]:
    with runtime_of(instance).db.session() as db:
        rows = db.scalars(select(AuditEvent).where(*where).order_by(AuditEvent.created_at)).all()
        db.expunge_all()
        return list(rows)


def actions(instance: Instance) -> list[str]:
    return [row.action for row in audit_rows(instance)]


def client_at(instance: Instance, address: str, **headers: str) -> Api:
    """A browser at a given network address (the address audit events and throttling see)."""
    return Api(instance.app, headers={**CSRF, **headers}, client=(address, 40000))


def login(client: Api, email: str, password: str = PASSWORD) -> Any:
    return client.post("/api/v1/auth/login", json={"email": email, "password": password})


def signup(client: Api, email: str, password: str = PASSWORD, name: str = "") -> Any:
    """Sign up through the emailed link when one is needed (see `tests.conftest.sign_up`)."""
    return sign_up(client, email, password, name)


def session_token(client: Api) -> str:
    token = client.cookies.get(SESSION_COOKIE)
    assert token, "the client holds no session cookie"
    return str(token)


def with_cookie(instance: Instance, token: str) -> Api:
    """A fresh client presenting a stolen or remembered session cookie."""
    client = instance.client()
    client.cookies.set(SESSION_COOKIE, token)
    return client


def isolate_redis(runtime: Runtime, stack: ExitStack) -> str:
    """Give this instance's Redis keys a random prefix and delete them when the test ends, so
    concurrent test runs sharing the Redis server never see each other's sessions or counters."""
    prefix = f"lowcraft-test-{secrets.token_hex(6)}:"
    sessions: Any = runtime.sessions
    cache: Any = runtime.cache
    sessions.prefix = prefix
    cache.prefix = prefix

    def clean() -> None:
        for key in sessions.client.scan_iter(match=prefix + "*"):
            sessions.client.delete(key)

    stack.callback(clean)
    return prefix


# Building the FastAPI app (routes, schemas, middleware) costs more CPU than most tests here, and
# none of an instance's state lives in it: everything is in its Runtime (`app.state.runtime`). So
# apps are kept between tests and each test gets a fresh Runtime built from its own settings - the
# same store, cache, sessions, mailer and data directory a new `create_app` would have made.
AppKey = tuple[object, ...]
_idle_apps: dict[AppKey, list[FastAPI]] = {}


def launch(settings: Settings, stack: ExitStack) -> Instance:
    """A running instance for this test; its runtime is closed when `stack` closes."""
    key: AppKey = (settings.web_dist, settings.max_body_mb, settings.metrics_token)  # read by create_app
    idle = _idle_apps.setdefault(key, [])
    if idle:
        app = idle.pop()
        app.state.runtime = Runtime.build(settings)
    else:
        app = create_app(settings, migrate=False)
    runtime: Runtime = app.state.runtime
    stack.callback(idle.append, app)
    stack.callback(runtime.close)
    if settings.redis_url:
        isolate_redis(runtime, stack)
    return Instance(app, settings)


@pytest.fixture
def instance(settings_factory: Callable[..., Settings]) -> Iterator[Instance]:
    """Overrides the shared fixture with one that reuses apps (see `launch`)."""
    with ExitStack() as stack:
        yield launch(settings_factory(), stack)


@pytest.fixture
def start(settings_factory: Callable[..., Settings]) -> Iterator[Start]:
    """Start an instance with chosen settings (keyword overrides of Settings)."""
    with ExitStack() as stack:
        yield lambda **overrides: launch(settings_factory(**overrides), stack)


@pytest.fixture(params=["database", "redis"])
def session_settings(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Settings that keep sessions (and throttle counters) in the database/memory, or in Redis."""
    if request.param == "redis":
        require_redis()
        return {"redis_url": REDIS_URL}
    return {}


# For behaviour that does not depend on the store (the HTTP edge, cookies, throttle counters):
# run once, on SQLite, instead of once per database.
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

# Sessions in the database on each database, and in Redis (whose behaviour does not depend on
# the database, so once).
session_stores = pytest.mark.parametrize(
    ("database_url", "session_settings"),
    [("sqlite", "database"), ("postgres", "database"), ("sqlite", "redis")],
    indirect=True,
)
