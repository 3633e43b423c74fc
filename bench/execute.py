"""The same parameterised SELECT by primary key on PostgreSQL, measured four ways.

  (a) directly with a psycopg AsyncConnectionPool in this process (the baseline),
  (b) through `lowcraft.actions.execute_action` in-process (binding, validation, pooling, results),
  (c) through `POST /api/v1/actions/{id}/execute` over HTTP with an authenticated session,
  (d) through a bare ASGI app under uvicorn that runs the query with a psycopg pool and nothing
      else (bench/support/bare_asgi.py): the ceiling any one-process Python server reaches here.

Each at concurrency 1 and 16; prints p50/p99 latency, throughput, and the ratios to (a). Then, to
show what scaling out costs the database, (c) again at concurrency 16 with one process, with
`--workers 2`, and with `--workers 2` under LOWCRAFT_DATASOURCE_CONNECTIONS=8, each beside the most
connections PostgreSQL had open to the datasource meanwhile (pg_stat_activity). The
HTTP figures come from Debian's `wrk` (a C load generator that costs the server's cores little;
without it, from an httpx client in this process, which competes with the server for the cores)
and include the server process's CPU time per request.

    .venv/bin/python bench/execute.py

For (c) the script starts `lowcraft serve` (SQLite store in a temp dir, one process), signs up
through the API, creates the datasource (with a password, so secret redaction is on the path as
it is for real datasources) and the action `... where id = {{id}}`, and calls the execute
endpoint with the session cookie, as the web client does.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import httpx
import psycopg
import psycopg_pool

from lowcraft.actions import execute_action
from lowcraft.connectors import InstancePolicy, PoolManager
from lowcraft.connectors.pools import DEFAULT_CONNECTION_BUDGET
from lowcraft.devserver import ServerProcess, free_port, running_server

# The benchmark's database is this machine's PostgreSQL: a private address.
LOCAL = InstancePolicy(allow_loopback=True, allow_private_networks=True)
PRIVATE = {"LOWCRAFT_ALLOW_PRIVATE_NETWORKS": "true"}

ROWS = 10_000
SQL = "select id, customer, total, status from bench_orders where id = %s"
ACTION_SQL = "select id, customer, total, status from bench_orders where id = {{id}}"
CONCURRENCIES = (1, 16)
# PostgreSQL here trusts local logins, so any password works; it makes every result pass redaction.
PASSWORD = "bench-secret-password"


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
            f"{self.label:<21} c={self.concurrency:<3} p50={self.p50:7.3f} ms  p99={self.p99:7.3f} ms  "
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
    config = {"host": host, "user": "postgres", "password": PASSWORD, "database": database, "pool_size": concurrency}
    query = {"sql": ACTION_SQL}

    async def call(key: int) -> None:
        result = await execute_action(
            "postgres", config, query, {"id": key}, datasource_id="bench", pools=pools, policy=LOCAL
        )
        if not result["isExecutionSuccess"]:
            raise RuntimeError(result["error"])

    try:
        return await measure("execute_action", concurrency, total, call)
    finally:
        await pools.close_all()


CSRF = {"X-Requested-By": "lowcraft"}


def prepare_app(api_url: str, host: str, database: str) -> tuple[dict[str, str], str]:
    """Sign up, create the datasource and the action; returns the session cookies and action id."""
    with httpx.Client(base_url=api_url, headers=CSRF, timeout=30) as client:
        def ok(response: httpx.Response) -> dict[str, object]:
            response.raise_for_status()
            return response.json()  # type: ignore[no-any-return]

        ok(client.post("/api/v1/auth/signup", json={"email": "bench@example.com", "password": "bench-password-1"}))
        ws = ok(client.get("/api/v1/workspaces"))["workspaces"][0]["id"]  # type: ignore[index]
        app = ok(client.post(f"/api/v1/workspaces/{ws}/applications", json={"name": "Bench"}))
        page = ok(client.get(f"/api/v1/applications/{app['id']}"))["pages"][0]["id"]  # type: ignore[index]
        config = {"host": host, "user": "postgres", "password": PASSWORD, "database": database,
                  "pool_size": DATASOURCE_POOL_SIZE}
        ds = ok(client.post(f"/api/v1/workspaces/{ws}/datasources",
                            json={"name": "Bench DB", "connector": "postgres", "configs": {"production": config}}))
        action = ok(client.post(f"/api/v1/applications/{app['id']}/actions", json={
            "pageId": page, "name": "getOrder", "datasourceId": ds["id"], "config": {"sql": ACTION_SQL}}))
        return dict(client.cookies), str(action["id"])


_WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Requested-By"] = "lowcraft"
wrk.headers["Cookie"] = "lowcraft_session=%(session)s"
request = function()
  local body = '{"params":{"id":' .. math.random(1, %(rows)d) .. '},"mode":"edit"}'
  return wrk.format(nil, "/api/v1/actions/%(action)s/execute", nil, body)
end
"""


# Appended for the scale-out runs: counts answers that are not a successful execution (a 200 with
# isExecutionSuccess false, e.g. connection_budget_exhausted), which wrk's non-2xx count misses.
_WRK_CHECK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) failed = 0 end
function response(status, headers, body)
  if not string.find(body, '"isExecutionSuccess":true', 1, true) then failed = failed + 1 end
end
function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + t:get("failed") end
  io.write("Failed executions: " .. n .. "\\n")
end
"""


@dataclass
class WrkFigures:
    """What wrk measured, plus the CPU the server process spent per request meanwhile."""

    label: str
    concurrency: int
    p50: float
    p99: float
    throughput: float
    failures: int
    cpu_us: float | None
    failed_executions: int | None = None

    def line(self) -> str:
        cpu = f"  server CPU {self.cpu_us:4.0f} us/req" if self.cpu_us is not None else ""
        failed = f"  failed executions={self.failed_executions}" if self.failed_executions is not None else ""
        return (f"{self.label:<21} c={self.concurrency:<3d} p50={self.p50:7.3f} ms  p99={self.p99:7.3f} ms  "
                f"{self.throughput:9.0f} req/s  non-2xx={self.failures}{failed}{cpu}")


def _ms(text: str) -> float:
    value = float(re.sub(r"[a-z]+$", "", text))
    return value / 1000 if text.endswith("us") else value * 1000 if text.endswith("s") and not text.endswith("ms") else value


def run_wrk(
    label: str, server: ServerProcess, session: str, action_id: str, concurrency: int, seconds: int = 8,
    *, check_results: bool = False,
) -> WrkFigures:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_WRK_SCRIPT % {"session": session, "action": action_id, "rows": ROWS})
        if check_results:
            script.write(_WRK_CHECK_SCRIPT)
    cpu_before = server.tree_cpu_seconds()
    out = subprocess.run(
        ["wrk", "-t1", f"-c{concurrency}", f"-d{seconds}s", "--latency", "-s", script.name, server.url],
        capture_output=True, text=True, check=True,
    ).stdout
    cpu = server.tree_cpu_seconds() - cpu_before
    Path(script.name).unlink()
    p50 = re.search(r"50%\s+([\d.]+\w+)", out)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    failures = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    failed = re.search(r"Failed executions: (\d+)", out)
    assert p50 and p99 and rps and total, out
    return WrkFigures(label, concurrency, _ms(p50.group(1)), _ms(p99.group(1)), float(rps.group(1)),
                      int(failures.group(1)) if failures else 0, cpu / int(total.group(1)) * 1e6,
                      int(failed.group(1)) if failed else None)


@contextlib.contextmanager
def bare_server(host: str, database: str) -> Iterator[ServerProcess]:
    """(d): bench/support/bare_asgi.py under uvicorn, one process, as `lowcraft serve` runs."""
    port = free_port()
    env = {**os.environ, "BENCH_HOST": host, "BENCH_DATABASE": database}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--app-dir", str(Path(__file__).parent / "support"), "bare_asgi:app",
         "--port", str(port), "--no-access-log", "--log-level", "warning"],
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the bare ASGI server did not start") from None
                time.sleep(0.05)
        yield ServerProcess(process, url, 0.0, Path(os.devnull))
    finally:
        process.terminate()
        process.wait(timeout=10)


async def run_http(api_url: str, cookies: dict[str, str], action_id: str, concurrency: int, total: int) -> Figures:
    """(c) `POST /api/v1/actions/{id}/execute` over HTTP with a logged-in session cookie."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=api_url, limits=limits, timeout=30, cookies=cookies, headers=CSRF) as client:

        async def call(key: int) -> None:
            response = await client.post(
                f"/api/v1/actions/{action_id}/execute",
                json={"params": {"id": key}, "mode": "edit"},
            )
            if response.status_code != 200 or not response.json().get("isExecutionSuccess"):
                raise RuntimeError(f"HTTP {response.status_code}: {response.text[:300]}")

        return await measure("HTTP API", concurrency, total, call)


class PeakConnections:
    """The most connections PostgreSQL had open to `database` while the block ran (pg_stat_activity)."""

    def __init__(self, host: str, database: str) -> None:
        self.host, self.database, self.peak = host, database, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        with psycopg.connect(host=self.host, user="postgres", dbname="postgres", autocommit=True) as admin:
            while not self._stop.is_set():
                row = admin.execute(
                    "select count(*) from pg_stat_activity where datname = %s", [self.database]
                ).fetchone()
                self.peak = max(self.peak, int(row[0]) if row else 0)
                time.sleep(0.02)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


# (label, extra `lowcraft serve` arguments, extra environment, processes, connection budget per process)
SCALE_OUT: list[tuple[str, list[str], dict[str, str], int, int]] = [
    ("1 process", [], {}, 1, DEFAULT_CONNECTION_BUDGET),
    ("--workers 2", ["--workers", "2"], {}, 2, DEFAULT_CONNECTION_BUDGET),
    ("--workers 2, budget 8", ["--workers", "2"], {"LOWCRAFT_DATASOURCE_CONNECTIONS": "8"}, 2, 8),
]
SCALE_CONCURRENCY = 16
DATASOURCE_POOL_SIZE = 16


async def scale_out(
    label: str, server: ServerProcess, args: argparse.Namespace, database: str, cookies: dict[str, str], action_id: str
) -> tuple[Figures | WrkFigures, int]:
    """(c) at concurrency 16 on `server`, and the most datasource connections PostgreSQL saw meanwhile."""
    if shutil.which("wrk") is not None:
        run_wrk("warm-up", server, cookies["lowcraft_session"], action_id, SCALE_CONCURRENCY, seconds=1)
        with PeakConnections(args.host, database) as peak:
            figures: Figures | WrkFigures = run_wrk(
                label, server, cookies["lowcraft_session"], action_id, SCALE_CONCURRENCY, args.seconds,
                check_results=True,
            )
    else:
        with PeakConnections(args.host, database) as peak:
            figures = await run_http(server.url, cookies, action_id, SCALE_CONCURRENCY, args.requests // 4)
    return figures, peak.peak


def _compare(other: Figures | WrkFigures, direct: Figures) -> str:
    return (f"{other.line()}   p50 overhead {other.p50 - direct.p50:+.3f} ms, "
            f"throughput {other.throughput / direct.throughput:.0%} of direct")


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--requests", type=int, default=20_000, help="requests per in-process measurement")
    parser.add_argument("--seconds", type=int, default=8, help="duration of each wrk measurement")
    parser.add_argument("--database", help="use this database (with bench_orders) instead of a throwaway one")
    args = parser.parse_args()

    database = args.database or create_database(args.host)
    use_wrk = shutil.which("wrk") is not None
    print(f"database {database}: bench_orders with {ROWS} rows; {args.requests} requests per in-process run"
          + (f", {args.seconds} s per wrk run" if use_wrk else "; wrk not installed, HTTP measured with httpx"))
    results: dict[int, list[Figures | WrkFigures]] = {c: [] for c in CONCURRENCIES}
    directs: dict[int, Figures] = {}
    scaled: list[tuple[str, Figures | WrkFigures, int, int]] = []
    try:
        with tempfile.TemporaryDirectory() as data:
            with running_server({"LOWCRAFT_DATA_DIR": data, **PRIVATE}) as server:
                cookies, action_id = prepare_app(server.url, args.host, database)
                for concurrency in CONCURRENCIES:
                    directs[concurrency] = await run_direct(args.host, database, concurrency, args.requests)
                    results[concurrency].append(await run_library(args.host, database, concurrency, args.requests))
                    if use_wrk:
                        run_wrk("warm-up", server, cookies["lowcraft_session"], action_id, concurrency, seconds=1)
                        results[concurrency].append(run_wrk(
                            "HTTP API (wrk)", server, cookies["lowcraft_session"], action_id, concurrency, args.seconds
                        ))
                    else:
                        results[concurrency].append(
                            await run_http(server.url, cookies, action_id, concurrency, args.requests // 4)
                        )
            # The same data directory (already migrated, the session and action in its store)
            # served again, by one process and by two workers.
            for label, serve_args, env, processes, budget in SCALE_OUT:
                with running_server({"LOWCRAFT_DATA_DIR": data, **PRIVATE, **env}, args=serve_args) as server:
                    figures, peak = await scale_out(label, server, args, database, cookies, action_id)
                bound = processes * min(DATASOURCE_POOL_SIZE, budget)
                scaled.append((label, figures, peak, bound))
        if use_wrk:
            with bare_server(args.host, database) as bare:
                for concurrency in CONCURRENCIES:
                    run_wrk("warm-up", bare, "-", "-", concurrency, seconds=1)
                    results[concurrency].append(run_wrk("bare ASGI (wrk)", bare, "-", "-", concurrency, args.seconds))
        for concurrency in CONCURRENCIES:
            print(directs[concurrency].line())
            for other in results[concurrency]:
                print(_compare(other, directs[concurrency]))
        print(f"scaling out: HTTP API at c={SCALE_CONCURRENCY}, datasource pool size {DATASOURCE_POOL_SIZE}, "
              f"LOWCRAFT_DATASOURCE_CONNECTIONS {DEFAULT_CONNECTION_BUDGET} unless said")
        for label, figures, peak, bound in scaled:
            print(f"{figures.line()}   PostgreSQL connections to the datasource: peak {peak} "
                  f"(bound: processes x min(pool size, budget) = {bound})")
        api_1, api_16 = results[1][-2 if use_wrk else -1], results[16][-2 if use_wrk else -1]
        print(f"target: p50 overhead at c=1 under 2 ms: {api_1.p50 - directs[1].p50:+.3f} ms")
        print(f"target: API throughput at c=16 at least 50% of direct: "
              f"{api_16.throughput / directs[16].throughput:.0%}"
              + (f" (bare uvicorn+psycopg reaches {results[16][-1].throughput / directs[16].throughput:.0%})"
                 if use_wrk else ""))
    finally:
        if not args.database:
            drop_database(args.host, database)


if __name__ == "__main__":
    asyncio.run(main())
