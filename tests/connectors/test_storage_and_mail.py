"""Redis (the machine's server), S3 (moto's server) and SMTP (aiosmtpd) through `execute_action`."""

from __future__ import annotations

import base64
import tracemalloc
from typing import Any

import httpx
import pytest

from lowcraft.actions import execute_action
from lowcraft.connectors import InstancePolicy, Limits, PoolManager

pytestmark = pytest.mark.anyio


async def test_redis_commands_keep_each_binding_in_one_argument(
    redis_server: dict[str, Any], pools: PoolManager, policy: InstancePolicy
) -> None:
    async def run(command: str, params: dict[str, Any]) -> dict[str, Any]:
        return await execute_action(
            "redis", redis_server, {"command": command}, params, datasource_id="r", pools=pools, policy=policy
        )

    stored = await run("SET lowcraft:test:{{key}} {{value}}", {"key": "k1", "value": "two words; FLUSHALL"})
    assert stored["isExecutionSuccess"], stored
    assert stored["request"]["command"] == ["SET", "lowcraft:test:k1", "two words; FLUSHALL"]
    read = await run("GET lowcraft:test:{{key}}", {"key": "k1"})
    assert read["body"] == "two words; FLUSHALL"
    await run("DEL lowcraft:test:k1", {})


async def test_redis_errors_are_readable(redis_server: dict[str, Any], pools: PoolManager, policy: InstancePolicy) -> None:
    unknown = await execute_action("redis", redis_server, {"command": "NOSUCHCOMMAND x"}, {}, pools=pools, policy=policy)
    assert (
        unknown["error"]["code"] == "query_failed"
        and "unknown command" in unknown["error"]["message"].lower()
    )
    refused = await execute_action(
        "redis", {**redis_server, "username": "nobody", "password": "pw-xyz"}, {"command": "PING"}, {}, policy=policy
    )
    assert refused["error"]["code"] == "auth_failed"
    assert "pw-xyz" not in repr(refused)


@pytest.fixture
def redis_run(redis_server: dict[str, Any], pools: PoolManager, policy: InstancePolicy) -> Any:
    """Runs one command on a pooled Redis datasource, within `limits` if given."""

    async def run(command: str, limits: Limits | None = None) -> dict[str, Any]:
        return await execute_action(
            "redis",
            redis_server,
            {"command": command},
            {},
            limits or Limits(),
            datasource_id="r-cap",
            pools=pools, policy=policy
        )

    return run


async def test_redis_replies_over_the_size_cap_are_refused_without_being_read(redis_run: Any) -> None:
    # 64 MB made on the server itself (SETRANGE pads with NUL bytes), so the test never holds it.
    assert (await redis_run("SETRANGE lowcraft:test:huge 67108863 x"))["isExecutionSuccess"]
    try:
        tracemalloc.start()
        refused = await redis_run("GET lowcraft:test:huge", Limits(max_response_bytes=1024 * 1024))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert refused["error"]["code"] == "response_too_large", refused
        assert "1 MB" in refused["error"]["message"]
        assert peak < 16 * 1024 * 1024, f"{peak} bytes were held while refusing a 64 MB reply"
        # The rest of the refused reply went with its connection: the pool answers the next command.
        assert (await redis_run("STRLEN lowcraft:test:huge"))["body"] == 64 * 1024 * 1024
        assert (await redis_run("ECHO still-in-step"))["body"] == "still-in-step"
    finally:
        await redis_run("DEL lowcraft:test:huge")


FILL_LIST = (
    "EVAL \"for i = 1, 2000 do redis.call('rpush', KEYS[1], string.rep('x', 1000)) end\" 1 lowcraft:test:list"
)
FILL_HASH = "EVAL \"for i = 1, 2000 do redis.call('hset', KEYS[1], i, string.rep('y', 1000)) end\" 1 lowcraft:test:hash"


async def test_redis_collections_over_the_size_cap_are_refused(redis_run: Any) -> None:
    assert (await redis_run(FILL_LIST))["isExecutionSuccess"]
    assert (await redis_run(FILL_HASH))["isExecutionSuccess"]
    try:
        small = Limits(max_response_bytes=512 * 1024)
        for command in (
            "LRANGE lowcraft:test:list 0 -1",
            "HGETALL lowcraft:test:hash",
            "HVALS lowcraft:test:hash",
        ):
            refused = await redis_run(command, small)
            assert refused["error"]["code"] == "response_too_large", (command, refused)
        within = await redis_run("LRANGE lowcraft:test:list 0 99", small)
        assert within["rowCount"] == 100 and within["body"][0] == "x" * 1000
        assert len((await redis_run("HGETALL lowcraft:test:hash"))["body"]) == 2000
    finally:
        await redis_run("DEL lowcraft:test:list lowcraft:test:hash")


async def test_redis_binary_values_are_a_readable_error(redis_run: Any) -> None:
    await redis_run(
        "EVAL \"return redis.call('set', KEYS[1], string.char(255, 254))\" 1 lowcraft:test:binary"
    )
    try:
        result = await redis_run("GET lowcraft:test:binary")
        assert result["error"]["code"] == "query_failed" and "UTF-8" in result["error"]["message"]
    finally:
        await redis_run("DEL lowcraft:test:binary")


async def test_s3_upload_list_read_presign_and_delete(
    s3_server: dict[str, Any], policy: InstancePolicy, pools: PoolManager
) -> None:
    async def run(query: dict[str, Any], params: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
        return await execute_action(
            "s3",
            s3_server,
            {"bucket": "samples", **query},
            params or {},
            policy=policy,
            pools=pools,
            datasource_id="s3",
            **kw,
        )

    uploaded = await run(
        {
            "operation": "upload",
            "key": "reports/{{name}}.txt",
            "content": "{{text}}",
            "content_type": "text/plain",
        },
        {"name": "q1", "text": "hello"},
    )
    assert uploaded["isExecutionSuccess"], uploaded
    binary = await run(
        {
            "operation": "upload",
            "key": "bin.dat",
            "content": base64.b64encode(b"\x00\xff").decode(),
            "encoding": "base64",
        }
    )
    assert binary["body"]["size"] == 2
    listed = await run({"operation": "list", "prefix": "reports/"})
    assert [o["key"] for o in listed["body"]] == ["reports/q1.txt"]
    read = await run({"operation": "read", "key": "reports/q1.txt"})
    assert read["body"]["content"] == "hello" and read["body"]["encoding"] == "text"
    read_binary = await run({"operation": "read", "key": "bin.dat"})
    assert read_binary["body"]["encoding"] == "base64"
    presigned = await run({"operation": "presign_read", "key": "reports/q1.txt", "expires_seconds": 60})
    async with httpx.AsyncClient() as client:
        assert (await client.get(presigned["body"]["url"])).text == "hello"
    too_big = await run({"operation": "read", "key": "reports/q1.txt"}, limits=Limits(max_response_bytes=3))
    assert too_big["error"]["code"] == "response_too_large"
    deleted = await run({"operation": "delete", "key": "reports/q1.txt"})
    assert deleted["body"]["deleted"] is True
    missing = await run({"operation": "read", "key": "reports/q1.txt"})
    assert missing["error"]["code"] == "query_failed" and "NoSuchKey" in missing["error"]["message"]
    assert "test-secret" not in repr(missing)


async def test_s3_endpoints_obey_the_address_policy(s3_server: dict[str, Any], policy: InstancePolicy) -> None:
    result = await execute_action(
        "s3", {**s3_server, "endpoint_url": "http://169.254.169.254"}, {"bucket": "b"}, {}, policy=policy
    )
    assert result["error"]["code"] == "forbidden_address"


async def test_smtp_sends_mail_with_attachments(smtp_server: Any, policy: InstancePolicy) -> None:
    config, box = smtp_server
    before = len(box.messages)
    query = {
        "to": "{{to}}",
        "cc": "boss@example.com",
        "bcc": "audit@example.com",
        "subject": "Order {{id}}",
        "body": "<b>Order {{id}} shipped</b>",
        "body_type": "html",
        "attachments": [
            {
                "filename": "order.csv",
                "content": base64.b64encode(b"id\n42\n").decode(),
                "content_type": "text/csv",
            }
        ],
    }
    result = await execute_action("smtp", config, query, {"to": "ops@example.com", "id": 42}, policy=policy)
    assert result["isExecutionSuccess"], result
    assert sorted(result["body"]["accepted"]) == ["audit@example.com", "boss@example.com", "ops@example.com"]
    message = box.messages[before]
    assert message["Subject"] == "Order 42" and "Bcc" not in message
    attachments = [part.get_filename() for part in message.walk() if part.get_filename()]
    assert attachments == ["order.csv"]


async def test_smtp_refuses_header_injection(smtp_server: Any, policy: InstancePolicy) -> None:
    config, box = smtp_server
    before = len(box.messages)
    result = await execute_action(
        "smtp",
        config,
        {"to": "ops@example.com", "subject": "Hi {{s}}"},
        {"s": "x\r\nBcc: attacker@example.com"}, policy=policy
    )
    assert result["error"]["code"] == "bad_parameters"
    assert len(box.messages) == before
