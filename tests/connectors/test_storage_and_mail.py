"""Redis (the machine's server), S3 (moto's server) and SMTP (aiosmtpd) through `execute_action`."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from lowcraft.actions import execute_action
from lowcraft.connectors import InstancePolicy, Limits, PoolManager

pytestmark = pytest.mark.anyio


async def test_redis_commands_keep_each_binding_in_one_argument(
    redis_server: dict[str, Any], pools: PoolManager
) -> None:
    async def run(command: str, params: dict[str, Any]) -> dict[str, Any]:
        return await execute_action(
            "redis", redis_server, {"command": command}, params, datasource_id="r", pools=pools
        )

    stored = await run("SET lowcraft:test:{{key}} {{value}}", {"key": "k1", "value": "two words; FLUSHALL"})
    assert stored["isExecutionSuccess"], stored
    assert stored["request"]["command"] == ["SET", "lowcraft:test:k1", "two words; FLUSHALL"]
    read = await run("GET lowcraft:test:{{key}}", {"key": "k1"})
    assert read["body"] == "two words; FLUSHALL"
    await run("DEL lowcraft:test:k1", {})


async def test_redis_errors_are_readable(redis_server: dict[str, Any], pools: PoolManager) -> None:
    unknown = await execute_action("redis", redis_server, {"command": "NOSUCHCOMMAND x"}, {}, pools=pools)
    assert (
        unknown["error"]["code"] == "query_failed"
        and "unknown command" in unknown["error"]["message"].lower()
    )
    refused = await execute_action(
        "redis", {**redis_server, "username": "nobody", "password": "pw-xyz"}, {"command": "PING"}, {}
    )
    assert refused["error"]["code"] == "auth_failed"
    assert "pw-xyz" not in repr(refused)


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


async def test_s3_endpoints_obey_the_address_policy(s3_server: dict[str, Any]) -> None:
    result = await execute_action(
        "s3", {**s3_server, "endpoint_url": "http://169.254.169.254"}, {"bucket": "b"}, {}
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


async def test_smtp_refuses_header_injection(smtp_server: Any) -> None:
    config, box = smtp_server
    before = len(box.messages)
    result = await execute_action(
        "smtp",
        config,
        {"to": "ops@example.com", "subject": "Hi {{s}}"},
        {"s": "x\r\nBcc: attacker@example.com"},
    )
    assert result["error"]["code"] == "bad_parameters"
    assert len(box.messages) == before
