"""Reaching the machine's real servers from tests: skip with a reason when one is down, except in
CI (`CI=true`), where a missing server is a failure."""

from __future__ import annotations

import os
import secrets
import selectors
import shutil
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import psycopg
import pymysql
import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

POSTGRES_URL = os.environ.get("LOWCRAFT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
MYSQL_HOST = os.environ.get("LOWCRAFT_TEST_MYSQL_HOST", "127.0.0.1")
REDIS_URL = os.environ.get("LOWCRAFT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require(name: str, host: str, port: int) -> None:
    """Skip (or, in CI, fail) the calling test when `name` does not answer on host:port."""
    if port_open(host, port):
        return
    message = f"{name} is not reachable at {host}:{port}"
    if IN_CI:
        pytest.fail(message + " (CI=true: every server must be up)")
    pytest.skip(message + "; start it to run this test")


def require_program(name: str) -> str:
    """The path of program `name`; skips (or, in CI, fails) the calling test when it is missing."""
    path = shutil.which(name)
    if path is not None:
        return path
    message = f"{name} is not installed"
    if IN_CI:
        pytest.fail(message + " (CI=true: every program the tests drive must be there)")
    pytest.skip(message + "; install it to run this test")


def external_server_url(variable: str, name: str) -> str:
    """The URL of a server this machine does not run (SQL Server, MongoDB), from `variable`.

    Unset, the calling test is skipped with the reason, in CI too: no such server is packaged for
    these machines, and its integration suite runs wherever one is given.
    """
    url = os.environ.get(variable, "")
    if not url:
        pytest.skip(f"no {name} server is given: set {variable} to run this integration test")
    return url


def require_postgres() -> None:
    require("PostgreSQL", "127.0.0.1", 5432)


def require_mysql() -> None:
    require("MariaDB", MYSQL_HOST, 3306)


def require_redis() -> None:
    require("Redis", "127.0.0.1", 6379)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def throwaway_postgres(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database named `<prefix>_<random>`; yields its name, drops it after
    (with whatever connections are still open to it)."""
    require_postgres()
    name = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_url(database: str) -> str:
    return POSTGRES_URL.rsplit("/", 1)[0] + "/" + database


@pytest.fixture(scope="session")
def pg_database() -> Iterator[dict[str, Any]]:
    """A throwaway PostgreSQL database (as a postgres connector config), dropped at the end."""
    with throwaway_postgres("lowcraft_test") as name:
        yield {"host": "127.0.0.1", "port": 5432, "user": "postgres", "database": name}


@pytest.fixture(scope="session")
def mysql_database() -> Iterator[dict[str, Any]]:
    """A throwaway MariaDB/MySQL database (as a mysql connector config), dropped at the end."""
    require_mysql()
    name = f"lowcraft_test_{secrets.token_hex(4)}"
    admin = pymysql.connect(host=MYSQL_HOST, user="root", autocommit=True)
    with admin.cursor() as cur:
        cur.execute(f"create database `{name}`")
    yield {"host": MYSQL_HOST, "port": 3306, "user": "root", "database": name}
    with admin.cursor() as cur:
        cur.execute(f"drop database if exists `{name}`")
    admin.close()


@contextmanager
def http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A local HTTP server answering with `handler` in a background thread; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class PortForwarder:
    """A TCP port on 127.0.0.1 that forwards every connection to `target` (a thread per connection).

    Datasources may never reach the instance's own store; tests that keep the store on this
    machine's PostgreSQL reach that same server as a customer database through here, as they
    would reach a second server.
    """

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._pump, args=(client,), daemon=True).start()

    def _pump(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self.target)
        except OSError:
            client.close()
            return
        with client, upstream, selectors.DefaultSelector() as selector:
            selector.register(client, selectors.EVENT_READ, upstream)
            selector.register(upstream, selectors.EVENT_READ, client)
            while not self._stopped.is_set():
                for key, _ in selector.select(timeout=0.5):
                    source: socket.socket = key.fileobj  # type: ignore[assignment]
                    try:
                        data = source.recv(65536)
                        if not data:
                            return
                        key.data.sendall(data)
                    except OSError:
                        return

    def stop(self) -> None:
        self._stopped.set()
        self._listener.close()


@pytest.fixture(scope="session")
def postgres_elsewhere() -> Iterator[int]:
    """A port on 127.0.0.1 where this machine's PostgreSQL answers as if it were another server."""
    require_postgres()
    forwarder = PortForwarder(("127.0.0.1", 5432))
    yield forwarder.port
    forwarder.stop()
