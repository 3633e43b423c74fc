"""Datasources reach only what the instance allows (issue 11, finding 1).

The review's attack: a Developer points a Redis datasource at the instance's own Redis and writes
a session for the administrator, or a PostgreSQL datasource at the store's server and reads the
users' password hashes. Every connector that opens a socket goes through one guard: loopback,
private and metadata addresses in any spelling are refused unless an instance administrator
allowed private networks for the workspace, and the instance's own store and Redis are refused
even then. Sessions are sealed with the instance key, so a Redis write alone makes no session.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import text

from lowcraft.actions import execute_action
from lowcraft.app import create_app
from lowcraft.connectors import InstancePolicy, Limits, PoolManager, registry
from lowcraft.connectors.netguard import DeniedAddress
from lowcraft.datasources.checks import check_datasource
from lowcraft.runtime import Runtime, instance_denied_addresses
from lowcraft.store.db import Database
from lowcraft.store.migrate import upgrade
from tests.accounts.support import isolate_redis
from tests.conftest import PASSWORD, Api, Instance, first_workspace, make_settings, sign_up
from tests.connectors.test_outbound_network_policy import rebinding_name  # noqa: F401  (fixture)
from tests.servers import REDIS_URL, postgres_url, require_mysql, require_redis, throwaway_postgres

pytestmark = pytest.mark.anyio

STORE_URL = "postgresql://postgres@127.0.0.1:5432/lowcraft"
INSTANCE_REDIS_URL = "redis://127.0.0.1:6379/9"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _instance_services() -> tuple[DeniedAddress, ...]:
    settings = make_settings(Path("/nonexistent"), STORE_URL, redis_url=INSTANCE_REDIS_URL)
    return instance_denied_addresses(settings)


PRIVATE_OFF = InstancePolicy(denied=_instance_services())
PRIVATE_ON = InstancePolicy(allow_private_networks=True, allow_loopback=True, denied=_instance_services())

def _opens_sockets(type_name: str) -> bool:
    samples = registry.get(type_name).samples
    return samples is not None and samples.at is not None


SOCKET_CONNECTORS = [name for name in registry.names() if _opens_sockets(name)]


# The loopback address in every spelling a resolver or a driver accepts, and the cloud metadata
# address; none may be reached while private networks are off.
LOOPBACK_SPELLINGS = [
    "127.0.0.1",
    "127.0.0.2",
    "localhost",
    "localhost.",
    "LOCALHOST",
    "::1",
    "[::1]",
    "::ffff:127.0.0.1",
    "2130706433",
    "0177.0.0.1",
    "0x7f000001",
    "127.1",
]
# Spellings an HTTP client already refuses inside a URL (httpx: "Invalid IPv4 address").
URL_INVALID = {"0177.0.0.1"}
ALWAYS_REFUSED = ["169.254.169.254", "::ffff:169.254.169.254", "fd00:ec2::254", "0.0.0.0"]
PRIVATE = ["10.0.0.1", "192.168.1.1", "172.16.0.1", "100.64.0.1", "fd12::1"]

# The instance's store (5432) and Redis (6379), spelled every way that reaches this machine.
INSTANCE_SERVICES = [
    ("127.0.0.1", 5432),
    ("localhost", 5432),
    ("127.0.0.2", 5432),
    ("::ffff:127.0.0.1", 5432),
    ("0x7f000001", 5432),
    ("127.0.0.1", 6379),
    ("localhost.", 6379),
    ("::1", 6379),
    ("2130706433", 6379),
]


def test_every_connector_either_declares_its_address_or_opens_no_socket() -> None:
    # A connector that opens sockets and gives no `at` would escape the tests below; the ones
    # without `at` are held to opening none by test_connectors_without_an_address_open_no_socket.
    assert {
        "postgres", "mysql", "redis", "rest", "graphql", "s3", "smtp", "mssql", "redshift", "dynamodb",
        "mongodb", "firestore", "sheets", "llm", "rabbitmq", "nats",
    } <= set(SOCKET_CONNECTORS)


def _target(type_name: str, host: str, port: int) -> dict[str, Any]:
    samples = registry.get(type_name).samples
    assert samples is not None and samples.at is not None
    return samples.at(host, port)


async def _refused(type_name: str, host: str, port: int, policy: InstancePolicy, pools: PoolManager) -> dict[str, Any]:
    config = _target(type_name, host, port)
    tested = await check_datasource(type_name, config, policy=policy)
    if tested["code"] == "bad_parameters" and host in URL_INVALID:
        return tested  # refused as a URL before anything connects
    assert tested["ok"] is False and tested["code"] == "forbidden_address", (host, port, tested)
    samples = registry.get(type_name).samples
    assert samples is not None
    executed = await execute_action(
        type_name, config, samples.query, samples.params, datasource_id=f"guard-{type_name}", policy=policy, pools=pools
    )
    assert executed["isExecutionSuccess"] is False
    assert executed["error"]["code"] == "forbidden_address", (host, port, executed)
    return tested


@pytest.fixture
async def pools() -> Any:
    manager = PoolManager()
    yield manager
    await manager.close_all()


@pytest.mark.parametrize("type_name", SOCKET_CONNECTORS)
@pytest.mark.parametrize("host", LOOPBACK_SPELLINGS + ALWAYS_REFUSED + PRIVATE)
async def test_loopback_private_and_metadata_addresses_are_refused_while_private_networks_are_off(
    type_name: str, host: str, pools: PoolManager
) -> None:
    refused = await _refused(type_name, host, 6380, PRIVATE_OFF, pools)
    assert "not allowed" in refused["message"] or refused["code"] == "bad_parameters"


@pytest.mark.parametrize("type_name", SOCKET_CONNECTORS)
@pytest.mark.parametrize("host", ALWAYS_REFUSED)
async def test_metadata_addresses_are_refused_even_with_private_networks_on(
    type_name: str, host: str, pools: PoolManager
) -> None:
    await _refused(type_name, host, 80, PRIVATE_ON, pools)


@pytest.mark.parametrize("type_name", SOCKET_CONNECTORS)
@pytest.mark.parametrize(("host", "port"), INSTANCE_SERVICES)
async def test_the_instances_store_and_redis_are_refused_even_with_private_networks_on(
    type_name: str, host: str, port: int, pools: PoolManager
) -> None:
    refused = await _refused(type_name, host, port, PRIVATE_ON, pools)
    assert "the instance's" in refused["message"]


@pytest.mark.parametrize("host", ["/var/run/postgresql", "127.0.0.1,10.0.0.1", "host=evil", "db example"])
async def test_a_host_that_is_no_host_name_is_refused(host: str, pools: PoolManager) -> None:
    # libpq would read a path as a Unix socket (the store's server, on this machine) and a comma
    # as a list of hosts.
    for type_name in ("postgres", "mysql", "redis"):
        await _refused(type_name, host, 5432, PRIVATE_ON, pools)


async def test_with_private_networks_on_other_local_services_stay_reachable() -> None:
    require_mysql()
    tested = await check_datasource("mysql", {"host": "localhost", "port": 3306, "user": "root"}, policy=PRIVATE_ON)
    assert tested["ok"] is True, tested


async def test_denied_addresses_given_by_name_are_refused_at_every_local_address(pools: PoolManager) -> None:
    require_mysql()
    policy = InstancePolicy(
        allow_private_networks=True, allow_loopback=True, denied=(DeniedAddress.parse("localhost:3306", "listed"),)
    )
    for host in ("127.0.0.1", "127.0.0.5", "::ffff:127.0.0.1"):
        await _refused("mysql", host, 3306, policy, pools)


_socket_events: list[tuple[str, tuple[Any, ...]]] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event in ("socket.connect", "socket.getaddrinfo"):
        _socket_events.append((event, args))


sys.addaudithook(_audit)


@pytest.mark.parametrize("type_name", [n for n in registry.names() if n not in SOCKET_CONNECTORS])
async def test_connectors_without_an_address_open_no_socket(type_name: str, tmp_path: Path) -> None:
    samples = registry.get(type_name).samples
    assert samples is not None, f"{type_name} supplies no samples"
    policy = InstancePolicy(file_roots=(tmp_path,))
    _socket_events.clear()
    await check_datasource(type_name, samples.connection, policy=policy)
    await execute_action(type_name, samples.connection, samples.query, samples.params, policy=policy)
    assert _socket_events == [], f"{type_name} opened a socket without declaring `samples.at`"


# --- the review's attacks, end to end through the HTTP API ------------------------------------


def _launch(tmp_path: Path, database_url: str, **overrides: Any) -> Iterator[tuple[Instance, TestClient]]:
    """A running instance on `database_url` (migrated here) with private networks off by default."""
    db = Database(database_url)
    upgrade(db)
    db.dispose()
    settings = make_settings(
        tmp_path / "data", database_url, base_url="https://lowcraft.example.com", allow_private_networks=False,
        **overrides,
    )
    app = create_app(settings, migrate=False)
    with TestClient(app) as main:
        yield Instance(app, settings, main), main


def _https(instance: Instance, email: str) -> Api:
    client = instance.client()
    client.base_url = client.base_url.copy_with(scheme="https")  # the cookies are Secure
    response = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    if response.status_code != 200:
        response = sign_up(client, email, PASSWORD, email)
        assert response.status_code == 201, response.text
    client.user = response.json()
    return client


def _developer_tries(developer: Api, connector: str, config: dict[str, Any], command: dict[str, Any]) -> dict[str, Any]:
    """Create a datasource and an action on it as the developer; the test, and the action's run."""
    ws = first_workspace(developer)
    ds = developer.ok("POST", f"/api/v1/workspaces/{ws}/datasources", 201, json={
        "name": f"Mine {secrets.token_hex(3)}", "connector": connector, "configs": {"production": config}})
    tested = developer.ok("POST", f"/api/v1/datasources/{ds['id']}/test")
    app = developer.ok("POST", f"/api/v1/workspaces/{ws}/applications", 201, json={"name": "Probe"})
    page = developer.ok("GET", f"/api/v1/applications/{app['id']}")["pages"][0]
    action = developer.ok("POST", f"/api/v1/applications/{app['id']}/actions", 201, json={
        "pageId": page["id"], "name": "probe", "datasourceId": ds["id"], "config": command})
    return {"test": tested, "run": run_action(developer, action["id"]), "workspace": ws, "action": action["id"]}


def run_action(client: Api, action_id: str) -> dict[str, Any]:
    return client.ok("POST", f"/api/v1/actions/{action_id}/execute", json={"params": {}, "mode": "edit"})  # type: ignore[no-any-return]


@pytest.fixture
def redis_instance(tmp_path: Path) -> Iterator[tuple[Instance, str]]:
    require_redis()
    for instance, _ in _launch(tmp_path, f"sqlite:///{tmp_path / 'store.db'}", redis_url=REDIS_URL):
        with ExitStack() as stack:  # sessions under a random key prefix, deleted at the end
            yield instance, isolate_redis(instance.app.state.runtime, stack)


def test_a_developer_cannot_reach_the_instances_redis_nor_forge_a_session_in_it(
    redis_instance: tuple[Instance, str],
) -> None:
    instance, prefix = redis_instance
    admin = _https(instance, "root@example.com")  # the first user: instance administrator
    developer = _https(instance, "dev@example.com")
    db = int(REDIS_URL.rsplit("/", 1)[-1] or 0)

    attempt = _developer_tries(
        developer, "redis", {"host": "127.0.0.1", "port": 6379, "db": db}, {"command": f"KEYS {prefix}user-sessions:*"}
    )
    assert attempt["test"]["code"] == "forbidden_address"
    assert attempt["run"]["error"]["code"] == "forbidden_address"

    # Not even when an instance administrator opens private networks to the workspace.
    admin.ok("PUT", f"/api/v1/workspaces/{attempt['workspace']}/private-networks", json={"allowed": True})
    again = _developer_tries(
        developer, "redis", {"host": "localhost", "port": 6379, "db": db}, {"command": "PING"}
    )
    assert again["test"]["code"] == "forbidden_address"
    assert "the instance's Redis" in again["test"]["message"]

    # And whoever writes to Redis some other way still makes no session: the record needs the instance key.
    token = secrets.token_urlsafe(32)
    forged = {"user_id": admin.user["id"], "expires_at": "2030-01-01T00:00:00+00:00"}  # type: ignore[index]
    client = redis.Redis.from_url(REDIS_URL)
    client.set(f"{prefix}session:{hashlib.sha256(token.encode()).hexdigest()}", json.dumps(forged), ex=600)
    visitor = instance.client()
    visitor.base_url = visitor.base_url.copy_with(scheme="https")
    visitor.cookies.set("lowcraft_session", token)
    me = visitor.get("/api/v1/me")
    assert me.status_code == 401, me.text

    # Re-pointing the developer's own (sealed) session at the administrator fails the same way.
    own = developer.cookies.get("lowcraft_session")
    assert own
    key = f"{prefix}session:{hashlib.sha256(own.encode()).hexdigest()}"
    record = json.loads(client.get(key))  # type: ignore[arg-type]
    client.set(key, json.dumps({**record, "user_id": admin.user["id"]}), ex=600)  # type: ignore[index]
    assert developer.get("/api/v1/me").status_code == 401


def test_a_session_row_rewritten_in_the_store_is_no_session(tmp_path: Path) -> None:
    for instance, _ in _launch(tmp_path, f"sqlite:///{tmp_path / 'store.db'}"):
        runtime: Runtime = instance.app.state.runtime
        admin = _https(instance, "root@example.com")
        developer = _https(instance, "dev@example.com")
        assert developer.ok("GET", "/api/v1/me")["isInstanceAdmin"] is False
        with runtime.db.engine.begin() as conn:
            conn.execute(
                text("update login_sessions set user_id = :admin where user_id = :dev"),
                {"admin": admin.user["id"], "dev": developer.user["id"]},  # type: ignore[index]
            )
        assert developer.get("/api/v1/me").status_code == 401


@pytest.fixture
def postgres_store(tmp_path: Path) -> Iterator[tuple[Instance, str]]:
    with throwaway_postgres("lowcraft_guard_store") as name:
        for instance, _ in _launch(tmp_path, postgres_url(name)):
            yield instance, name


def test_a_developer_cannot_read_the_stores_users_through_a_postgres_datasource(
    postgres_store: tuple[Instance, str],
) -> None:
    instance, store_database = postgres_store
    admin = _https(instance, "root@example.com")
    developer = _https(instance, "dev@example.com")
    steal = {"sql": "select email, password_hash from users"}

    attempt = _developer_tries(
        developer, "postgres", {"host": "127.0.0.1", "port": 5432, "user": "postgres", "database": store_database}, steal
    )
    assert attempt["test"]["code"] == "forbidden_address"
    assert attempt["run"]["error"]["code"] == "forbidden_address"
    assert "root@example.com" not in json.dumps(attempt)

    admin.ok("PUT", f"/api/v1/workspaces/{attempt['workspace']}/private-networks", json={"allowed": True})
    for host in ("localhost", "127.0.0.2", "::ffff:127.0.0.1"):
        # Any database on the store's server: the whole server is the instance's.
        again = _developer_tries(
            developer, "postgres", {"host": host, "port": 5432, "user": "postgres", "database": "postgres"}, steal
        )
        assert again["run"]["error"]["code"] == "forbidden_address", again
        assert "the instance's store" in again["run"]["error"]["message"]
        assert "argon2" not in json.dumps(again)


def test_private_networks_are_an_instance_administrators_call_per_workspace(tmp_path: Path) -> None:
    require_mysql()
    for instance, _ in _launch(tmp_path, f"sqlite:///{tmp_path / 'store.db'}"):
        admin = _https(instance, "root@example.com")
        developer = _https(instance, "dev@example.com")
        other = _https(instance, "other@example.com")
        mariadb = {"host": "127.0.0.1", "port": 3306, "user": "root"}
        ping = {"sql": "select 'pong' as answer"}

        before = _developer_tries(developer, "mysql", mariadb, ping)
        assert before["run"]["error"]["code"] == "forbidden_address"
        assert "instance administrator" in before["run"]["error"]["hint"]

        ws = before["workspace"]
        # The workspace's own administrator may not open it; only the instance's may.
        refused = developer.put(f"/api/v1/workspaces/{ws}/private-networks", json={"allowed": True})
        assert refused.status_code == 403
        opened = admin.ok("PUT", f"/api/v1/workspaces/{ws}/private-networks", json={"allowed": True})
        assert opened["privateNetworks"] is True and opened["privateNetworksAllowed"] is True

        after = _developer_tries(developer, "mysql", mariadb, ping)
        assert after["run"]["body"] == [{"answer": "pong"}], after
        elsewhere = _developer_tries(other, "mysql", mariadb, ping)  # another workspace: still closed
        assert elsewhere["run"]["error"]["code"] == "forbidden_address"

        # Closing it again applies to the pool already open for the action, not just to new ones.
        admin.ok("PUT", f"/api/v1/workspaces/{ws}/private-networks", json={"allowed": False})
        closed = run_action(developer, after["action"])
        assert closed["error"]["code"] == "forbidden_address", closed
        audit = admin.ok("GET", f"/api/v1/workspaces/{ws}/audit-log", params={"action": "workspace.private_networks_changed"})
        assert [e["summary"]["after"] for e in audit["events"]] == [False, True]


@pytest.mark.parametrize("type_name", ["postgres", "mysql", "redis"])
async def test_a_name_that_rebinds_to_the_metadata_address_after_the_check_is_never_connected_to_it(
    type_name: str, rebinding_name: str, pools: PoolManager, pg_database: dict[str, Any],  # noqa: F811
    mysql_database: dict[str, Any],
) -> None:
    # The first lookup answers 127.0.0.1 (allowed here), every later one 169.254.169.254. A driver
    # that resolved the name again itself would connect there; each must use a checked address.
    require_redis()
    live = {"postgres": pg_database, "mysql": mysql_database, "redis": {"db": 15}}[type_name]
    samples = registry.get(type_name).samples
    assert samples is not None and samples.at is not None
    port = {"postgres": 5432, "mysql": 3306, "redis": 6379}[type_name]
    config = {**samples.at(rebinding_name, port), **{k: v for k, v in live.items() if k not in ("host", "port")}}
    policy = InstancePolicy(allow_loopback=True)
    for _ in range(2):
        result = await execute_action(
            type_name, config, samples.query, samples.params, Limits(timeout_seconds=2),
            datasource_id=f"rebinding-{type_name}", policy=policy, pools=pools,
        )
        # Either the connection went to the checked 127.0.0.1 (nothing answers at 169.254.169.254),
        # or the guard refused the new address: never an attempt at the metadata address.
        assert result["isExecutionSuccess"] or result["error"]["code"] == "forbidden_address", result


@pytest.mark.parametrize(
    ("database_url", "redis_url", "denied", "expected"),
    [
        (None, None, "", []),  # SQLite store, no Redis: nothing of the instance's on the network
        ("postgresql://u:p@db.internal/lowcraft", "rediss://cache:6380/0", "", ["db.internal:5432", "cache:6380"]),
        ("postgresql:///lowcraft?host=/run/postgresql", None, "", ["127.0.0.1:5432"]),  # Unix socket: same port
        ("postgresql://u@a:5433,b/lowcraft", "unix:///run/redis.sock", "", ["a:5433", "b:5432"]),
        (None, "redis://[::1]:6379/9", "10.9.0.0/16, [fd00::1]:5432, pgbouncer:6432", ["[::1]:6379", "10.9.0.0/16", "[fd00::1]:5432", "pgbouncer:6432"]),
    ],
)
def test_the_instances_own_services_are_read_from_its_settings(
    tmp_path: Path, database_url: str | None, redis_url: str | None, denied: str, expected: list[str]
) -> None:
    settings = make_settings(tmp_path, database_url, redis_url=redis_url, denied_addresses=denied)
    assert [str(d) for d in instance_denied_addresses(settings)] == expected


@pytest.mark.parametrize("entry", ["db:0", "db:http", "[::1", "/run/postgresql", "a b"])
def test_a_malformed_denied_address_stops_the_start(tmp_path: Path, entry: str) -> None:
    settings = make_settings(tmp_path / "data", f"sqlite:///{tmp_path / 'store.db'}", denied_addresses=entry)
    with pytest.raises(ValueError, match="LOWCRAFT_DENIED_ADDRESSES"):
        Runtime.build(settings)
