"""The same parameterised SELECT by primary key on PostgreSQL, measured three ways.

  (a) directly with a psycopg AsyncConnectionPool (the floor),
  (b) through `lowcraft.actions.execute_action` in-process (binding, validation, pooling, results),
  (c) through `POST /api/v1/actions/{id}/execute` over HTTP with an authenticated session.

Each at concurrency 1 and 16; prints p50/p99 latency, throughput, and the ratios to (a).

    .venv/bin/python bench/execute.py                       # (a) and (b)
    .venv/bin/python bench/execute.py --api-url http://127.0.0.1:8000 --token TOKEN --action-id ID

(c) needs a running server and an action `select * from bench_orders where id = {{id}}` on a
datasource pointing at the database this script prints; pass its id and a personal API token.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import secrets
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import psycopg_pool

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lowcraft.actions import execute_action
from lowcraft.connectors import PoolManager

ROWS = 10_000
SQL = "select id, customer, total, status from bench_orders where id = %s"
ACTION_SQL = "select id, customer, total, status from bench_orders where id = {{id}}"
CONCURRENCIES = (1, 16)


@dataclass
class Figures:
    label: str
    concurrency: int
    latencies_ms: list[float]
    seconds: float

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def p99(self) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]

    @property
    def throughput(self) -> float:
        return len(self.latencies_ms) / self.seconds

    def line(self) -> str:
        return (
            f"{self.label:<16} c={self.concurrency:<3} p50={self.p50:7.3f} ms  p99={self.p99:7.3f} ms  "
            f"{self.throughput:9.0f} req/s"
        )


async def measure(
    label: str, concurrency: int, total: int, call: Callable[[int], Awaitable[None]]
) -> Figures:
    """Run `call(random id)` `total` times from `concurrency` workers."""
    latencies: list[float] = []
    per_worker = total // concurrency

    async def worker() -> None:
        for _ in range(per_worker):
            key = random.randint(1, ROWS)
            start = time.perf_counter()
            await call(key)
            latencies.append((time.perf_counter() - start) * 1000)

    for _ in range(min(50, total)):  # warm-up: connections open, caches filled
        await call(random.randint(1, ROWS))
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return Figures(label, concurrency, latencies, time.perf_counter() - started)


def create_database(host: str) -> str:
    name = f"lowcraft_bench_{secrets.token_hex(4)}"
    with psycopg.connect(host=host, user="postgres", dbname="postgres", autocommit=True) as admin:
        admin.execute(f'create database "{name}"')
    with psycopg.connect(host=host, user="postgres", dbname=name, autocommit=True) as conn:
        conn.execute(
            "create table bench_orders (id int primary key, customer text, total numeric(10,2), status text)"
        )
        conn.execute(
            "insert into bench_orders select g, 'customer ' || g, g * 1.5, 'open' from generate_series(1, %s) g",
            [ROWS],
        )
        conn.execute("analyze bench_orders")
    return name


def drop_database(host: str, name: str) -> None:
    with psycopg.connect(host=host, user="postgres", dbname="postgres", autocommit=True) as admin:
        admin.execute(f'drop database if exists "{name}" with (force)')


async def run_direct(host: str, database: str, concurrency: int, total: int) -> Figures:
    """(a) psycopg pool, no Lowcraft code at all."""
    async with psycopg_pool.AsyncConnectionPool(
        kwargs={"host": host, "user": "postgres", "dbname": database, "autocommit": True},
        min_size=concurrency,
        max_size=concurrency,
    ) as pool:

        async def call(key: int) -> None:
            async with pool.connection() as conn:
                cur = await conn.execute(SQL, [key])
                await cur.fetchall()

        return await measure("direct psycopg", concurrency, total, call)


async def run_library(host: str, database: str, concurrency: int, total: int) -> Figures:
    """(b) `execute_action` in-process: the route's work minus HTTP, auth and the store."""
    pools = PoolManager()
    config = {"host": host, "user": "postgres", "database": database, "pool_size": concurrency}
    query = {"sql": ACTION_SQL}

    async def call(key: int) -> None:
        result = await execute_action(
            "postgres", config, query, {"id": key}, datasource_id="bench", pools=pools
        )
        if not result["isExecutionSuccess"]:
            raise RuntimeError(result["error"])

    try:
        return await measure("execute_action", concurrency, total, call)
    finally:
        await pools.close_all()


async def run_http(api_url: str, token: str, action_id: str, concurrency: int, total: int) -> Figures:
    """(c) `POST /api/v1/actions/{id}/execute` over HTTP, authenticated with a personal API token."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=api_url, limits=limits, timeout=30) as client:
        headers = {"Authorization": f"Bearer {token}"}

        async def call(key: int) -> None:
            response = await client.post(
                f"/api/v1/actions/{action_id}/execute",
                json={"params": {"id": key}, "mode": "edit"},
                headers=headers,
            )
            if response.status_code != 200 or not response.json().get("isExecutionSuccess"):
                raise RuntimeError(f"HTTP {response.status_code}: {response.text[:300]}")

        return await measure("HTTP API", concurrency, total, call)


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--requests", type=int, default=3000, help="requests per measurement")
    parser.add_argument("--database", help="use this database (with bench_orders) instead of a throwaway one")
    parser.add_argument("--api-url")
    parser.add_argument("--token")
    parser.add_argument("--action-id")
    args = parser.parse_args()

    database = args.database or create_database(args.host)
    print(f"database {database}: bench_orders with {ROWS} rows; {args.requests} requests per run")
    try:
        for concurrency in CONCURRENCIES:
            direct = await run_direct(args.host, database, concurrency, args.requests)
            others = [await run_library(args.host, database, concurrency, args.requests)]
            if args.api_url and args.token and args.action_id:
                others.append(
                    await run_http(args.api_url, args.token, args.action_id, concurrency, args.requests)
                )
            print(direct.line())
            for other in others:
                print(
                    f"{other.line()}   p50 overhead {other.p50 - direct.p50:+.3f} ms, "
                    f"throughput {other.throughput / direct.throughput:.0%} of direct"
                )
        if not (args.api_url and args.token and args.action_id):
            print("HTTP API: not measured (pass --api-url, --token and --action-id of a running server)")
    finally:
        if not args.database:
            drop_database(args.host, database)


if __name__ == "__main__":
    asyncio.run(main())
