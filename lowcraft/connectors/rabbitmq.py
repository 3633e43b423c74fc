"""RabbitMQ (AMQP 0-9-1): publish a message to an exchange, confirmed by the broker (aio-pika).

The channel runs in publisher-confirm mode and publishes with `mandatory`: the action succeeds only
once the broker has taken the message, and a message no queue would receive is reported, not
dropped silently. aio-pika is handed the address the network guard checked. One connection per
execution (publishing is rarely hot in an internal tool; a pool is a later step). TLS is not
offered yet: AMQP over TLS would check the certificate against the checked IP, not the name.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any

import aio_pika
import aiormq.exceptions as amqp_errors
from pydantic import BaseModel, Field

from lowcraft.connectors.base import (
    Connection,
    Connector,
    ConnectorSamples,
    ExecutionResult,
    Limits,
    TestResult,
)
from lowcraft.connectors.errors import AuthFailed, ConnectionFailed, ConnectorError, QueryFailed, Timeout
from lowcraft.connectors.messages import Encoding, message_body, message_headers
from lowcraft.connectors.schema import Binds, Secret


class RabbitmqConfig(BaseModel):
    """Where the broker is and how to log in."""

    host: str = "127.0.0.1"
    port: int = Field(default=5672, ge=1, le=65535)
    virtual_host: str = "/"
    user: str = "guest"
    password: Annotated[str, Secret()] = ""
    connect_timeout_seconds: float = Field(default=5, gt=0, le=60)


class RabbitmqQuery(BaseModel):
    """One message: where it goes and what it says."""

    exchange: Annotated[str, Binds("text")] = Field(default="", description="Empty: the default exchange (routing key = queue)")
    routing_key: Annotated[str, Binds("text")] = ""
    message: Annotated[str, Binds("json")] = Field(default="", description='JSON: {"orderId": {{Table1.selectedRow.id}}}')
    encoding: Encoding = "json"
    headers: Annotated[str, Binds("json")] = ""
    persistent: bool = True
    require_route: bool = Field(default=True, description="Fail when no queue would receive the message")


class RabbitmqConnector(Connector[RabbitmqConfig, RabbitmqQuery]):
    """Publishes to RabbitMQ (and other AMQP 0-9-1 brokers) with publisher confirms."""

    type_name = "rabbitmq"
    display_name = "RabbitMQ"
    connection_schema = RabbitmqConfig
    query_schema = RabbitmqQuery
    samples = ConnectorSamples(
        connection={"host": "127.0.0.1", "port": 5672, "user": "guest", "password": "guest"},
        unreachable={"host": "127.0.0.1", "port": 9, "user": "guest", "password": "guest", "connect_timeout_seconds": 2},
        query={"exchange": "amq.topic", "routing_key": "lowcraft.samples", "message": '{"text": {{Input1.text}}}',
               "require_route": False},
        params={"Input1.text": "hello"},
        at=lambda host, port: {"host": host, "port": port, "user": "guest", "password": "guest", "connect_timeout_seconds": 2},
    )

    @contextmanager
    def map_errors(self) -> Iterator[None]:
        try:
            yield
        except ConnectorError:
            raise
        except TimeoutError:
            raise Timeout("The broker did not answer within the time limit.") from None
        except amqp_errors.ProbableAuthenticationError as exc:
            raise AuthFailed(f"RabbitMQ refused the login: {_words(exc)}") from None
        except amqp_errors.ConnectionNotAllowed as exc:
            raise AuthFailed(f"RabbitMQ refused the virtual host: {_words(exc)}", "Check the virtual host and the user's permissions on it.") from None
        except amqp_errors.DeliveryError:
            raise QueryFailed(
                "No queue is bound to receive this message, so the broker returned it.",
                "Check the exchange and routing key, or turn off require_route to allow unrouted messages.",
            ) from None
        except amqp_errors.ChannelNotFoundEntity as exc:
            raise QueryFailed(f"RabbitMQ has no such exchange: {_words(exc)}") from None
        except amqp_errors.ChannelAccessRefused as exc:
            raise AuthFailed(f"RabbitMQ refused the user access: {_words(exc)}") from None
        except amqp_errors.AMQPConnectionError as exc:
            raise ConnectionFailed(f"Could not reach RabbitMQ: {_words(exc)}") from None
        except amqp_errors.AMQPError as exc:
            raise QueryFailed(f"RabbitMQ refused the message: {_words(exc)}") from None
        except OSError as exc:
            raise ConnectionFailed(f"Could not reach RabbitMQ: {exc}") from None

    async def _connect(self, conn: Connection[RabbitmqConfig]) -> aio_pika.abc.AbstractConnection:
        config = conn.config
        address = await conn.address(config.host, config.port)
        async with asyncio.timeout(config.connect_timeout_seconds):
            return await aio_pika.connect(
                host=address,
                port=config.port,
                login=config.user,
                password=config.password,
                virtualhost=config.virtual_host,
                timeout=config.connect_timeout_seconds,
                client_properties={"connection_name": "lowcraft"},
            )

    async def test(self, conn: Connection[RabbitmqConfig]) -> TestResult:
        try:
            with self.map_errors():
                amqp = await self._connect(conn)
                try:
                    server = amqp.transport.connection.server_properties if amqp.transport else {}
                finally:
                    await amqp.close()
        except ConnectorError as exc:
            return TestResult(False, exc.message, exc.code, exc.hint)
        product = server.get("product", "AMQP broker")
        version = server.get("version", "")
        name = product.decode() if isinstance(product, bytes) else str(product)
        number = version.decode() if isinstance(version, bytes) else str(version)
        return TestResult(True, f"Connected to {name} {number} as {conn.config.user}.".replace("  ", " "))

    async def execute(
        self, conn: Connection[RabbitmqConfig], query: RabbitmqQuery, params: Sequence[Any] | None, limits: Limits
    ) -> ExecutionResult:
        body, content_type = message_body(query.message, query.encoding)
        headers = message_headers(query.headers)
        message = aio_pika.Message(
            body,
            content_type=content_type,
            headers=dict(headers) or None,
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT if query.persistent else aio_pika.DeliveryMode.NOT_PERSISTENT,
        )
        with self.map_errors():
            async with asyncio.timeout(limits.timeout_seconds):
                amqp = await self._connect(conn)
                try:
                    channel = await amqp.channel(publisher_confirms=True, on_return_raises=query.require_route)
                    exchange = (
                        channel.default_exchange
                        if not query.exchange
                        else await channel.get_exchange(query.exchange, ensure=True)
                    )
                    await exchange.publish(message, routing_key=query.routing_key, mandatory=query.require_route)
                finally:
                    await amqp.close()
        return ExecutionResult(
            body={"published": True, "exchange": query.exchange, "routingKey": query.routing_key, "bytes": len(body)},
            request={"exchange": query.exchange, "routingKey": query.routing_key, "headers": headers,
                     "contentType": content_type},
        )


def _words(exc: BaseException) -> str:
    text = " ".join(str(a) for a in exc.args if a) or type(exc).__name__
    return " ".join(text.split())
