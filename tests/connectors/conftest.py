"""Fixtures: the machine's PostgreSQL, MariaDB and Redis, and HTTP, S3 and SMTP servers the tests start.

A fixture whose server is down skips its tests with the reason, except under CI=true, where a
missing server is a failure.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from email.message import Message as EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import boto3
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from lowcraft.connectors import InstancePolicy, PoolManager
from lowcraft.connectors.sheets import sample_key
from tests.connectors.servers import ThreadedHttpServer
from tests.connectors.sheets_server import SheetsServer
from tests.servers import external_server_url, free_port, require, require_program, require_redis


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def pools() -> AsyncIterator[PoolManager]:
    manager = PoolManager()
    yield manager
    await manager.close_all()


@pytest.fixture
def policy(tmp_path: Path) -> InstancePolicy:
    """Development defaults: loopback allowed, private networks not; SQLite files under tmp_path."""
    return InstancePolicy(allow_loopback=True, file_roots=(tmp_path,))


@pytest.fixture(scope="session")
def redis_server() -> dict[str, Any]:
    require_redis()
    return {"host": "127.0.0.1", "port": 6379, "db": 15}


@pytest.fixture(scope="session")
def http_server() -> Iterator[str]:
    """Base URL of a real HTTP API (tests/connectors/servers.py) on 127.0.0.1."""
    server = ThreadedHttpServer()
    url = server.start()
    yield url
    server.stop()


@pytest.fixture(scope="session")
def mssql_server() -> dict[str, Any]:
    """SQL Server from LOWCRAFT_TEST_MSSQL_URL (mssql://user:password@host:port/database?encryption=off)."""
    url = urlsplit(external_server_url("LOWCRAFT_TEST_MSSQL_URL", "SQL Server"))
    options = dict(parse_qsl(url.query))
    return {
        "host": url.hostname or "127.0.0.1",
        "port": url.port or 1433,
        "user": unquote(url.username or "sa"),
        "password": unquote(url.password or ""),
        "database": url.path.lstrip("/") or "master",
        "encryption": options.get("encryption", "request"),
    }


@pytest.fixture(scope="session")
def mongodb_server() -> dict[str, Any]:
    """MongoDB from LOWCRAFT_TEST_MONGODB_URL (mongodb://user:password@host:27017/?authSource=admin)."""
    url = urlsplit(external_server_url("LOWCRAFT_TEST_MONGODB_URL", "MongoDB"))
    options = dict(parse_qsl(url.query))
    return {
        "host": url.hostname or "127.0.0.1",
        "port": url.port or 27017,
        "user": unquote(url.username or ""),
        "password": unquote(url.password or ""),
        "auth_source": options.get("authSource", "admin"),
        "database": f"lowcraft_test_{secrets.token_hex(3)}",
    }


@pytest.fixture(scope="session")
def sheets_server() -> Iterator[tuple[str, SheetsServer]]:
    """A local Google Sheets API (tests/connectors/sheets_server.py): its base URL and its state.

    It trusts the sample service account key; spreadsheet `samples` has a `Sheet1` with a header.
    """
    api = SheetsServer()
    api.trust(sample_key("http://unused/token"))
    api.spreadsheets["samples"] = {"Sheet1": [["Name", "Status"]]}
    server = ThreadedHttpServer(api.app)
    url = server.start()
    yield url, api
    server.stop()


def _answers(url: str) -> bool:
    """Whether the emulator serves requests yet (its port opens before it does)."""
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.fixture(scope="session")
def firestore_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The Firestore emulator of the machine's Google Cloud CLI on 127.0.0.1 (a firestore config)."""
    gcloud = require_program("gcloud")
    port = free_port()
    log = tmp_path_factory.mktemp("firestore") / "emulator.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [gcloud, "emulators", "firestore", "start", f"--host-port=127.0.0.1:{port}", "--quiet"],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while not _answers(f"http://127.0.0.1:{port}/"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Firestore emulator did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield {"project_id": "lowcraft-test", "api_base_url": f"http://127.0.0.1:{port}", "emulator": True}
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # gcloud, its Java emulator: the group it leads
        process.wait(timeout=20)


@pytest.fixture(scope="session")
def moto_server() -> Iterator[dict[str, Any]]:
    """moto's server on 127.0.0.1: a real HTTP endpoint speaking the S3 and DynamoDB APIs."""
    from moto.server import ThreadedMotoServer  # moto is heavy: only imported by sessions that use it

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield {
        "endpoint_url": f"http://127.0.0.1:{port}",
        "access_key_id": "test",
        "secret_access_key": "test-secret",
        "region": "us-east-1",
    }
    server.stop()


def aws_client(service: str, config: dict[str, Any]) -> Any:
    """A plain boto3 client on the test server, for setting up and checking what a test did."""
    return boto3.client(
        service,
        endpoint_url=config["endpoint_url"],
        aws_access_key_id=config["access_key_id"],
        aws_secret_access_key=config["secret_access_key"],
        region_name=config["region"],
    )


@pytest.fixture(scope="session")
def s3_server(moto_server: dict[str, Any]) -> dict[str, Any]:
    """moto's S3 with a `samples` bucket."""
    aws_client("s3", moto_server).create_bucket(Bucket="samples")
    return moto_server


@pytest.fixture(scope="session")
def dynamodb_server(moto_server: dict[str, Any]) -> dict[str, Any]:
    """moto's DynamoDB with an empty `samples` table (string key `pk`)."""
    aws_client("dynamodb", moto_server).create_table(
        TableName="samples",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return moto_server


class MailBox(Message):
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[EmailMessage] = []

    def handle_message(self, message: EmailMessage) -> None:
        self.messages.append(message)


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[dict[str, Any], MailBox]]:
    """An aiosmtpd server on 127.0.0.1 and the mailbox it delivers to."""
    box = MailBox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield (
        {"host": "127.0.0.1", "port": controller.port, "security": "none", "default_from": "app@example.com"},
        box,
    )
    controller.stop()


@pytest.fixture
def sqlite_config(tmp_path: Path) -> dict[str, Any]:
    return {"path": str(tmp_path / "sample.db"), "create": True}


@pytest.fixture
def live_connection(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """live_connection(type_name) -> the connector's sample connection pointed at the live server."""

    def make(type_name: str, sample: dict[str, Any]) -> dict[str, Any]:
        if type_name == "postgres":
            return {**sample, **request.getfixturevalue("pg_database")}
        if type_name == "mysql":
            return {**sample, **request.getfixturevalue("mysql_database")}
        if type_name == "redis":
            return {**sample, **request.getfixturevalue("redis_server")}
        if type_name == "sqlite":
            return {**sample, "path": str(tmp_path / sample["path"])}
        if type_name == "rest":
            return {**sample, "base_url": request.getfixturevalue("http_server")}
        if type_name == "graphql":
            return {**sample, "base_url": request.getfixturevalue("http_server") + "/graphql"}
        if type_name == "s3":
            return {**sample, **request.getfixturevalue("s3_server")}
        if type_name == "dynamodb":
            return {**sample, **request.getfixturevalue("dynamodb_server")}
        if type_name == "redshift":
            return {**sample, **request.getfixturevalue("pg_database")}
        if type_name == "firestore":
            return {**sample, **request.getfixturevalue("firestore_server")}
        if type_name == "sheets":
            url = request.getfixturevalue("sheets_server")[0]
            return {**sample, "api_base_url": url, "service_account_key": sample_key(url + "/token")}
        if type_name == "llm":
            return {**sample, "base_url": request.getfixturevalue("http_server") + "/v1"}
        if type_name == "rabbitmq":
            require("RabbitMQ", "127.0.0.1", 5672)
            return sample
        if type_name == "nats":
            require("NATS", "127.0.0.1", 4222)
            return sample
        if type_name == "mongodb":
            return {**sample, **request.getfixturevalue("mongodb_server")}
        if type_name == "mssql":
            return {**sample, **request.getfixturevalue("mssql_server")}
        if type_name == "smtp":
            return {**sample, **request.getfixturevalue("smtp_server")[0]}
        pytest.skip(f"no live server is known for the {type_name} connector")

    return make
