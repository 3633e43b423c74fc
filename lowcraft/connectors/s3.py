"""S3-compatible object storage: list, read, upload, delete and presigned URLs (boto3 in a thread).

The boto3 client comes from `lowcraft.connectors.aws`: its sockets go through the network guard and
it carries only the datasource's own keys, never the server's AWS identity. Without keys, requests
go unsigned, which public buckets accept.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import urlsplit

import botocore.exceptions as boto_errors
from pydantic import BaseModel, Field, model_validator
from pydantic_core import PydanticCustomError

from lowcraft.connectors.aws import AwsClient, AwsKeys, guarded_client, run_with_client
from lowcraft.connectors.base import (
    Connection,
    Connector,
    ConnectorSamples,
    ExecutionResult,
    InstancePolicy,
    Limits,
    Structure,
    Table,
    TestResult,
    url_host,
)
from lowcraft.connectors.errors import (
    AuthFailed,
    BadParameters,
    ConnectionFailed,
    ConnectorError,
    QueryFailed,
    ResponseTooLarge,
    Timeout,
)
from lowcraft.connectors.schema import Binds, Secret

T = TypeVar("T")

_AUTH_CODES = {"InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "ExpiredToken", "InvalidToken"}


class S3Config(BaseModel):
    """Credentials and endpoint; leave `endpoint_url` empty for AWS itself.

    Both keys, or neither: without keys the requests are anonymous (unsigned), for public buckets.
    """

    endpoint_url: str = ""
    region: str = "us-east-1"
    access_key_id: str = ""
    secret_access_key: Annotated[str, Secret()] = ""
    session_token: Annotated[str, Secret()] = ""
    force_path_style: bool = True
    default_bucket: str = ""
    connect_timeout_seconds: float = Field(default=5, gt=0, le=60)

    @model_validator(mode="after")
    def _keys_come_in_pairs(self) -> S3Config:
        # Half a key pair can sign nothing; silently going anonymous would hide the mistake.
        if self.access_key_id and not self.secret_access_key:
            raise PydanticCustomError(
                "s3_key_pair",
                "The secret access key is missing: give it with the access key ID, "
                "or leave both empty for anonymous access to public buckets.",
            )
        if self.secret_access_key and not self.access_key_id:
            raise PydanticCustomError(
                "s3_key_pair",
                "The access key ID is missing: give it with the secret access key, "
                "or leave both empty for anonymous access to public buckets.",
            )
        if self.session_token and not self.access_key_id:
            raise PydanticCustomError(
                "s3_key_pair",
                "A session token needs the access key ID and secret access key it was issued with.",
            )
        return self

    @property
    def anonymous(self) -> bool:
        return not self.access_key_id


class S3Query(BaseModel):
    """One object-storage operation. `content` is text, or base64 when `encoding` says so."""

    operation: Literal["list", "read", "upload", "delete", "presign_read", "presign_upload"] = "list"
    bucket: Annotated[str, Binds("text")] = ""
    key: Annotated[str, Binds("text")] = ""
    prefix: Annotated[str, Binds("text")] = ""
    content: Annotated[Any, Binds("value")] = ""
    encoding: Literal["text", "base64"] = "text"
    content_type: Annotated[str, Binds("text")] = ""
    expires_seconds: int = Field(default=3600, ge=1, le=7 * 24 * 3600)
    max_keys: int = Field(default=1000, ge=1, le=1000)


def _client(config: S3Config, policy: InstancePolicy) -> AwsClient:
    keys = None if config.anonymous else AwsKeys(config.access_key_id, config.secret_access_key, config.session_token)
    return guarded_client(
        "s3",
        endpoint_url=config.endpoint_url,
        region=config.region,
        keys=keys,
        connect_timeout=config.connect_timeout_seconds,
        policy=policy,
        s3={"addressing_style": "path" if config.force_path_style else "auto"},
    )


class S3Connector(Connector[S3Config, S3Query]):
    """Works on buckets of AWS S3, MinIO, Ceph, R2 and other S3-compatible stores."""

    type_name = "s3"
    display_name = "S3-compatible storage"
    connection_schema = S3Config
    query_schema = S3Query
    samples = ConnectorSamples(
        connection={
            "endpoint_url": "http://127.0.0.1:1",
            "access_key_id": "test",
            "secret_access_key": "test",
        },
        unreachable={
            "endpoint_url": "http://127.0.0.1:9",
            "access_key_id": "test",
            "secret_access_key": "test",
            "connect_timeout_seconds": 2,
        },
        query={"operation": "list", "bucket": "samples", "prefix": "{{Input1.text}}"},
        params={"Input1.text": "reports/../"},
        at=lambda host, port: {
            "endpoint_url": f"http://{url_host(host)}:{port}",
            "access_key_id": "test",
            "secret_access_key": "test",
            "connect_timeout_seconds": 2,
        },
    )

    @contextmanager
    def map_errors(self, *, anonymous: bool = False) -> Iterator[None]:
        """`anonymous`: the requests were unsigned, so a refusal is not about wrong keys."""
        try:
            yield
        except ConnectorError:
            raise
        except TimeoutError:
            raise Timeout("The storage service did not answer within the time limit.") from None
        except (boto_errors.ConnectTimeoutError, boto_errors.ReadTimeoutError):
            raise Timeout("The storage service did not answer within the time limit.") from None
        except boto_errors.EndpointConnectionError as exc:
            raise ConnectionFailed(f"Could not connect to the storage service: {exc}") from None
        except boto_errors.ClientError as exc:
            error = exc.response.get("Error", {})
            code = str(error.get("Code", ""))
            message = str(error.get("Message") or code)
            # A refusal without a body (HEAD, some S3-compatible stores) carries only its status.
            refused = code in _AUTH_CODES or code == "403"
            if refused and anonymous:
                raise AuthFailed(
                    f"The storage service refused the anonymous request: {message}",
                    "The datasource has no access keys, so its requests are unsigned and reach only "
                    "what is public. Give an access key ID and secret access key for anything else.",
                ) from None
            if refused:
                raise AuthFailed(f"The storage service refused the credentials: {message}") from None
            raise QueryFailed(f"The storage service answered {code}: {message}") from None
        except (boto_errors.BotoCoreError, ValueError) as exc:
            raise ConnectionFailed(f"The storage request failed: {exc}") from None

    async def _run(self, conn: Connection[S3Config], work: Callable[[Any], T], timeout: float) -> T:
        config = conn.config
        if config.endpoint_url and not urlsplit(config.endpoint_url).hostname:
            raise BadParameters("The endpoint URL has no host.")
        return await run_with_client(conn, self.type_name, lambda: _client(config, conn.policy), work, timeout)

    async def test(self, conn: Connection[S3Config]) -> TestResult:
        config = conn.config
        bucket = config.default_bucket
        try:
            with self.map_errors(anonymous=config.anonymous):
                if config.anonymous and bucket:
                    # AWS lets no anonymous caller list buckets; a public bucket can answer for itself.
                    await self._run(conn, lambda c: c.list_objects_v2(Bucket=bucket, MaxKeys=1), 15)
                    return TestResult(True, f"Reached the bucket {bucket} without credentials.")
                buckets = await self._run(conn, lambda c: c.list_buckets().get("Buckets", []), 15)
        except ConnectorError as exc:
            return TestResult(False, exc.message, exc.code, exc.hint)
        if config.anonymous:
            return TestResult(
                True, f"Reached the service without credentials; {len(buckets)} bucket(s) visible."
            )
        return TestResult(True, f"Signed in; {len(buckets)} bucket(s) visible.")

    async def structure(self, conn: Connection[S3Config]) -> Structure:
        with self.map_errors(anonymous=conn.config.anonymous):
            buckets = await self._run(conn, lambda c: c.list_buckets().get("Buckets", []), 15)
        return Structure(tables=[Table(name=b["Name"], columns=[], kind="bucket") for b in buckets])

    async def execute(
        self, conn: Connection[S3Config], query: S3Query, params: Sequence[Any] | None, limits: Limits
    ) -> ExecutionResult:
        bucket = query.bucket or conn.config.default_bucket
        if not bucket:
            raise BadParameters(
                "No bucket was given.", "Set the query's bucket or the datasource's default bucket."
            )
        if query.operation not in ("list",) and not query.key:
            raise BadParameters(f"The {query.operation} operation needs an object key.")
        request = {
            "operation": query.operation,
            "bucket": bucket,
            "key": query.key or None,
            "prefix": query.prefix or None,
        }
        work = getattr(self, f"_{query.operation}")(bucket, query, limits)
        with self.map_errors(anonymous=conn.config.anonymous):
            body = await self._run(conn, work, limits.timeout_seconds)
        return ExecutionResult(
            body=body, request=request, row_count=len(body) if isinstance(body, list) else None
        )

    @staticmethod
    def _list(bucket: str, query: S3Query, limits: Limits) -> Callable[[Any], list[dict[str, Any]]]:
        def work(client: Any) -> list[dict[str, Any]]:
            page = client.list_objects_v2(Bucket=bucket, Prefix=query.prefix, MaxKeys=query.max_keys)
            return [
                {
                    "key": o["Key"],
                    "size": o["Size"],
                    "lastModified": o["LastModified"].isoformat(),
                    "etag": o.get("ETag", "").strip('"'),
                }
                for o in page.get("Contents", [])
            ]

        return work

    @staticmethod
    def _read(bucket: str, query: S3Query, limits: Limits) -> Callable[[Any], dict[str, Any]]:
        def work(client: Any) -> dict[str, Any]:
            obj = client.get_object(Bucket=bucket, Key=query.key)
            stream = obj["Body"]
            try:
                if int(obj.get("ContentLength", 0)) > limits.max_response_bytes:
                    raise ResponseTooLarge(
                        f"The object is larger than the {limits.max_response_bytes / (1024 * 1024):g} MB "
                        "this instance allows.",
                        "Use a presigned URL to let the browser download it directly.",
                    )
                raw = stream.read(limits.max_response_bytes + 1)
            finally:
                stream.close()
            if len(raw) > limits.max_response_bytes:
                raise ResponseTooLarge("The object is larger than this instance allows.")
            encoding = "base64"
            content = base64.b64encode(raw).decode()
            if query.encoding == "text":
                try:
                    content, encoding = raw.decode(), "text"
                except UnicodeDecodeError:
                    pass
            return {
                "key": query.key,
                "contentType": obj.get("ContentType"),
                "size": len(raw),
                "encoding": encoding,
                "content": content,
            }

        return work

    @staticmethod
    def _upload(bucket: str, query: S3Query, limits: Limits) -> Callable[[Any], dict[str, Any]]:
        content = query.content if isinstance(query.content, str) else str(query.content)
        try:
            data = (
                base64.b64decode(content, validate=True) if query.encoding == "base64" else content.encode()
            )
        except (binascii.Error, ValueError):
            raise BadParameters("The content is not valid base64.") from None

        def work(client: Any) -> dict[str, Any]:
            extra = {"ContentType": query.content_type} if query.content_type else {}
            result = client.put_object(Bucket=bucket, Key=query.key, Body=data, **extra)
            return {"key": query.key, "size": len(data), "etag": str(result.get("ETag", "")).strip('"')}

        return work

    @staticmethod
    def _delete(bucket: str, query: S3Query, limits: Limits) -> Callable[[Any], dict[str, Any]]:
        def work(client: Any) -> dict[str, Any]:
            client.delete_object(Bucket=bucket, Key=query.key)
            return {"key": query.key, "deleted": True}

        return work

    @staticmethod
    def _presign_read(bucket: str, query: S3Query, limits: Limits) -> Callable[[Any], dict[str, Any]]:
        def work(client: Any) -> dict[str, Any]:
            url = client.generate_presigned_url(
                "get_object", Params={"Bucket": bucket, "Key": query.key}, ExpiresIn=query.expires_seconds
            )
            return {"url": url, "expiresIn": query.expires_seconds}

        return work

    @staticmethod
    def _presign_upload(bucket: str, query: S3Query, limits: Limits) -> Callable[[Any], dict[str, Any]]:
        def work(client: Any) -> dict[str, Any]:
            params = {"Bucket": bucket, "Key": query.key}
            if query.content_type:
                params["ContentType"] = query.content_type
            url = client.generate_presigned_url("put_object", Params=params, ExpiresIn=query.expires_seconds)
            return {"url": url, "expiresIn": query.expires_seconds, "method": "PUT"}

        return work
