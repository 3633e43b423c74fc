"""What the AWS connectors (S3, DynamoDB, Redshift's IAM credentials) share: boto3 clients that see
nothing of the server's own AWS identity and open every socket through the network guard.

Every socket boto3 opens goes through the network guard: botocore's HTTP session is replaced (via
its public `before-send` event) by one whose urllib3 connections resolve the host once, check every
address against the instance policy and connect to the checked address, while TLS (SNI, the
certificate check) and the signed Host header keep using the name.

A datasource's requests carry only its own credentials: the client comes from a botocore session
that reads no AWS_* variable and no ~/.aws file and has an empty credential chain, so the server's
own identity (its environment, profiles, instance or container role) is never within reach.
"""

from __future__ import annotations

import dataclasses
import functools
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

import anyio
import boto3
import botocore.config
import botocore.exceptions as boto_errors
import botocore.session
from botocore import UNSIGNED
from botocore.awsrequest import (
    AWSHTTPConnection,
    AWSHTTPConnectionPool,
    AWSHTTPSConnection,
    AWSHTTPSConnectionPool,
)
from botocore.configprovider import ConstantProvider
from botocore.credentials import CredentialResolver
from botocore.httpsession import URLLib3Session
from urllib3.exceptions import ConnectTimeoutError as Urllib3ConnectTimeout
from urllib3.exceptions import NewConnectionError

from lowcraft.connectors.base import Connection, InstancePolicy
from lowcraft.connectors.errors import ConnectorError
from lowcraft.connectors.netguard import connect_allowed

T = TypeVar("T")

READ_TIMEOUT_SECONDS = 60


class _GuardedConnection:
    """Mixed into botocore's urllib3 connections: the socket goes to an address the guard checked."""

    guard_policy: ClassVar[InstancePolicy]
    host: str
    port: int
    timeout: Any
    source_address: tuple[str, int] | None
    socket_options: Sequence[tuple[int, int, int | bytes]] | None

    def _new_conn(self) -> socket.socket:
        timeout = self.timeout if isinstance(self.timeout, (int, float)) else socket.getdefaulttimeout()
        try:
            return connect_allowed(
                self.host,
                self.port,
                self.guard_policy,
                timeout,
                source_address=self.source_address,
                socket_options=self.socket_options or (),
            )
        except TimeoutError as exc:
            raise Urllib3ConnectTimeout(self, f"Connection to {self.host} timed out.") from exc
        except OSError as exc:
            connection: Any = self  # an HTTPConnection once mixed in
            raise NewConnectionError(connection, f"Failed to establish a new connection: {exc}") from exc


@functools.cache
def _guarded_pool_classes(policy: InstancePolicy) -> dict[str, type[Any]]:
    """urllib3 pool classes (per scheme) whose connections obey this policy's network settings."""

    class HttpConnection(_GuardedConnection, AWSHTTPConnection):  # type: ignore[misc]
        guard_policy = policy

    class HttpsConnection(_GuardedConnection, AWSHTTPSConnection):  # type: ignore[misc]
        guard_policy = policy

    class HttpPool(AWSHTTPConnectionPool):  # type: ignore[misc]
        ConnectionCls = HttpConnection

    class HttpsPool(AWSHTTPSConnectionPool):  # type: ignore[misc]
        ConnectionCls = HttpsConnection

    return {"http": HttpPool, "https": HttpsPool}


class GuardedSession(URLLib3Session):  # type: ignore[misc]
    """botocore's HTTP session, with every connection opened through the network guard."""

    def __init__(self, policy: InstancePolicy, connect_timeout: float) -> None:
        super().__init__(
            timeout=(connect_timeout, READ_TIMEOUT_SECONDS),
            socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
        )
        # botocore builds its urllib3 pools from these classes and takes no argument for them.
        self._pool_classes_by_scheme = _guarded_pool_classes(dataclasses.replace(policy, file_roots=()))
        self._manager.pool_classes_by_scheme = self._pool_classes_by_scheme

    def send(self, request: Any) -> Any:
        try:
            return super().send(request)
        except boto_errors.HTTPClientError as exc:
            # botocore wraps whatever the connection raised; a refused address is ours to report.
            refused = exc.kwargs.get("error")
            if isinstance(refused, ConnectorError):
                raise refused from None
            raise


@dataclass(frozen=True, slots=True)
class AwsClient:
    """A boto3 client and the guarded HTTP session that carries its requests."""

    api: Any
    session: GuardedSession

    def close(self) -> None:
        self.api.close()
        self.session.close()


# Settings that name files botocore would read (profiles, keys); every other setting keeps its default.
_FILE_SETTINGS = frozenset({"config_file", "credentials_file"})


def isolated_session() -> boto3.session.Session:
    """A boto3 session that sees nothing of the server's own AWS setup.

    A default session takes settings and keys from AWS_* variables, from ~/.aws/config and
    ~/.aws/credentials (or the files AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE name) and, failing
    those, from the container or instance metadata service: all of them the server's identity, which
    no workspace developer may borrow. Here no setting has an environment variable or config-file
    entry behind it, no file is named, and the credential chain has no providers.
    """
    settings = {
        name: (None, None, None if name in _FILE_SETTINGS else default, convert)
        for name, (_, _, default, convert) in botocore.session.Session.SESSION_VARIABLES.items()
    }
    core = botocore.session.Session(session_vars=settings)
    core.register_component("credential_provider", CredentialResolver(providers=[]))
    store = core.get_component("config_store")
    # The `s3` and proxy sections are read from their own environment variables, outside SESSION_VARIABLES.
    for section in ("s3", "proxies_config"):
        store.set_config_provider(section, ConstantProvider(None))
    return boto3.session.Session(botocore_session=core)


@dataclass(frozen=True, slots=True)
class AwsKeys:
    """An access key pair (and session token); None fields mean unsigned requests."""

    access_key_id: str
    secret_access_key: str
    session_token: str = ""


def guarded_client(
    service: str,
    *,
    endpoint_url: str,
    region: str,
    keys: AwsKeys | None,
    connect_timeout: float,
    policy: InstancePolicy,
    **config: Any,
) -> AwsClient:
    """A `service` client signed with `keys` (unsigned when None), its sockets through the guard."""
    # Given explicit keys or UNSIGNED, botocore never asks a credential chain (the session's is empty too).
    credentials: dict[str, Any] = {}
    signing: dict[str, Any] = {"signature_version": UNSIGNED}
    if keys is not None:
        credentials = {
            "aws_access_key_id": keys.access_key_id,
            "aws_secret_access_key": keys.secret_access_key,
            "aws_session_token": keys.session_token or None,
        }
        signing = {}
    api = isolated_session().client(
        service,
        endpoint_url=endpoint_url or None,
        region_name=region,
        **credentials,
        config=botocore.config.Config(
            connect_timeout=connect_timeout,
            read_timeout=READ_TIMEOUT_SECONDS,
            retries={"max_attempts": 1},
            # AWS_ENDPOINT_URL(_<SERVICE>) would otherwise stand in for an empty endpoint.
            ignore_configured_endpoint_urls=True,
            **signing,
            **config,
        ),
    )
    session = GuardedSession(policy, connect_timeout)

    def send(request: Any, **_: Any) -> Any:
        return session.send(request)

    # A response returned from `before-send` is used instead of botocore's own sending.
    api.meta.events.register(f"before-send.{api.meta.service_model.service_id.hyphenize()}", send)
    return AwsClient(api, session)


async def run_with_client(
    conn: Connection[Any],
    type_name: str,
    build: Callable[[], AwsClient],
    work: Callable[[Any], T],
    timeout: float,
) -> T:
    """Run `work(client.api)` in a thread within `timeout`: pooled per datasource, else one-off."""
    key = conn.pool_key
    if key is None:
        client = await anyio.to_thread.run_sync(build)
        try:
            with anyio.fail_after(timeout):
                return await anyio.to_thread.run_sync(work, client.api, abandon_on_cancel=True)
        finally:
            client.close()

    async def create() -> AwsClient:
        return await anyio.to_thread.run_sync(build)

    async def close(client: AwsClient) -> None:
        client.close()

    # The client's connections obey the policy it was built with; the pool key names the
    # policy's network settings (see `Connection.pool_key`), so a new policy gets a new client.
    client = await conn.pools.get(type_name, key, create, close)
    with anyio.fail_after(timeout):
        return await anyio.to_thread.run_sync(work, client.api, abandon_on_cancel=True)
