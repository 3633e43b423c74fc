"""An S3 datasource acts with its own keys or anonymously, never as the server running Lowcraft.

The server may hold AWS credentials of its own: AWS_* variables, ~/.aws files (or the files
AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE name) and an instance or container role. The requests
are checked as they leave: they pass through a recording proxy on their way to moto's S3 server,
which itself accepts any key and so could not tell.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import boto3
import httpx
import pytest

from lowcraft.actions import execute_action
from lowcraft.connectors import InstancePolicy
from lowcraft.datasources.checks import check_datasource
from lowcraft.datasources.errors import InvalidConfig
from lowcraft.datasources.service import validate_config

pytestmark = pytest.mark.anyio

OBJECT_KEY = "credentials/public.txt"
PRIVATE_KEY = "private/credentials.txt"
DATASOURCE_KEYS = {
    "access_key_id": "AKIADATASOURCE0001",
    "secret_access_key": "datasource-secret",
    "session_token": "datasource-session-token",
}
# Key IDs of the server's own identities; none may appear in anything a datasource sends.
SERVER_KEY_IDS = ("AKIASERVERENVIRON01", "AKIASERVERSHARED001", "AKIASERVERPROFILE01")


@dataclass
class Sent:
    method: str
    target: str
    headers: dict[str, str]

    def mentions(self, text: str) -> bool:
        return text in unquote(self.target) or any(text in value for value in self.headers.values())


@dataclass
class RecordingServer:
    """An HTTP server on 127.0.0.1 that notes every request, then relays it to `upstream` (or answers 404)."""

    upstream: str | None = None
    sent: list[Sent] = field(default_factory=list)

    def start(self) -> str:
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def relay(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                payload = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                recorder.sent.append(Sent(self.command, self.path, headers))
                status, reply_headers, body = recorder.answer(self.command, self.path, headers, payload)
                self.send_response(status)
                for name, value in reply_headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = relay

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(
        self, method: str, target: str, headers: dict[str, str], payload: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        if self.upstream is None:
            return 404, [], b""
        upstream = urlsplit(self.upstream)
        connection = http.client.HTTPConnection(upstream.hostname or "", upstream.port, timeout=10)
        try:
            connection.request(method, target, payload, headers)
            reply = connection.getresponse()
            skip = {"content-length", "transfer-encoding", "connection"}
            kept = [(k, v) for k, v in reply.getheaders() if k.lower() not in skip]
            return reply.status, kept, reply.read()
        finally:
            connection.close()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def public_object(s3_server: dict[str, Any]) -> str:
    """A public-read object, and beside it (out of the `credentials/` listing) a private one."""
    client = boto3.client(
        "s3",
        endpoint_url=s3_server["endpoint_url"],
        aws_access_key_id="test",
        aws_secret_access_key="test-secret",
        region_name="us-east-1",
    )
    client.put_object(Bucket="samples", Key=OBJECT_KEY, Body=b"public words", ACL="public-read")
    client.put_object(Bucket="samples", Key=PRIVATE_KEY, Body=b"private words")
    return OBJECT_KEY


@pytest.fixture
def proxy(s3_server: dict[str, Any], public_object: str) -> Iterator[tuple[dict[str, Any], RecordingServer]]:
    """A keyless datasource config whose endpoint is a recording proxy in front of moto."""
    recorder = RecordingServer(upstream=s3_server["endpoint_url"])
    url = recorder.start()
    yield {"endpoint_url": url, "region": "us-east-1"}, recorder
    recorder.stop()


def _clear_server_identity(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    # A leaked lookup must fail here rather than reach a real metadata service.
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture(params=["environment variables", "shared credentials file", "config file profile"])
def server_identity(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """Gives the server AWS credentials of its own in one of the places boto3 looks by default."""
    _clear_server_identity(monkeypatch, tmp_path)
    if request.param == "environment variables":
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIASERVERENVIRON01")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "server-environ-secret")
        monkeypatch.setenv("AWS_SESSION_TOKEN", "server-environ-token")
    elif request.param == "shared credentials file":
        credentials = tmp_path / "credentials"
        credentials.write_text(
            "[default]\naws_access_key_id = AKIASERVERSHARED001\naws_secret_access_key = server-shared-secret\n"
        )
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    else:
        config = tmp_path / "config"
        config.write_text(
            "[profile server]\naws_access_key_id = AKIASERVERPROFILE01\n"
            "aws_secret_access_key = server-profile-secret\nregion = eu-west-3\n"
        )
        monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
        monkeypatch.setenv("AWS_PROFILE", "server")
    return str(request.param)


def assert_not_the_server(sent: list[Sent]) -> None:
    assert sent, "no request reached the storage service"
    for request in sent:
        for key_id in SERVER_KEY_IDS:
            assert not request.mentions(key_id), (key_id, request)
        assert not request.mentions("server-environ-token"), request


async def test_without_keys_requests_go_unsigned_whatever_the_server_holds(
    server_identity: str, proxy: tuple[dict[str, Any], RecordingServer], policy: InstancePolicy
) -> None:
    config, recorder = proxy
    listed = await execute_action(
        "s3", config, {"bucket": "samples", "prefix": "credentials/"}, {}, policy=policy
    )
    assert listed["isExecutionSuccess"], listed
    assert [o["key"] for o in listed["body"]] == [OBJECT_KEY]
    read = await execute_action(
        "s3", config, {"operation": "read", "bucket": "samples", "key": OBJECT_KEY}, {}, policy=policy
    )
    assert read["body"]["content"] == "public words"
    assert_not_the_server(recorder.sent)
    for request in recorder.sent:
        assert "authorization" not in request.headers, request
        assert "x-amz-security-token" not in request.headers, request


async def test_without_keys_presigned_urls_carry_no_credentials(
    server_identity: str, proxy: tuple[dict[str, Any], RecordingServer], policy: InstancePolicy
) -> None:
    config, _ = proxy
    presigned = await execute_action(
        "s3", config, {"operation": "presign_read", "bucket": "samples", "key": OBJECT_KEY}, {}, policy=policy
    )
    url = presigned["body"]["url"]
    assert urlsplit(url).query == "", url
    assert not any(key_id in url for key_id in SERVER_KEY_IDS)
    async with httpx.AsyncClient() as client:
        assert (await client.get(url)).text == "public words"


async def test_given_keys_sign_every_request_with_those_keys_only(
    server_identity: str, proxy: tuple[dict[str, Any], RecordingServer], policy: InstancePolicy
) -> None:
    config, recorder = proxy
    signed = {**config, **DATASOURCE_KEYS}
    listed = await execute_action(
        "s3", signed, {"bucket": "samples", "prefix": "credentials/"}, {}, policy=policy
    )
    assert listed["isExecutionSuccess"], listed
    presigned = await execute_action(
        "s3", signed, {"operation": "presign_read", "bucket": "samples", "key": OBJECT_KEY}, {}, policy=policy
    )
    assert "AKIADATASOURCE0001" in presigned["body"]["url"]
    assert_not_the_server(recorder.sent)
    for request in recorder.sent:
        assert "Credential=AKIADATASOURCE0001/" in request.headers["authorization"], request
        assert request.headers["x-amz-security-token"] == "datasource-session-token"


async def test_without_keys_the_server_credential_endpoints_are_never_asked(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    proxy: tuple[dict[str, Any], RecordingServer],
    policy: InstancePolicy,
) -> None:
    # Where boto3 would otherwise look once the environment and the files have no keys.
    _clear_server_identity(monkeypatch, tmp_path)
    role_endpoints = RecordingServer()
    url = role_endpoints.start()
    try:
        monkeypatch.delenv("AWS_EC2_METADATA_DISABLED")
        monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", url + "/")
        monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url + "/container-role")
        config, recorder = proxy
        listed = await execute_action(
            "s3", config, {"bucket": "samples", "prefix": "credentials/"}, {}, policy=policy
        )
        tested = await check_datasource("s3", config, policy=policy)
    finally:
        role_endpoints.stop()
    assert role_endpoints.sent == []
    assert listed["isExecutionSuccess"], listed
    assert tested["ok"], tested
    assert all("authorization" not in r.headers for r in recorder.sent)


async def test_the_test_button_reaches_a_public_default_bucket_without_keys(
    server_identity: str, proxy: tuple[dict[str, Any], RecordingServer], policy: InstancePolicy
) -> None:
    config, recorder = proxy
    tested = await check_datasource("s3", {**config, "default_bucket": "samples"}, policy=policy)
    assert tested == {
        "ok": True,
        "message": "Reached the bucket samples without credentials.",
        "code": None,
        "hint": "",
    }
    assert_not_the_server(recorder.sent)
    assert all("authorization" not in r.headers for r in recorder.sent)


async def test_a_refused_anonymous_request_says_keys_are_missing_not_wrong(
    proxy: tuple[dict[str, Any], RecordingServer], policy: InstancePolicy
) -> None:
    config, _ = proxy
    query = {"operation": "read", "bucket": "samples", "key": PRIVATE_KEY}
    result = await execute_action("s3", config, query, {}, policy=policy)
    assert result["error"]["code"] == "auth_failed", result["error"]
    assert result["error"]["message"].startswith("The storage service refused the anonymous request")
    assert "Give an access key ID and secret access key" in result["error"]["hint"]
    signed = await execute_action("s3", {**config, **DATASOURCE_KEYS}, query, {}, policy=policy)
    assert signed["body"]["content"] == "private words"


@pytest.mark.parametrize(
    ("keys", "missing"),
    [
        ({"access_key_id": "AKIADATASOURCE0001"}, "The secret access key is missing"),
        ({"secret_access_key": "lonely-secret-value"}, "The access key ID is missing"),
        ({"session_token": "lonely-session-token"}, "A session token needs the access key ID"),
    ],
)
async def test_half_a_key_pair_is_a_configuration_error(
    keys: dict[str, str], missing: str, proxy: tuple[dict[str, Any], RecordingServer], policy: InstancePolicy
) -> None:
    config, recorder = {**proxy[0], **keys}, proxy[1]
    with pytest.raises(InvalidConfig) as saved:
        validate_config("s3", config)
    assert missing in saved.value.message
    result = await execute_action("s3", config, {"bucket": "samples"}, {}, policy=policy)
    assert result["error"]["code"] == "bad_parameters" and missing in result["error"]["message"]
    tested = await check_datasource("s3", config, policy=policy)
    assert tested["ok"] is False and missing in tested["message"]
    assert recorder.sent == []
    for secret in ("lonely-secret-value", "lonely-session-token"):
        assert secret not in repr((saved.value.message, result, tested))
