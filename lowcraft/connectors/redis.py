"""Redis connector: one command per execution, arguments built so a value never splits."""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any

import anyio
import redis.asyncio as aioredis
import redis.exceptions as redis_errors
from pydantic import BaseModel, Field

from lowcraft.connectors.base import (
    Connection,
    Connector,
    ConnectorSamples,
    ExecutionResult,
    Limits,
    TestResult,
)
from lowcraft.connectors.errors import (
    AuthFailed,
    BadParameters,
    ConnectionFailed,
    ConnectorError,
    QueryFailed,
    ResponseTooLarge,
    Timeout,
)
from lowcraft.connectors.schema import Binds, Secret
from lowcraft.connectors.sql_results import json_safe


class RedisConfig(BaseModel):
    """Where the server is and how to log in (ACL user name optional)."""

    host: str = "127.0.0.1"
    port: int = Field(default=6379, ge=1, le=65535)
    db: int = Field(default=0, ge=0)
    username: str = ""
    password: Annotated[str, Secret()] = ""
    tls: bool = False
    pool_size: int = Field(default=5, ge=1, le=50)
    connect_timeout_seconds: float = Field(default=5, gt=0, le=60)


class RedisQuery(BaseModel):
    """A command line such as `HGETALL user:{{Table1.selectedRow.id}}`.

    Bindings stay inside their argument: a value with spaces or quotes is still one argument.
    After binding the field holds the argument list.
    """

    command: Annotated[str | list[str], Binds("command")]


def _client_kwargs(config: RedisConfig) -> dict[str, Any]:
    return {
        "host": config.host,
        "port": config.port,
        "db": config.db,
        "username": config.username or None,
        "password": config.password or None,
        "ssl": config.tls,
        "socket_connect_timeout": config.connect_timeout_seconds,
        "decode_responses": True,
    }


class RedisConnector(Connector[RedisConfig, RedisQuery]):
    """Sends single Redis commands over a bounded pool."""

    type_name = "redis"
    display_name = "Redis"
    connection_schema = RedisConfig
    query_schema = RedisQuery
    samples = ConnectorSamples(
        connection={"host": "127.0.0.1", "port": 6379},
        unreachable={"host": "127.0.0.1", "port": 9, "connect_timeout_seconds": 2},
        query={"command": "ECHO {{Input1.text}}"},
        params={"Input1.text": "hello world; FLUSHALL"},
    )

    @contextmanager
    def map_errors(self) -> Iterator[None]:
        try:
            yield
        except ConnectorError:
            raise
        except (redis_errors.AuthenticationError, redis_errors.AuthenticationWrongNumberOfArgsError) as exc:
            raise AuthFailed(f"Redis refused the login: {exc}") from None
        except redis_errors.ResponseError as exc:
            if "NOAUTH" in str(exc) or "WRONGPASS" in str(exc):
                raise AuthFailed(f"Redis refused the login: {exc}") from None
            raise QueryFailed(f"Redis answered: {exc}") from None
        except (redis_errors.TimeoutError, TimeoutError):
            raise Timeout("Redis did not answer within the time limit.") from None
        except redis_errors.ConnectionError as exc:
            raise ConnectionFailed(f"Could not use the Redis connection: {exc}") from None
        except redis_errors.RedisError as exc:
            raise QueryFailed(f"Redis failed: {exc}") from None

    async def _client(self, conn: Connection[RedisConfig]) -> aioredis.Redis:
        key = conn.pool_key
        config = conn.config
        if key is None:
            return aioredis.Redis(**_client_kwargs(config))

        async def create() -> aioredis.BlockingConnectionPool:
            kwargs = _client_kwargs(config)
            # Pools pick TLS by connection class rather than by the client's `ssl` flag.
            if kwargs.pop("ssl"):
                kwargs["connection_class"] = aioredis.SSLConnection
            return aioredis.BlockingConnectionPool(max_connections=config.pool_size, timeout=None, **kwargs)

        async def close(pool: aioredis.BlockingConnectionPool) -> None:
            await pool.disconnect()

        pool = await conn.pools.get(self.type_name, key, create, close)
        return aioredis.Redis(connection_pool=pool)

    async def test(self, conn: Connection[RedisConfig]) -> TestResult:
        try:
            with self.map_errors():
                client = aioredis.Redis(**_client_kwargs(conn.config))
                try:
                    with anyio.fail_after(conn.config.connect_timeout_seconds + 5):
                        info = await client.info("server")
                finally:
                    await client.aclose()
        except ConnectorError as exc:
            return TestResult(False, exc.message, exc.code, exc.hint)
        return TestResult(True, f"Connected to Redis {info.get('redis_version', '?')}.")

    async def execute(
        self, conn: Connection[RedisConfig], query: RedisQuery, params: Sequence[Any] | None, limits: Limits
    ) -> ExecutionResult:
        args = query.command if isinstance(query.command, list) else shlex.split(query.command)
        if not args:
            raise BadParameters("The command is empty.")
        with self.map_errors():
            client = await self._client(conn)
            try:
                with anyio.fail_after(limits.timeout_seconds):
                    reply = await client.execute_command(*args)  # type: ignore[no-untyped-call]
            finally:
                if conn.pool_key is None:
                    await client.aclose()
        body = json_safe(reply)
        size = len(json.dumps(body))
        if size > limits.max_response_bytes:
            raise ResponseTooLarge(
                f"The reply is larger than the {limits.max_response_bytes / (1024 * 1024):g} MB this instance allows."
            )
        return ExecutionResult(
            body=body,
            request={"command": args},
            row_count=len(body) if isinstance(body, list) else None,
        )
