"""One server process holds at most LOWCRAFT_DATASOURCE_CONNECTIONS connections to its datasources.

Checked against the machine's PostgreSQL, counting what the server itself sees in
`pg_stat_activity` for a database of the test's own.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from lowcraft.actions import execute_action
from lowcraft.app import create_app
from lowcraft.config import Settings
from lowcraft.connectors import InstancePolicy, Limits, PoolManager, default_pools
from lowcraft.connectors.pools import DEFAULT_CONNECTION_BUDGET
from tests.servers import POSTGRES_URL, throwaway_postgres

pytestmark = pytest.mark.anyio


@pytest.fixture
def database() -> Iterator[str]:
    with throwaway_postgres("lowcraft_budget") as name:
        yield name


class ConnectionCounter:
    """Samples how many connections PostgreSQL has open to one database, from the outside."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.most = 0

    async def now(self) -> int:
        async with await psycopg.AsyncConnection.connect(POSTGRES_URL, autocommit=True) as admin:
            cur = await admin.execute("select count(*) from pg_stat_activity where datname = %s", [self.database])
            row = await cur.fetchone()
        assert row is not None
        return int(row[0])

    async def sample(self) -> None:
        async with await psycopg.AsyncConnection.connect(POSTGRES_URL, autocommit=True) as admin:
            while True:
                cur = await admin.execute(
                    "select count(*) from pg_stat_activity where datname = %s", [self.database]
                )
                row = await cur.fetchone()
                assert row is not None
                self.most = max(self.most, int(row[0]))
                await asyncio.sleep(0.02)

    async def settled(self, expected: int, timeout: float = 5.0) -> int:
        """The count once it reaches `expected` (closing is asynchronous on the server's side)."""
        deadline = time.monotonic() + timeout
        count = await self.now()
        while count != expected and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            count = await self.now()
        return count


@pytest.fixture
async def counter(database: str) -> AsyncIterator[ConnectionCounter]:
    counter = ConnectionCounter(database)
    task = asyncio.create_task(counter.sample())
    yield counter
    task.cancel()


LOCAL = InstancePolicy(allow_loopback=True)  # the datasources are this machine's PostgreSQL


def config(database: str, pool_size: int) -> dict[str, Any]:
    return {"host": "127.0.0.1", "port": 5432, "user": "postgres", "database": database, "pool_size": pool_size}


async def sleep_on(pools: PoolManager, database: str, datasource_id: str, seconds: float) -> dict[str, Any]:
    return await execute_action(
        "postgres", config(database, pool_size=2), {"sql": f"select pg_sleep({seconds}) as slept"}, {},
        datasource_id=datasource_id, pools=pools, policy=LOCAL,
    )


async def test_executions_beyond_the_budget_wait_then_fail_with_an_error_naming_the_setting(
    database: str, counter: ConnectionCounter
) -> None:
    pools = PoolManager(connection_budget=3, budget_wait_seconds=0.5)
    try:
        # Datasource a takes two connections of the budget (its pool size), b the last one;
        # c finds every pool busy for longer than it may wait.
        started = time.monotonic()
        a1, a2, b, c1, c2, c3 = await asyncio.gather(
            sleep_on(pools, database, "a", 1.5), sleep_on(pools, database, "a", 1.5),
            sleep_on(pools, database, "b", 1.5), *(sleep_on(pools, database, "c", 1.5) for _ in range(3)),
        )
        assert a1["isExecutionSuccess"] and a2["isExecutionSuccess"] and b["isExecutionSuccess"], (a1, a2, b)
        for c in (c1, c2, c3):
            assert not c["isExecutionSuccess"]
            assert c["error"]["code"] == "connection_budget_exhausted"
            assert "LOWCRAFT_DATASOURCE_CONNECTIONS" in c["error"]["message"]
            assert "too many clients" not in str(c)
            # Each gives up after one wait: not with the others' queries, nor one after another.
            assert 0.4 < c["durationMs"] / 1000 < 1.4, c["durationMs"]
        assert time.monotonic() - started < 5
        assert counter.most <= 3, f"PostgreSQL saw {counter.most} connections for a budget of 3"
        assert pools.connections_held <= 3
    finally:
        await pools.close_all()
    assert await counter.settled(0) == 0, "closing the pools must close every connection"


async def test_a_waiting_execution_runs_once_another_datasource_goes_idle(
    database: str, counter: ConnectionCounter
) -> None:
    pools = PoolManager(connection_budget=2, budget_wait_seconds=5)
    try:
        first = asyncio.create_task(sleep_on(pools, database, "a", 0.6))
        await asyncio.sleep(0.1)  # a holds the whole budget (its pool size is 2)
        second = await sleep_on(pools, database, "b", 0)
        assert second["isExecutionSuccess"], second
        assert (await first)["isExecutionSuccess"]
        assert counter.most <= 2
        # a's idle pool was closed to make room; b's stays for the next execution.
        assert pools.connections_held == 2 and len(pools) == 1
        again = await sleep_on(pools, database, "b", 0)
        assert again["isExecutionSuccess"]
    finally:
        await pools.close_all()
    assert pools.connections_held == 0
    assert await counter.settled(0) == 0


async def test_an_unreachable_datasource_does_not_keep_the_budget_from_the_others(database: str) -> None:
    pools = PoolManager(connection_budget=2, budget_wait_seconds=0.2)
    try:
        unreachable = {**config(database, pool_size=2), "port": 9, "connect_timeout_seconds": 1}
        failed = await execute_action(
            "postgres", unreachable, {"sql": "select 1"}, {}, Limits.from_settings(timeout_ms=1000, max_response_mb=1),
            datasource_id="gone", pools=pools, policy=LOCAL,
        )
        assert not failed["isExecutionSuccess"]
        ok = await sleep_on(pools, database, "a", 0)
        assert ok["isExecutionSuccess"], ok
    finally:
        await pools.close_all()


def test_the_server_applies_the_setting_to_its_pools(tmp_path: Path) -> None:
    assert Settings.model_fields["datasource_connections"].default == DEFAULT_CONNECTION_BUDGET
    before = default_pools.connection_budget
    try:
        settings = Settings(data_dir=tmp_path, database_url="sqlite://", datasource_connections=7)
        create_app(settings, migrate=False).state.runtime.close()
        assert default_pools.connection_budget == 7
    finally:
        default_pools.connection_budget = before
