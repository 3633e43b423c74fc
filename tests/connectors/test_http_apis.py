"""REST and GraphQL against a real HTTP server on 127.0.0.1 (tests/connectors/servers.py)."""

from __future__ import annotations

from typing import Any

import pytest

from lowcraft.actions import execute_action
from lowcraft.connectors import InstancePolicy, Limits
from tests.connectors.servers import OAUTH_CLIENT, OAUTH_TOKEN

pytestmark = pytest.mark.anyio

FIVE_SECONDS = Limits(timeout_seconds=5)


async def rest(
    base_url: str,
    query: dict[str, Any],
    params: dict[str, Any] | None = None,
    *,
    policy: InstancePolicy,
    auth: dict[str, Any] | None = None,
    limits: Limits = FIVE_SECONDS,
) -> dict[str, Any]:
    config = {"base_url": base_url, "auth": auth or {"type": "none"}}
    return await execute_action("rest", config, query, params or {}, limits, policy=policy)


async def test_values_are_url_encoded_in_paths_and_query_strings(
    http_server: str, policy: InstancePolicy
) -> None:
    result = await rest(
        http_server,
        {
            "path": "/echo/{{Table1.selectedRow.name}}",
            "query_params": [{"key": "q", "value": "{{Input1.text}}"}],
        },
        {"Table1.selectedRow.name": "a/b c?d", "Input1.text": "x&admin=1"},
        policy=policy,
    )
    assert result["isExecutionSuccess"], result
    assert result["request"]["url"].startswith(f"{http_server}/echo/a%2Fb%20c%3Fd?")
    assert result["body"]["query"] == [["q", "x&admin=1"]]
    assert result["statusCode"] == 200 and result["headers"]["content-type"] == "application/json"


async def test_values_are_json_encoded_inside_json_bodies(http_server: str, policy: InstancePolicy) -> None:
    body = '{"name": "{{Input1.text}}", "qty": {{Input2.value}}, "tags": {{Select1.values}}}'
    result = await rest(
        http_server,
        {"method": "POST", "path": "/echo", "body_type": "json", "json_body": body},
        {"Input1.text": 'say "hi"\n', "Input2.value": 3, "Select1.values": ["a", "b"]},
        policy=policy,
    )
    assert result["isExecutionSuccess"], result
    assert result["request"]["body"] == {"name": 'say "hi"\n', "qty": 3, "tags": ["a", "b"]}
    assert '"qty":3' in result["body"]["body"].replace(" ", "")


async def test_form_multipart_and_raw_bodies(http_server: str, policy: InstancePolicy) -> None:
    form = await rest(
        http_server,
        {"method": "POST", "path": "/echo", "body_type": "form", "form": [{"key": "a", "value": "{{x}}"}]},
        {"x": "1&2"},
        policy=policy,
    )
    assert form["body"]["body"] == "a=1%262"
    multipart = await rest(
        http_server,
        {
            "method": "POST",
            "path": "/echo",
            "body_type": "multipart",
            "multipart": [
                {"key": "note", "value": "hi"},
                {"key": "file", "value": "aGVsbG8=", "filename": "h.txt", "encoding": "base64"},
            ],
        },
        policy=policy,
    )
    assert 'filename="h.txt"' in multipart["body"]["body"] and "hello" in multipart["body"]["body"]
    raw = await rest(
        http_server,
        {
            "method": "PUT",
            "path": "/echo",
            "body_type": "raw",
            "raw_body": "<x>{{v}}</x>",
            "content_type": "text/xml",
        },
        {"v": "1"},
        policy=policy,
    )
    assert raw["body"]["body"] == "<x>1</x>" and raw["body"]["headers"]["content-type"] == "text/xml"


@pytest.mark.parametrize(
    ("auth", "header"),
    [
        ({"type": "basic", "username": "ann", "password": "pa55word"}, "authorization"),
        ({"type": "bearer", "token": "tok-abcdef"}, "authorization"),
        ({"type": "api_key", "api_key_name": "X-Key", "api_key_value": "key-123456"}, "x-key"),
    ],
)
async def test_auth_is_sent_and_redacted_in_the_request_shown(
    http_server: str, policy: InstancePolicy, auth: dict[str, Any], header: str
) -> None:
    result = await rest(http_server, {"path": "/echo"}, policy=policy, auth=auth)
    assert header in result["body"]["headers"]
    assert result["request"]["headers"][header if header != "authorization" else "authorization"] == "****"
    for secret in ("pa55word", "tok-abcdef", "key-123456"):
        assert secret not in repr(result["request"])


async def test_api_key_in_the_query_string_is_redacted(http_server: str, policy: InstancePolicy) -> None:
    auth = {"type": "api_key", "api_key_name": "key", "api_key_value": "qs-secret-1", "api_key_in": "query"}
    result = await rest(http_server, {"path": "/echo"}, policy=policy, auth=auth)
    # The server got the key; echoed back, it is redacted like every appearance of a secret.
    assert result["body"]["query"] == [["key", "****"]]
    assert "qs-secret-1" not in result["request"]["url"]
    assert "qs-secret-1" not in repr(result["request"])


async def test_oauth2_client_credentials(http_server: str, policy: InstancePolicy) -> None:
    auth = {
        "type": "oauth2_client_credentials",
        "token_url": f"{http_server}/oauth/token",
        "client_id": OAUTH_CLIENT[0],
        "client_secret": OAUTH_CLIENT[1],
    }
    result = await rest(http_server, {"path": "/protected"}, policy=policy, auth=auth)
    assert result["isExecutionSuccess"], result
    assert result["body"] == {"secret": "data"}
    assert OAUTH_TOKEN not in repr(result["request"])
    refused = await rest(
        http_server, {"path": "/protected"}, policy=policy, auth={**auth, "client_secret": "nope"}
    )
    assert refused["error"]["code"] == "auth_failed"


async def test_error_statuses_fail_with_the_servers_message(http_server: str, policy: InstancePolicy) -> None:
    result = await rest(http_server, {"path": "/status/422"}, policy=policy)
    assert result["isExecutionSuccess"] is False
    assert result["statusCode"] == 422 and result["body"] == {"message": "status 422 as asked"}
    assert result["error"]["code"] == "query_failed" and "status 422 as asked" in result["error"]["message"]


async def test_redirects_are_followed(http_server: str, policy: InstancePolicy) -> None:
    result = await rest(
        http_server, {"path": "/redirect", "query_params": [{"key": "to", "value": "/echo"}]}, policy=policy
    )
    assert result["body"]["path"] == "/echo"


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/",
        "http://[::ffff:169.254.169.254]/",
    ],
)
async def test_metadata_addresses_are_refused_directly_and_through_redirects(
    http_server: str, target: str
) -> None:
    everything = InstancePolicy(allow_private_networks=True, allow_loopback=True)
    direct = await rest(target, {}, policy=everything)
    assert direct["error"]["code"] == "forbidden_address"
    redirected = await rest(
        http_server,
        {"path": "/redirect", "query_params": [{"key": "to", "value": target}]},
        policy=everything,
    )
    assert redirected["error"]["code"] == "forbidden_address"


async def test_private_and_loopback_addresses_need_the_instance_setting(http_server: str) -> None:
    production = InstancePolicy()
    by_name = await rest(http_server.replace("127.0.0.1", "localhost"), {"path": "/echo"}, policy=production)
    assert by_name["error"]["code"] == "forbidden_address"
    private = await rest("http://10.1.2.3/", {}, policy=production)
    assert private["error"]["code"] == "forbidden_address"
    assert "LOWCRAFT_ALLOW_PRIVATE_NETWORKS" in private["error"]["hint"]


async def test_slow_endpoints_time_out(http_server: str, policy: InstancePolicy) -> None:
    result = await rest(
        http_server,
        {"path": "/slow", "query_params": [{"key": "seconds", "value": "5"}]},
        policy=policy,
        limits=Limits(timeout_seconds=0.5),
    )
    assert result["error"]["code"] == "timeout"
    assert result["durationMs"] < 2000


@pytest.mark.parametrize("path", ["/big?bytes=2000000", "/big-chunked?chunks=40"])
async def test_large_responses_are_cut_off_with_a_clear_error(
    http_server: str, policy: InstancePolicy, path: str
) -> None:
    result = await rest(
        http_server, {"path": path}, policy=policy, limits=Limits(max_response_bytes=1024 * 1024)
    )
    assert result["error"]["code"] == "response_too_large"
    assert "1 MB" in result["error"]["message"]


@pytest.mark.parametrize(
    ("path", "pagination", "expected"),
    [
        ("/pages", {"mode": "page", "items_path": "items"}, ["p1-0", "p1-1", "p2-0", "p2-1", "p3-0", "p3-1"]),
        ("/next", {"mode": "next_url", "items_path": "results", "next_url_path": "links.next"}, [0, 1, 2]),
        (
            "/cursor",
            {"mode": "cursor", "items_path": "data", "cursor_path": "meta.cursor"},
            [{"n": 0}, {"n": 1}, {"n": 2}],
        ),
    ],
)
async def test_pagination_collects_every_page(
    http_server: str, policy: InstancePolicy, path: str, pagination: dict[str, Any], expected: list[Any]
) -> None:
    result = await rest(http_server, {"path": path, "pagination": pagination}, policy=policy)
    assert result["isExecutionSuccess"], result
    assert result["body"] == expected and result["rowCount"] == len(expected)


async def test_pagination_stops_at_max_pages(http_server: str, policy: InstancePolicy) -> None:
    result = await rest(
        http_server,
        {"path": "/pages", "pagination": {"mode": "page", "items_path": "items", "max_pages": 2}},
        policy=policy,
    )
    assert result["body"] == ["p1-0", "p1-1", "p2-0", "p2-1"]


async def test_graphql_sends_variables_and_reports_graphql_errors(
    http_server: str, policy: InstancePolicy
) -> None:
    config = {"base_url": f"{http_server}/graphql", "auth": {"type": "bearer", "token": "gql-token-1"}}
    ok = await execute_action(
        "graphql",
        config,
        {"query": "query($name: String) { hello(name: $name) }", "variables": '{"name": {{n}}}'},
        {"n": 'Bobby"; }'},
        policy=policy,
    )
    assert ok["body"]["data"]["hello"] == 'Hello Bobby"; }'
    assert "gql-token-1" not in repr(ok["request"])
    failed = await execute_action("graphql", config, {"query": "{ boom }"}, {}, policy=policy)
    assert failed["error"]["code"] == "query_failed" and "boom" in failed["error"]["message"]
