"""A bare ASGI app that runs bench/execute.py's query with a psycopg pool: no Lowcraft at all.

Served by uvicorn exactly as `lowcraft serve` is (one process, uvloop, httptools), it shows what
any Python server on one process gets for "HTTP request in, one PostgreSQL query, JSON out" on
this machine: the ceiling for Lowcraft's execute endpoint.

    BENCH_DATABASE=... uvicorn --app-dir bench/support bare_asgi:app
"""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import psycopg_pool

SQL = "select id, customer, total, status from bench_orders where id = %s"
Message = MutableMapping[str, Any]

_pool: psycopg_pool.AsyncConnectionPool[Any] | None = None


async def _lifespan(receive: Callable[[], Awaitable[Message]], send: Callable[[Message], Awaitable[None]]) -> None:
    global _pool
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            _pool = psycopg_pool.AsyncConnectionPool(
                kwargs={"host": os.environ.get("BENCH_HOST", "127.0.0.1"), "user": "postgres",
                        "dbname": os.environ["BENCH_DATABASE"], "autocommit": True},
                min_size=16, max_size=16, open=False,
            )
            await _pool.open(wait=True)
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            if _pool is not None:
                await _pool.close()
            await send({"type": "lifespan.shutdown.complete"})
            return


async def app(scope: Message, receive: Callable[[], Awaitable[Message]], send: Callable[[Message], Awaitable[None]]) -> None:
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    key = json.loads(body)["params"]["id"]
    assert _pool is not None
    async with _pool.connection() as conn:
        cur = await conn.execute(SQL, [key])
        names = [d.name for d in cur.description or []]
        rows = [dict(zip(names, (float(v) if k == "total" else v for k, v in zip(names, row))))
                for row in await cur.fetchall()]
    payload = json.dumps({"isExecutionSuccess": True, "body": rows}).encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})
