"""Amazon Redshift: PostgreSQL's wire protocol (psycopg 3, through the PostgreSQL connector's pools),
with Redshift's differences.

- Credentials: a database password, or IAM: temporary credentials from the Redshift API's
  `GetClusterCredentials` signed with the datasource's own access key (the boto3 client from
  `lowcraft.connectors.aws`: never the server's AWS identity, sockets through the network guard).
  They are fetched again shortly before they expire; a connection already open stays valid.
- No array type: arrays and objects bound to one value travel as JSON text (`JSON_PARSE`,
  `JSON_EXTRACT_PATH_TEXT` read them); `IN {{array}}` expands as everywhere.
- No `RETURNING`: a write that asks for it is refused before anything is sent, with what to do.
- Structure from the `SVV_TABLES` and `SVV_COLUMNS` catalog views, which also list external
  (Spectrum) and data-share tables; a server without them (PostgreSQL itself) is read through
  `information_schema`.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import anyio
import botocore.exceptions as boto_errors
from pydantic import BaseModel, Field, model_validator
from pydantic_core import PydanticCustomError

from lowcraft.connectors.aws import AwsKeys, guarded_client
from lowcraft.connectors.base import (
    Column,
    Connection,
    Connector,
    ConnectorSamples,
    ExecutionResult,
    Limits,
    Structure,
    Table,
    TestResult,
    fingerprint,
)
from lowcraft.connectors.errors import (
    AuthFailed,
    BadParameters,
    ConnectionFailed,
    ConnectorError,
    QueryFailed,
)
from lowcraft.connectors.postgres import PostgresConfig, PostgresConnector
from lowcraft.connectors.schema import Secret
from lowcraft.connectors.sql_dialect import SqlDialect, json_containers
from lowcraft.connectors.sql_query import SqlQuery

_CREDENTIAL_SECONDS = 3600
_REFRESH_MARGIN_SECONDS = 300

REDSHIFT_DIALECT = SqlDialect(
    name="redshift",
    placeholder="%s",
    percent_escape=True,
    adapt=json_containers,
    dollar_quotes=False,
    escape_strings=False,
    nested_comments=False,
    max_parameters=32767,
    empty_in_list="select null where false",
)

_SVV_STRUCTURE_SQL = """
select c.table_schema, c.table_name, t.table_type, c.column_name, c.data_type, c.is_nullable = 'YES' as nullable
from svv_columns c
join svv_tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
where c.table_schema not in ('pg_catalog', 'information_schema', 'pg_internal', 'pg_automv')
order by c.table_schema, c.table_name, c.ordinal_position
"""

_WRITE_RETURNING = re.compile(r"^\s*(?:insert|update|delete|merge)\b.*\breturning\b", re.IGNORECASE | re.DOTALL)


class RedshiftConfig(BaseModel):
    """A Redshift cluster or Serverless workgroup endpoint and how to sign in."""

    host: str = Field(default="", description="The cluster's endpoint, without port and database")
    port: int = Field(default=5439, ge=1, le=65535)
    database: str = "dev"
    user: str = Field(default="awsuser", description="The database user (with IAM: the DbUser to sign in as)")
    authentication: Literal["password", "iam"] = "password"
    password: Annotated[str, Secret()] = ""
    cluster_identifier: str = Field(default="", description="IAM: the cluster whose credentials to ask for")
    region: str = Field(default="us-east-1", pattern=r"^[a-z0-9-]{1,40}$")
    access_key_id: str = ""
    secret_access_key: Annotated[str, Secret()] = ""
    session_token: Annotated[str, Secret()] = ""
    auto_create_user: bool = Field(default=False, description="IAM: create the database user if it is missing")
    api_endpoint_url: str = Field(default="", description="IAM: the Redshift API endpoint; empty for AWS's")
    sslmode: Literal["disable", "allow", "prefer", "require", "verify-ca", "verify-full"] = "require"
    pool_size: int = Field(default=5, ge=1, le=50, description="Connections this datasource may hold open")
    connect_timeout_seconds: int = Field(default=5, ge=1, le=60)

    @model_validator(mode="after")
    def _iam_needs_a_cluster_and_keys(self) -> RedshiftConfig:
        if self.authentication == "iam" and not (self.cluster_identifier and self.access_key_id and self.secret_access_key):
            raise PydanticCustomError(
                "redshift_iam",
                "IAM sign-in needs the cluster identifier, an access key ID and its secret access key.",
            )
        return self


@dataclass(frozen=True, slots=True)
class _Credentials:
    user: str
    password: str
    expires: float


class _RedshiftWire(PostgresConnector):
    """The PostgreSQL connector's connections and pools, for Redshift's endpoints (never registered)."""

    type_name = "redshift"
    display_name = "Amazon Redshift"


class RedshiftConnector(Connector[RedshiftConfig, SqlQuery]):
    """Runs SQL on Amazon Redshift with server-side parameters, a statement timeout and IAM sign-in."""

    type_name = "redshift"
    display_name = "Amazon Redshift"
    connection_schema = RedshiftConfig
    query_schema = SqlQuery
    sql_dialect = REDSHIFT_DIALECT
    samples = ConnectorSamples(
        connection={"host": "127.0.0.1", "port": 5432, "user": "postgres", "database": "postgres", "sslmode": "prefer"},
        unreachable={"host": "127.0.0.1", "port": 9, "user": "postgres", "sslmode": "prefer", "connect_timeout_seconds": 2},
        query={"sql": "select {{Input1.value}}::int + 1 as answer, '{{Input2.text}}' as echo"},
        params={"Input1.value": 41, "Input2.text": "'; DROP TABLE orders; --"},
        at=lambda host, port: {"host": host, "port": port, "user": "postgres", "sslmode": "prefer", "connect_timeout_seconds": 2},
    )

    def __init__(self) -> None:
        self._wire = _RedshiftWire()
        self._credentials: dict[str, _Credentials] = {}
        self._lock = threading.Lock()

    @contextmanager
    def map_errors(self) -> Iterator[None]:
        try:
            with self._wire.map_errors():
                yield
        except ConnectorError as exc:
            # The wire is PostgreSQL's; the user's server is Redshift.
            exc.message = exc.message.replace("PostgreSQL", "Redshift")
            raise
        except (boto_errors.ClientError, boto_errors.BotoCoreError) as exc:
            raise _iam_error(exc) from None

    async def _iam_credentials(self, conn: Connection[RedshiftConfig]) -> _Credentials:
        config = conn.config
        key = f"{fingerprint(config)}/{conn.policy.network_key}"
        with self._lock:
            cached = self._credentials.get(key)
        if cached is not None and cached.expires - _REFRESH_MARGIN_SECONDS > time.time():
            return cached

        def fetch() -> _Credentials:
            client = guarded_client(
                "redshift",
                endpoint_url=config.api_endpoint_url,
                region=config.region,
                keys=AwsKeys(config.access_key_id, config.secret_access_key, config.session_token),
                connect_timeout=config.connect_timeout_seconds,
                policy=conn.policy,
            )
            try:
                answer = client.api.get_cluster_credentials(
                    DbUser=config.user,
                    DbName=config.database,
                    ClusterIdentifier=config.cluster_identifier,
                    DurationSeconds=_CREDENTIAL_SECONDS,
                    AutoCreate=config.auto_create_user,
                )
            finally:
                client.close()
            expiration = answer.get("Expiration")
            expires = expiration.timestamp() if expiration is not None else time.time() + _CREDENTIAL_SECONDS
            return _Credentials(str(answer["DbUser"]), str(answer["DbPassword"]), expires)

        with anyio.fail_after(30):
            fresh = await anyio.to_thread.run_sync(fetch, abandon_on_cancel=True)
        with self._lock:
            self._credentials[key] = fresh
        return fresh

    async def _wire_connection(self, conn: Connection[RedshiftConfig]) -> Connection[PostgresConfig]:
        config = conn.config
        user, password = config.user, config.password
        if config.authentication == "iam":
            credentials = await self._iam_credentials(conn)
            user, password = credentials.user, credentials.password
        wire = PostgresConfig(
            host=config.host,
            port=config.port,
            database=config.database,
            user=user,
            password=password,
            sslmode=config.sslmode,
            pool_size=config.pool_size,
            connect_timeout_seconds=config.connect_timeout_seconds,
        )
        # With IAM the temporary password is part of the pool's fingerprint: new credentials, new pool.
        return Connection(wire, datasource_id=conn.datasource_id, policy=conn.policy, pools=conn.pools)

    async def test(self, conn: Connection[RedshiftConfig]) -> TestResult:
        if not conn.config.host:
            return TestResult(False, "No host was given.", BadParameters.code, "Set the cluster's endpoint.")
        try:
            with self.map_errors():
                wire = await self._wire_connection(conn)
        except ConnectorError as exc:
            return TestResult(False, exc.message, exc.code, exc.hint)
        outcome = await self._wire.test(wire)
        if outcome.ok:
            return TestResult(True, f"Connected to {conn.config.database} as {wire.config.user}.")
        return TestResult(False, outcome.message.replace("PostgreSQL", "Redshift"), outcome.code, outcome.hint)

    async def structure(self, conn: Connection[RedshiftConfig]) -> Structure:
        with self.map_errors():
            wire = await self._wire_connection(conn)
            try:
                result = await self._wire.execute(wire, SqlQuery(sql=_SVV_STRUCTURE_SQL), [], Limits(timeout_seconds=15))
            except QueryFailed as exc:
                if "svv_" not in exc.message:
                    raise
                return await self._wire.structure(wire)  # no SVV views: a PostgreSQL server
        tables: dict[tuple[str, str], Table] = {}
        for row in result.body:
            schema, name = row["table_schema"], row["table_name"]
            table = tables.get((schema, name))
            if table is None:
                kind = "view" if "VIEW" in str(row["table_type"]) else "table"
                table = tables[(schema, name)] = Table(name=name, schema=schema, kind=kind, columns=[])
            table.columns.append(Column(row["column_name"], row["data_type"], bool(row["nullable"])))
        return Structure(tables=list(tables.values()))

    async def execute(
        self, conn: Connection[RedshiftConfig], query: SqlQuery, params: Sequence[Any] | None, limits: Limits
    ) -> ExecutionResult:
        if _WRITE_RETURNING.match(query.sql):
            raise BadParameters(
                "Redshift has no RETURNING clause.",
                "Run the write, then select the rows it wrote in a second query.",
            )
        with self.map_errors():
            wire = await self._wire_connection(conn)
            return await self._wire.execute(wire, query, params, limits)


def _iam_error(exc: Exception) -> ConnectorError:
    if isinstance(exc, boto_errors.EndpointConnectionError):
        return ConnectionFailed(f"Could not reach the Redshift API for IAM credentials: {exc}")
    if isinstance(exc, boto_errors.ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        message = str(error.get("Message") or code)
        if code in {"InvalidClientTokenId", "SignatureDoesNotMatch", "AccessDenied", "UnauthorizedOperation", "ExpiredToken"}:
            return AuthFailed(f"AWS refused the IAM credentials request: {message}")
        if code == "ClusterNotFound":
            return QueryFailed(f"AWS knows no such cluster: {message}", "Check the cluster identifier and region.")
        return QueryFailed(f"The Redshift API answered {code}: {message}")
    return ConnectionFailed(f"The IAM credentials request failed: {exc}")
