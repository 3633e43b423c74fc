"""Shared fixtures: a store on SQLite and on PostgreSQL, an app per test, and API clients."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from lowcraft.app import create_app
from lowcraft.config import Settings
from lowcraft.store.base import Base
from lowcraft.store.db import Database
from lowcraft.store.migrate import upgrade
from tests.browser import browser, live_server, page
from tests.servers import POSTGRES_URL, mysql_database, pg_database, postgres_elsewhere, require_postgres

# Fixtures shared by every test folder (registered here once: one Chromium per run).
__all__ = ["browser", "live_server", "mysql_database", "page", "pg_database", "postgres_elsewhere"]



def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last. Playwright's sync API keeps an event loop marked running in the main
    thread from the first browser test to the end of the session, after which `asyncio.run` (used
    by async tests and the ASGI test client) fails with "cannot be called from a running event loop"."""
    uses_browser = [item for item in items if "browser" in getattr(item, "fixturenames", ())]
    others = [item for item in items if "browser" not in getattr(item, "fixturenames", ())]
    items[:] = others + uses_browser


CSRF = {"X-Requested-By": "lowcraft"}
PASSWORD = "correct-horse-battery"
SIGNUP_LINK = re.compile(r"/signup/confirm\?token=([\w-]+)")


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A throwaway PostgreSQL database for this test run, dropped at the end."""
    require_postgres()
    name = f"lowcraft_test_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
            )
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture(scope="session")
def sqlite_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('store') / 'lowcraft.db'}"


_migrated: set[str] = set()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """The store URL, once per backend: tests using it run on SQLite and on PostgreSQL."""
    url: str = request.getfixturevalue(f"{request.param}_database")
    db = Database(url)
    try:
        if url not in _migrated:
            upgrade(db)
            _migrated.add(url)
        _empty(db)
    finally:
        db.dispose()
    return url


def _empty(db: Database) -> None:
    with db.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(text(f'DELETE FROM "{table.name}"'))


def make_settings(data_dir: Path, database_url: str | None = None, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "database_url": database_url,
        "argon2_time_cost": 1,
        "argon2_memory_kib": 1024,
        # The tests' datasources are this machine's servers; tests of the guard itself turn it off.
        "allow_private_networks": True,
        **overrides,
    }
    return Settings(**values)


@pytest.fixture
def settings_factory(tmp_path: Path, database_url: str) -> Callable[..., Settings]:
    def build(**overrides: Any) -> Settings:
        return make_settings(tmp_path / "data", database_url, **overrides)

    return build


class Api(TestClient):
    """A browser-like client: keeps its cookie and sends our CSRF header."""

    user: dict[str, Any] | None = None

    def ok(self, method: str, url: str, expected: int = 200, **kwargs: Any) -> Any:
        response = self.request(method, url, **kwargs)
        assert response.status_code == expected, f"{method} {url}: {response.status_code} {response.text}"
        return response.json() if response.content else None


@dataclass
class Instance:
    """A running Lowcraft with helpers to get logged-in clients.

    All clients share the event loop of `main` (when given), as browsers share one server: the
    connection pools the app keeps are bound to that loop.
    """

    app: Any
    settings: Settings
    main: TestClient | None = None

    def client(self, **headers: str) -> Api:
        client = Api(self.app, headers={**CSRF, **headers})
        if self.main is not None:
            client.portal = self.main.portal
        return client

    def anonymous(self) -> Api:
        return self.client()

    def user(self, email: str, name: str = "") -> Api:
        """A client logged in as `email`, signing up first if needed."""
        client = self.client()
        response = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        if response.status_code != 200:
            response = sign_up(client, email, PASSWORD, name or email)
            assert response.status_code == 201, response.text
        client.user = response.json()
        return client


def signup_link_token(app: Any, email: str) -> str | None:
    """The token of the newest signup link the instance emailed to `email`."""
    for message in reversed(app.state.runtime.mailer.sent):
        found = SIGNUP_LINK.search(message.get_content()) if message["To"] == email else None
        if found:
            return found.group(1)
    return None


def sign_up(client: TestClient, email: str, password: str = PASSWORD, name: str = "") -> Any:
    """Sign up as a person would: the first user is in at once; anyone else opens the emailed link.
    Returns the last answer (201 with the user once signed up, or the refusal)."""
    response = client.post("/api/v1/auth/signup", json={"email": email, "password": password, "name": name})
    if response.status_code != 202:
        return response
    token = signup_link_token(client.app, email.strip().lower())
    assert token, f"no signup link was emailed to {email}"
    return client.post("/api/v1/auth/signup/confirm", json={"token": token})


@pytest.fixture
def instance(settings_factory: Callable[..., Settings]) -> Iterator[Instance]:
    settings = settings_factory()
    app = create_app(settings, migrate=False)
    with TestClient(app) as main:  # runs the lifespan: housekeeping at start, pools closed at the end
        yield Instance(app, settings, main)


@pytest.fixture
def admin(instance: Instance) -> Api:
    """The first user: instance administrator, with a personal workspace."""
    return instance.user("admin@example.com", "Ada Admin")


def first_workspace(client: Api) -> str:
    workspaces = client.ok("GET", "/api/v1/workspaces")["workspaces"]
    return str(workspaces[0]["id"])
