"""NATS: publish a message to a subject, or send a request and return the reply (nats-py).

A publish is flushed before the action succeeds (the server has the message); a request waits for
the first reply within the action's time limit. nats-py is handed the address the network guard
checked, and reconnection is off, so it never follows the cluster addresses a server announces
(which the guard has not checked). One connection per execution.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any, Literal

import nats
import nats.errors as nats_errors
from nats.aio.client import Client
from pydantic import BaseModel, Field

from lowcraft.connectors.base import (
    Connection,
    Connector,
    ConnectorSamples,
    ExecutionResult,
    Limits,
    TestResult,
    url_host,
)
from lowcraft.connectors.errors import (
    AuthFailed,
    BadParameters,
    ConnectionFailed,
    ConnectorError,
    QueryFailed,
    Timeout,
)
from lowcraft.connectors.messages import Encoding, message_body, message_headers, reply_body
from lowcraft.connectors.schema import Binds, Secret


class NatsConfig(BaseModel):
    """Where the server is and how to sign in (user and password, or a token, or neither)."""

    host: str = "127.0.0.1"
    port: int = Field(default=4222, ge=1, le=65535)
    user: str = ""
    password: Annotated[str, Secret()] = ""
    token: Annotated[str, Secret()] = ""
    connect_timeout_seconds: float = Field(default=5, gt=0, le=60)


class NatsQuery(BaseModel):
    """One message to a subject; `request` waits for a reply."""

    operation: Literal["publish", "request"] = "publish"
    subject: Annotated[str, Binds("text")] = ""
    message: Annotated[str, Binds("json")] = Field(default="", description='JSON: {"orderId": {{Table1.selectedRow.id}}}')
    encoding: Encoding = "json"
    headers: Annotated[str, Binds("json")] = ""


def _valid_subject(subject: str) -> str:
    if not subject or any(c.isspace() for c in subject) or "*" in subject or ">" in subject:
        raise BadParameters(
            f"{subject!r} is not a subject a message can be sent to.",
            "Use dot-separated words without spaces or wildcards (orders.created).",
        )
    return subject


class NatsConnector(Connector[NatsConfig, NatsQuery]):
    """Publishes to NATS subjects and makes requests."""

    type_name = "nats"
    display_name = "NATS"
    connection_schema = NatsConfig
    query_schema = NatsQuery
    samples = ConnectorSamples(
        connection={"host": "127.0.0.1", "port": 4222},
        unreachable={"host": "127.0.0.1", "port": 9, "connect_timeout_seconds": 2},
        query={"subject": "lowcraft.samples", "message": '{"text": {{Input1.text}}}'},
        params={"Input1.text": "hello"},
        at=lambda host, port: {"host": host, "port": port, "connect_timeout_seconds": 2},
    )

    @contextmanager
    def map_errors(self) -> Iterator[None]:
        try:
            yield
        except ConnectorError:
            raise
        except nats_errors.NoRespondersError:
            raise QueryFailed("No one is listening on this subject to answer the request.") from None
        except (TimeoutError, nats_errors.TimeoutError):
            raise Timeout("NATS did not answer within the time limit.") from None
        except nats_errors.AuthorizationError as exc:
            raise AuthFailed(f"NATS refused the sign-in: {exc}") from None
        except nats_errors.NoServersError:
            raise ConnectionFailed("Could not reach the NATS server.") from None
        except nats_errors.Error as exc:
            text = str(exc)
            if "authorization" in text.lower():
                raise AuthFailed(f"NATS refused the sign-in: {text}") from None
            raise QueryFailed(f"NATS refused the message: {text}") from None
        except OSError as exc:
            raise ConnectionFailed(f"Could not reach the NATS server: {exc}") from None

    async def _connect(self, conn: Connection[NatsConfig]) -> Client:
        config = conn.config
        address = await conn.address(config.host, config.port)
        failures: list[BaseException] = []

        async def error_cb(exc: Exception) -> None:
            failures.append(exc)

        try:
            # One try at the one checked address (nats-py waits forever with max_reconnect_attempts=0).
            async with asyncio.timeout(config.connect_timeout_seconds + 1):
                return await nats.connect(
                    servers=[f"nats://{url_host(address)}:{config.port}"],
                    user=config.user or None,
                    password=config.password or None,
                    token=config.token or None,
                    connect_timeout=config.connect_timeout_seconds,
                    allow_reconnect=False,
                    max_reconnect_attempts=1,
                    name="lowcraft",
                    error_cb=error_cb,
                )
        except nats_errors.NoServersError:
            # nats-py reports every failure as "no servers"; the callback saw the reason.
            for failure in failures:
                if isinstance(failure, (nats_errors.AuthorizationError, OSError)) or "uthorization" in str(failure):
                    raise failure from None
            raise

    async def test(self, conn: Connection[NatsConfig]) -> TestResult:
        try:
            with self.map_errors():
                client = await self._connect(conn)
                info = client._server_info  # the INFO the server sent on connecting
                await client.close()
        except ConnectorError as exc:
            return TestResult(False, exc.message, exc.code, exc.hint)
        return TestResult(True, f"Connected to NATS {info.get('version', '')} ({info.get('server_name', 'server')}).")

    async def execute(
        self, conn: Connection[NatsConfig], query: NatsQuery, params: Sequence[Any] | None, limits: Limits
    ) -> ExecutionResult:
        subject = _valid_subject(query.subject.strip())
        body, content_type = message_body(query.message, query.encoding)
        headers = {"Content-Type": content_type, **message_headers(query.headers)}
        with self.map_errors():
            client = await self._connect(conn)
            try:
                if query.operation == "request":
                    reply = await client.request(subject, body, timeout=limits.timeout_seconds, headers=headers)
                    if len(reply.data) > limits.max_response_bytes:
                        raise QueryFailed("The reply is larger than this instance allows.")
                    result: dict[str, Any] = {"reply": reply_body(reply.data), "headers": dict(reply.headers or {})}
                else:
                    await client.publish(subject, body, headers=headers)
                    await client.flush(timeout=max(1, int(limits.timeout_seconds)))
                    result = {"published": True, "subject": subject, "bytes": len(body)}
            finally:
                await client.close()
        return ExecutionResult(
            body=result, request={"operation": query.operation, "subject": subject, "headers": headers}
        )
