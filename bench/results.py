"""Large results: one query returning 1,000 and 10,000 rows on PostgreSQL, measured two ways.

  (a) directly: a psycopg connection, `execute` + `fetchall` (the baseline),
  (b) `lowcraft.actions.execute_action`: streaming under the size cap, values made JSON-safe,
      secrets redacted, the result shaped for the client.

Prints the median time per execution of each and the ratio; (b)'s datasource has a password, so
secret redaction is on the path as it is for real datasources.

    .venv/bin/python bench/results.py
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).parent))
from execute import PASSWORD, create_database, drop_database

from lowcraft.actions import execute_action
from lowcraft.connectors import InstancePolicy, PoolManager

SIZES = (1_000, 10_000)
RUNS = 30
SQL = "select id, customer, total, status from bench_orders where id <= %s"
ACTION_SQL = "select id, customer, total, status from bench_orders where id <= {{n}}"


async def median_ms(call: Callable[[], Awaitable[object]]) -> float:
    await call()  # warm-up: connection open, statement planned
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        await call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def main() -> None:
    host = "127.0.0.1"
    database = create_database(host)
    pools = PoolManager()
    try:
        conn = await psycopg.AsyncConnection.connect(host=host, user="postgres", dbname=database, autocommit=True)
        config = {"host": host, "user": "postgres", "password": PASSWORD, "database": database}
        for size in SIZES:
            async def direct(size: int = size) -> object:
                cur = await conn.execute(SQL, [size])
                return await cur.fetchall()

            async def action(size: int = size) -> object:
                result = await execute_action(
                    "postgres", config, {"sql": ACTION_SQL}, {"n": size}, datasource_id="bench", pools=pools,
                    policy=InstancePolicy(allow_loopback=True, allow_private_networks=True),  # this machine's PostgreSQL
                )
                assert result["isExecutionSuccess"] and result["rowCount"] == size, result.get("error")
                return result

            base, ours = await median_ms(direct), await median_ms(action)
            print(f"{size:>6} rows: direct psycopg {base:7.2f} ms   execute_action {ours:7.2f} ms   "
                  f"({ours / base:.1f}x direct)")
        await conn.close()
    finally:
        await pools.close_all()
        drop_database(host, database)


if __name__ == "__main__":
    asyncio.run(main())
