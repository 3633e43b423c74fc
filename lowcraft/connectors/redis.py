"""Redis connector: one command per execution, arguments built so a value never splits.

Replies are read by a parser that knows the execution's size cap: RESP announces each value's
length before its bytes, so a reply over the cap is refused before it is read into memory, and
the connection (with the rest of the reply) is dropped.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import shlex
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from typing import Annotated, Any

import anyio
import redis.asyncio as aioredis
import redis.exceptions as redis_errors
from pydantic import BaseModel, Field
from redis._parsers import _AsyncRESP3Parser

from lowcraft.connectors.base import (
    Connection,
    Connector,
    ConnectorSamples,
    ExecutionResult,
    InstancePolicy,
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
from lowcraft.connectors.netguard import resolve_allowed
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


# The reply size cap of the execution running in this task; None (no cap) for everything else.
_reply_cap: ContextVar[int | None] = ContextVar("redis_reply_cap", default=None)


def _too_large(max_bytes: int) -> ResponseTooLarge:
    return ResponseTooLarge(
        f"The reply is larger than the {max_bytes / (1024 * 1024):g} MB this instance allows.",
        "Read less at a time: GETRANGE, LRANGE with bounds, HSCAN/SSCAN/ZSCAN with COUNT.",
    )


class _CappedParser(_AsyncRESP3Parser):
    """RESP3 parsing that counts a reply's payload against the cap while reading it.

    A bulk value is charged before its bytes are read, so one that would pass the cap is never
    read at all; the error makes redis-py close the connection. The count is the values' bytes
    plus one per element, which is no more than the reply's JSON takes, so nothing the final size
    check would accept is refused here.
    """

    _charged = 0

    async def read_response(self, disable_decoding: bool = False, push_request: bool = False) -> Any:
        self._charged = 0  # per reply: the handshake replies of a new connection count on their own
        return await super().read_response(disable_decoding=disable_decoding, push_request=push_request)

    async def _read(self, length: int) -> bytes:
        self._charge(length)
        return await super()._read(length)

    async def _readline(self) -> bytes:
        line: bytes = await super()._readline()
        self._charge(max(len(line) - 1, 1))
        return line

    def _charge(self, size: int) -> None:
        cap = _reply_cap.get()
        if cap is None:
            return
        self._charged += size
        if self._charged > cap:
            raise _too_large(cap)


@functools.cache
def _guarded_connection_class(policy: InstancePolicy, tls: bool) -> type[aioredis.Connection]:
    """redis-py's connection class (plain or TLS) with every socket opened to a checked address.

    Each new connection resolves the name and checks it again; TLS still verifies the name.
    """
    base: type[aioredis.Connection] = aioredis.SSLConnection if tls else aioredis.Connection

    class GuardedConnection(base):  # type: ignore[valid-type, misc]
        _address = ""

        async def _connect(self) -> None:
            self._address = await resolve_allowed(self.host, self.port, policy)
            await super()._connect()

        def _connection_arguments(self) -> Mapping[str, Any]:
            arguments = dict(super()._connection_arguments())
            arguments["host"] = self._address
            if tls:
                arguments["server_hostname"] = self.host
            return arguments

    return GuardedConnection


def _pool_kwargs(config: RedisConfig, policy: InstancePolicy) -> dict[str, Any]:
    return {
        "host": config.host,
        "port": config.port,
        "db": config.db,
        "username": config.username or None,
        "password": config.password or None,
        # Pools pick TLS by connection class rather than by a flag; the policy's file roots do not
        # matter to sockets, so they do not multiply the classes.
        "connection_class": _guarded_connection_class(dataclasses.replace(policy, file_roots=()), config.tls),
        "socket_connect_timeout": config.connect_timeout_seconds,
        "decode_responses": True,
        "protocol": 3,  # what _CappedParser reads
        "parser_class": _CappedParser,
    }


def _single_client(config: RedisConfig, policy: InstancePolicy) -> aioredis.Redis:
    """A client with one connection of its own, closed with the client."""
    return aioredis.Redis.from_pool(aioredis.ConnectionPool(max_connections=1, **_pool_kwargs(config, policy)))


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
        at=lambda host, port: {"host": host, "port": port, "connect_timeout_seconds": 2},
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
            if isinstance(exc.__cause__, ConnectorError):  # the network guard refused the address
                raise exc.__cause__ from None
            raise ConnectionFailed(f"Could not use the Redis connection: {exc}") from None
        except redis_errors.RedisError as exc:
            raise QueryFailed(f"Redis failed: {exc}") from None
        except UnicodeDecodeError:
            raise QueryFailed(
                "Redis returned binary data that is not UTF-8 text.",
                "Store text (or base64) in keys that apps read, or read a text field instead.",
            ) from None

    @asynccontextmanager
    async def _client(self, conn: Connection[RedisConfig]) -> AsyncIterator[aioredis.Redis]:
        key = conn.pool_key
        config = conn.config
        # Checked once up front as well: redis-py retries a refused connection with back-off,
        # which would only delay the same answer.
        if key is None:
            await conn.address(config.host, config.port)
            client = _single_client(config, conn.policy)
            try:
                yield client
            finally:
                await client.aclose()
            return

        async def create(size: int) -> aioredis.BlockingConnectionPool:
            await conn.address(config.host, config.port)
            return aioredis.BlockingConnectionPool(max_connections=size, timeout=None, **_pool_kwargs(config, conn.policy))

        async def close(pool: aioredis.BlockingConnectionPool) -> None:
            await pool.disconnect()

        async with conn.pools.lease(self.type_name, key, config.pool_size, create, close) as pool:
            yield aioredis.Redis(connection_pool=pool)

    async def test(self, conn: Connection[RedisConfig]) -> TestResult:
        try:
            with self.map_errors():
                await conn.address(conn.config.host, conn.config.port)
                client = _single_client(conn.config, conn.policy)
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
            async with self._client(conn) as client:
                cap = _reply_cap.set(limits.max_response_bytes)
                try:
                    with anyio.fail_after(limits.timeout_seconds):
                        reply = await client.execute_command(*args)  # type: ignore[no-untyped-call]
                finally:
                    _reply_cap.reset(cap)
        body = json_safe(reply)
        if len(json.dumps(body)) > limits.max_response_bytes:
            raise _too_large(limits.max_response_bytes)
        return ExecutionResult(
            body=body,
            request={"command": args},
            row_count=len(body) if isinstance(body, list) else None,
        )
