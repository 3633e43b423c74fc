"""S3 (moto's server) and SMTP (aiosmtpd) reach only addresses the instance policy allows.

The check runs on the addresses a host name resolves to, and the socket then goes to the checked
address itself: there is no second lookup that a rebinding name could answer differently.
"""

from __future__ import annotations

import socket
from typing import Any

import pytest

from lowcraft.actions import execute_action
from lowcraft.connectors import InstancePolicy, PoolManager
from lowcraft.datasources.checks import check_datasource

pytestmark = pytest.mark.anyio

PRODUCTION = InstancePolicy()  # neither loopback nor private networks
EVERYTHING = InstancePolicy(allow_private_networks=True, allow_loopback=True)


@pytest.fixture
def rebinding_name(monkeypatch: pytest.MonkeyPatch) -> str:
    """A host name whose first lookup answers 127.0.0.1 and every later one 169.254.169.254.

    This is what a DNS-rebinding attacker's name server does: pass the check, then point the
    connection at the cloud metadata service.
    """
    name = "lowcraft-rebinding-test"  # no dot: moto reads dotted names as virtual-host buckets
    real_getaddrinfo = socket.getaddrinfo
    lookups: list[str] = []

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host != name:
            return real_getaddrinfo(host, *args, **kwargs)
        lookups.append(host)
        return real_getaddrinfo("127.0.0.1" if len(lookups) == 1 else "169.254.169.254", *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return name


def s3_at(s3_server: dict[str, Any], host: str) -> dict[str, Any]:
    return {**s3_server, "endpoint_url": s3_server["endpoint_url"].replace("127.0.0.1", host)}


async def test_s3_reaches_an_endpoint_named_by_host_name(
    s3_server: dict[str, Any], policy: InstancePolicy, pools: PoolManager
) -> None:
    config = s3_at(s3_server, "localhost")
    uploaded = await execute_action(
        "s3",
        config,
        {"bucket": "samples", "operation": "upload", "key": "by-name.txt", "content": "{{text}}"},
        {"text": "via localhost"},
        policy=policy,
        pools=pools,
        datasource_id="s3-by-name",
    )
    assert uploaded["isExecutionSuccess"], uploaded
    read = await execute_action(
        "s3",
        config,
        {"bucket": "samples", "operation": "read", "key": "by-name.txt"},
        {},
        policy=policy,
        pools=pools,
        datasource_id="s3-by-name",
    )
    assert read["body"]["content"] == "via localhost"


@pytest.mark.parametrize(
    ("host", "policy", "refused"),
    [
        ("localhost", PRODUCTION, "loopback"),
        ("169.254.169.254", EVERYTHING, "metadata"),
        ("[::ffff:169.254.169.254]", EVERYTHING, "metadata"),
        ("10.1.2.3", PRODUCTION, "private"),
    ],
)
async def test_s3_refuses_endpoints_the_policy_does_not_allow(
    s3_server: dict[str, Any], host: str, policy: InstancePolicy, refused: str
) -> None:
    config = s3_at(s3_server, host)
    result = await execute_action("s3", config, {"bucket": "samples"}, {}, policy=policy)
    assert result["error"]["code"] == "forbidden_address", result
    assert refused in result["error"]["message"]
    tested = await check_datasource("s3", config, policy=policy)
    assert tested["ok"] is False and tested["code"] == "forbidden_address"


async def test_s3_connects_to_the_checked_address_when_the_name_rebinds(
    s3_server: dict[str, Any], policy: InstancePolicy, rebinding_name: str
) -> None:
    config = s3_at(s3_server, rebinding_name)
    first = await execute_action("s3", config, {"bucket": "samples", "operation": "list"}, {}, policy=policy)
    # Connected to the 127.0.0.1 the check saw, not to a second answer.
    assert first["isExecutionSuccess"], first
    again = await execute_action("s3", config, {"bucket": "samples", "operation": "list"}, {}, policy=policy)
    assert again["error"]["code"] == "forbidden_address"
    assert "169.254.169.254" in again["error"]["message"]


def smtp_to(smtp_server: Any, host: str) -> dict[str, Any]:
    return {**smtp_server[0], "host": host}


MAIL = {"to": "ops@example.com", "subject": "Policy {{n}}", "body": "hello"}


async def test_smtp_reaches_a_mail_server_named_by_host_name(
    smtp_server: Any, policy: InstancePolicy
) -> None:
    box = smtp_server[1]
    before = len(box.messages)
    result = await execute_action("smtp", smtp_to(smtp_server, "localhost"), MAIL, {"n": 1}, policy=policy)
    assert result["isExecutionSuccess"], result
    assert box.messages[before]["Subject"] == "Policy 1"


@pytest.mark.parametrize(
    ("host", "policy", "refused"),
    [
        ("localhost", PRODUCTION, "loopback"),
        ("127.0.0.1", PRODUCTION, "loopback"),
        ("169.254.169.254", EVERYTHING, "metadata"),
        ("192.168.1.20", PRODUCTION, "private"),
    ],
)
async def test_smtp_refuses_mail_servers_the_policy_does_not_allow(
    smtp_server: Any, host: str, policy: InstancePolicy, refused: str
) -> None:
    box = smtp_server[1]
    before = len(box.messages)
    config = smtp_to(smtp_server, host)
    result = await execute_action("smtp", config, MAIL, {"n": 2}, policy=policy)
    assert result["error"]["code"] == "forbidden_address", result
    assert refused in result["error"]["message"]
    tested = await check_datasource("smtp", config, policy=policy)
    assert tested["ok"] is False and tested["code"] == "forbidden_address"
    assert len(box.messages) == before


async def test_smtp_connects_to_the_checked_address_when_the_name_rebinds(
    smtp_server: Any, policy: InstancePolicy, rebinding_name: str
) -> None:
    config = smtp_to(smtp_server, rebinding_name)
    first = await execute_action("smtp", config, MAIL, {"n": 3}, policy=policy)
    assert first["isExecutionSuccess"], first
    again = await execute_action("smtp", config, MAIL, {"n": 4}, policy=policy)
    assert again["error"]["code"] == "forbidden_address"
