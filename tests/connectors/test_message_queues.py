"""RabbitMQ and NATS publishing against the machine's servers (issue 17).

A message is a JSON document whose bindings are values; the broker confirms what it took, and what
it cannot deliver or refuses is reported. Bad input fails before anything is published.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import AsyncIterator
from typing import Any

import aio_pika
import nats
import pytest

from lowcraft.actions import execute_action
from lowcraft.connectors import InstancePolicy, Limits
from lowcraft.datasources.checks import check_datasource
from tests.servers import require

pytestmark = pytest.mark.anyio

RABBIT = {"host": "127.0.0.1", "port": 5672, "user": "guest", "password": "guest"}
NATS = {"host": "127.0.0.1", "port": 4222}


@pytest.fixture
async def queue() -> AsyncIterator[aio_pika.abc.AbstractQueue]:
    """An exclusive RabbitMQ queue the test reads what was published from."""
    require("RabbitMQ", "127.0.0.1", 5672)
    connection = await aio_pika.connect("amqp://guest:guest@127.0.0.1:5672/")
    channel = await connection.channel()
    declared = await channel.declare_queue(f"lowcraft-test-{secrets.token_hex(4)}", exclusive=True)
    yield declared
    await connection.close()


async def next_message(queue: aio_pika.abc.AbstractQueue) -> aio_pika.abc.AbstractIncomingMessage | None:
    return await queue.get(no_ack=True, fail=False)


async def publish(query: dict[str, Any], params: dict[str, Any], policy: InstancePolicy, config: dict[str, Any] = RABBIT) -> Any:
    return await execute_action("rabbitmq", config, query, params, Limits(timeout_seconds=10), policy=policy)


async def test_rabbitmq_publishes_a_confirmed_json_message_whose_bindings_stay_values(
    queue: aio_pika.abc.AbstractQueue, policy: InstancePolicy
) -> None:
    sneaky = '", "admin": true, "x": "'
    result = await publish(
        {"routing_key": queue.name, "message": '{"orderId": {{id}}, "note": {{Input1.text}}, "lines": {{lines}}}',
         "headers": '{"source": {{source}}}'},
        {"id": 42, "Input1.text": sneaky, "lines": [{"sku": "A-1"}], "source": "orders-app"},
        policy,
    )
    assert result["isExecutionSuccess"], result
    assert result["body"]["published"] is True
    message = await next_message(queue)
    assert message is not None
    assert json.loads(message.body) == {"orderId": 42, "note": sneaky, "lines": [{"sku": "A-1"}]}
    assert message.content_type == "application/json"
    assert message.headers == {"source": "orders-app"}
    assert message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT


async def test_rabbitmq_sends_text_as_text(queue: aio_pika.abc.AbstractQueue, policy: InstancePolicy) -> None:
    result = await publish({"routing_key": queue.name, "message": '"Order {{id}} shipped"', "encoding": "text"}, {"id": 7}, policy)
    assert result["isExecutionSuccess"], result
    message = await next_message(queue)
    assert message is not None and message.body == b"Order 7 shipped"


@pytest.mark.parametrize(
    ("query", "code", "words"),
    [
        ({"routing_key": "no-queue-has-this-name"}, "query_failed", "No queue"),
        ({"exchange": "no-such-exchange", "routing_key": "x"}, "query_failed", "no such exchange"),
        ({"message": '{"blob": {{big}}}'}, "bad_parameters", "at most"),
        ({"message": "{{n}}", "encoding": "text"}, "bad_parameters", "one JSON string"),
    ],
)
async def test_rabbitmq_reports_what_it_could_not_publish(
    queue: aio_pika.abc.AbstractQueue, policy: InstancePolicy, query: dict[str, Any], code: str, words: str
) -> None:
    params = {"big": "x" * (1024 * 1024 + 1)} if "big" in query.get("message", "") else {}
    if "{{n}}" in query.get("message", ""):
        params = {"n": 5}
    result = await publish({"routing_key": queue.name, "message": '{"a": 1}', **query}, params, policy)
    assert result["isExecutionSuccess"] is False
    assert result["error"]["code"] == code, result
    assert words in result["error"]["message"], result
    assert await next_message(queue) is None


async def test_rabbitmq_reports_a_wrong_password(policy: InstancePolicy) -> None:
    require("RabbitMQ", "127.0.0.1", 5672)
    tested = await check_datasource("rabbitmq", {**RABBIT, "password": "not-guest"}, policy=policy)
    assert tested["ok"] is False and tested["code"] == "auth_failed", tested
    assert "not-guest" not in json.dumps(tested)
    good = await check_datasource("rabbitmq", RABBIT, policy=policy)
    assert good["ok"] and "RabbitMQ" in good["message"], good


@pytest.fixture
async def nats_client() -> AsyncIterator[Any]:
    require("NATS", "127.0.0.1", 4222)
    client = await nats.connect("nats://127.0.0.1:4222")
    yield client
    await client.close()


async def test_nats_publishes_with_headers(nats_client: Any, policy: InstancePolicy) -> None:
    subject = f"lowcraft.test.{secrets.token_hex(4)}"
    received: asyncio.Queue[Any] = asyncio.Queue()
    await nats_client.subscribe(subject, cb=received.put)
    await nats_client.flush()
    result = await execute_action(
        "nats", NATS, {"subject": "{{subject}}", "message": '{"orderId": {{id}}}', "headers": '{"trace": "t-1"}'},
        {"subject": subject, "id": 9}, policy=policy,
    )
    assert result["isExecutionSuccess"], result
    message = await asyncio.wait_for(received.get(), 5)
    assert json.loads(message.data) == {"orderId": 9}
    assert message.headers["Content-Type"] == "application/json" and message.headers["trace"] == "t-1"


async def test_nats_request_returns_the_reply(nats_client: Any, policy: InstancePolicy) -> None:
    subject = f"lowcraft.test.{secrets.token_hex(4)}"

    async def answer(message: Any) -> None:
        asked = json.loads(message.data)
        await message.respond(json.dumps({"price": asked["qty"] * 2.5}).encode())

    await nats_client.subscribe(subject, cb=answer)
    await nats_client.flush()
    result = await execute_action(
        "nats", NATS, {"operation": "request", "subject": subject, "message": '{"qty": {{qty}}}'}, {"qty": 4}, policy=policy
    )
    assert result["body"]["reply"] == {"price": 10.0}, result

    nobody = await execute_action(
        "nats", NATS, {"operation": "request", "subject": subject + ".nobody", "message": "{}"}, {}, policy=policy
    )
    assert nobody["error"]["code"] == "query_failed" and "No one is listening" in nobody["error"]["message"], nobody


@pytest.mark.parametrize("subject", ["orders.*", "orders.>", "two words", ""])
async def test_nats_refuses_subjects_a_message_cannot_go_to(subject: str, policy: InstancePolicy) -> None:
    result = await execute_action("nats", NATS, {"subject": subject, "message": "{}"}, {}, policy=policy)
    assert result["error"]["code"] == "bad_parameters", result
