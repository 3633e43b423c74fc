"""Redis going away (issue 11, finding 7): 503 with Retry-After and the usual error body, one log
line when the outage starts and one when it ends, and recovery without a restart.

Each test runs its own `redis-server` on a free port, so it can be killed and started again
without touching the machine's shared Redis.
"""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from lowcraft.app import create_app
from lowcraft.cache.outage import PROBE_EVERY_SECONDS, SOCKET_TIMEOUT_SECONDS
from tests.conftest import Api, Instance, first_workspace, make_settings
from tests.servers import free_port, require_program

OUTAGE_LOGGER = "lowcraft.cache.outage"


class RedisProcess:
    """A private redis-server: no automatic snapshots, no append-only file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
            finally:
                client.close()

    def pause(self, paused: bool) -> None:
        """Stop (or resume) the process: a Redis that accepts connections but never answers."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP if paused else signal.SIGCONT)

    def kill(self, *, keep_data: bool = False) -> None:
        """Kill the server as a crash would; with `keep_data`, snapshot first so a restart reloads it
        (a network partition rather than a lost server)."""
        assert self.process is not None
        if keep_data:
            redis.Redis(port=self.port).save()
        self.process.kill()
        self.process.wait()
        self.process = None


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisProcess]:
    require_program("redis-server")
    server = RedisProcess(tmp_path)
    server.start()
    try:
        yield server
    finally:
        if server.process is not None:
            server.pause(False)
            server.kill()


@pytest.fixture
def world(tmp_path: Path, redis_server: RedisProcess) -> Iterator[dict[str, Any]]:
    """An instance on the private Redis with an administrator, an API token and an SQLite query."""
    settings = make_settings(tmp_path / "data", redis_url=redis_server.url)
    app = create_app(settings)
    instance = Instance(app, settings)
    admin = instance.user("admin@example.com")
    token = admin.ok("POST", "/api/v1/me/tokens", 201, json={"name": "ci"})["token"]
    ws = first_workspace(admin)
    files = settings.sqlite_root_paths[0] / ws  # the workspace's own folder
    files.mkdir(parents=True, exist_ok=True)
    sqlite3.connect(files / "n.db").executescript("create table n (v integer); insert into n values (7);")
    ds = admin.ok("POST", f"/api/v1/workspaces/{ws}/datasources", 201, json={
        "name": "Numbers", "connector": "sqlite", "configs": {"production": {"path": str(files / "n.db")}}})
    app_id = admin.ok("POST", f"/api/v1/workspaces/{ws}/applications", 201, json={"name": "Numbers"})["id"]
    page_id = admin.ok("GET", f"/api/v1/applications/{app_id}")["pages"][0]["id"]
    action = admin.ok("POST", f"/api/v1/applications/{app_id}/actions", 201, json={
        "pageId": page_id, "name": "getN", "datasourceId": ds["id"], "config": {"sql": "select v from n"}})
    bot = instance.client(Authorization=f"Bearer {token}")
    yield {"instance": instance, "admin": admin, "bot": bot, "action": action["id"], "redis": redis_server}
    app.state.runtime.close()


def execute(client: Api, action_id: str) -> Any:
    return client.post(f"/api/v1/actions/{action_id}/execute", json={"params": {}, "mode": "edit"})


def eventually(check: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the condition did not hold in time"
        time.sleep(0.05)


def assert_unavailable(response: Any) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/json"
    assert int(response.headers["retry-after"]) > 0
    assert response.json()["error"]["code"] == "service_unavailable"
    assert "Redis" in response.json()["error"]["message"]


def outage_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == OUTAGE_LOGGER]


def test_while_redis_is_down_logins_cookies_and_executions_get_503_and_one_log_line(
    world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    admin, action = world["admin"], world["action"]
    assert execute(admin, action).json()["body"] == [{"v": 7}]  # cached: the next call takes the fast door
    caplog.set_level(logging.INFO)
    caplog.clear()
    world["redis"].kill()

    eventually(lambda: execute(admin, action).status_code == 503)
    anonymous = world["instance"].anonymous()
    for _ in range(10):
        assert_unavailable(execute(admin, action))
        assert_unavailable(anonymous.post("/api/v1/auth/login",
                                          json={"email": "admin@example.com", "password": "whatever-it-is"}))
        assert_unavailable(admin.get("/api/v1/me"))
        assert_unavailable(admin.get("/api/v1/workspaces"))
    ready = admin.get("/api/v1/ready")
    assert ready.status_code == 503 and ready.json()["checks"]["redis"].startswith("unavailable")

    assert len(outage_lines(caplog)) == 1 and "unreachable" in outage_lines(caplog)[0]
    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR and r.name != OUTAGE_LOGGER] == []


def test_the_server_recovers_on_its_own_when_redis_is_back(
    world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    admin, bot, action = world["admin"], world["bot"], world["action"]
    assert execute(bot, action).json()["body"] == [{"v": 7}]
    caplog.set_level(logging.INFO)
    world["redis"].kill(keep_data=True)
    eventually(lambda: execute(bot, action).status_code == 503)
    # A token needs no session: a write still commits while Redis is down, and is not lost.
    bot.ok("PATCH", f"/api/v1/actions/{action}", json={"config": {"sql": "select v * 6 as v from n"}})
    assert_unavailable(execute(bot, action))

    world["redis"].start()  # same port, same data: what a restarted or reconnected Redis looks like
    eventually(lambda: execute(bot, action).status_code == 200)
    # The plan cached before the outage is not served: the write's change is what runs.
    assert execute(bot, action).json()["body"] == [{"v": 42}]
    assert admin.ok("GET", "/api/v1/me")["email"] == "admin@example.com"  # the session survived
    assert execute(admin, action).json()["body"] == [{"v": 42}]
    fresh = world["instance"].anonymous()
    fresh.ok("POST", "/api/v1/auth/login", json={"email": "admin@example.com", "password": "correct-horse-battery"})

    lines = outage_lines(caplog)
    assert len(lines) == 2 and "unreachable" in lines[0] and "answers again" in lines[1]


def test_a_hung_redis_costs_one_request_the_timeout_not_every_request(
    world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    admin = world["admin"]
    admin.ok("GET", "/api/v1/me")
    caplog.set_level(logging.INFO)
    world["redis"].pause(True)
    started = time.monotonic()
    assert_unavailable(admin.get("/api/v1/me"))  # this one waits for the socket timeout
    assert time.monotonic() - started >= SOCKET_TIMEOUT_SECONDS - 0.5
    started = time.monotonic()
    for _ in range(20):  # the others are refused at once until the next probe is due
        assert_unavailable(admin.get("/api/v1/me"))
    assert time.monotonic() - started < PROBE_EVERY_SECONDS
    world["redis"].pause(False)
    eventually(lambda: admin.get("/api/v1/me").status_code == 200)
    lines = outage_lines(caplog)
    assert len(lines) == 2 and "Timeout" in lines[0] and "answers again" in lines[1]
