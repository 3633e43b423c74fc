"""Amazon DynamoDB: items by key, queries, scans, batch reads and PartiQL, with boto3 in a thread.

Values are never text inside an expression. Keys, items and expression values are JSON documents
whose bindings are JSON-encoded where they stand (`{"id": {{Table1.selectedRow.id}}}`), then
converted to DynamoDB attribute values; expressions (`#s = :status`) take no bindings at all, so a
viewer's input cannot change which attributes a condition reads or an update writes. A PartiQL
statement's bindings become `?` parameters (`Parameters`), like SQL's.

The client is `lowcraft.connectors.aws`'s: sockets through the network guard, only the
datasource's own keys. Reads follow DynamoDB's pages up to the query's `limit`, within the
response size cap; the key to continue from is returned in the `x-last-evaluated-key` header
(`responseMeta.headers`), and `start_key` takes it back.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import botocore.exceptions as boto_errors
from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer
from pydantic import BaseModel, Field

from lowcraft import jsontext
from lowcraft.connectors.aws import AwsClient, AwsKeys, guarded_client, run_with_client
from lowcraft.connectors.base import (
    Column,
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
from lowcraft.connectors.sql_dialect import SqlDialect
from lowcraft.connectors.sql_results import json_safe

Operation = Literal[
    "query", "scan", "get_item", "put_item", "update_item", "delete_item", "batch_get", "execute_statement"
]

_AUTH_CODES = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "AccessDeniedException",
        "MissingAuthenticationTokenException",
        "ExpiredTokenException",
        "IncompleteSignatureException",
        "InvalidClientTokenId",
    }
)
_THROTTLED = frozenset(
    {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded", "LimitExceededException"}
)
_BATCH_GET_MAX = 100
_BATCH_RETRIES = 5
_STRUCTURE_TABLES = 200


class DynamoConfig(BaseModel):
    """An AWS region and an access key pair; `endpoint_url` for DynamoDB Local or another endpoint."""

    region: str = Field(default="us-east-1", pattern=r"^[a-z0-9-]{1,40}$")
    endpoint_url: str = Field(default="", description="Leave empty for AWS itself")
    access_key_id: str = Field(min_length=1)
    secret_access_key: Annotated[str, Secret()] = Field(min_length=1)
    session_token: Annotated[str, Secret()] = ""
    connect_timeout_seconds: float = Field(default=5, gt=0, le=60)


class DynamoQuery(BaseModel):
    """One DynamoDB operation. Keys, items and values are JSON; expressions take no bindings."""

    operation: Operation = "query"
    table: Annotated[str, Binds("text")] = ""
    key: Annotated[str, Binds("json")] = Field(default="", description='get/update/delete: {"id": 42}')
    item: Annotated[str, Binds("json")] = Field(default="", description="put: the whole item")
    keys: Annotated[str, Binds("json")] = Field(default="", description="batch_get: an array of keys")
    index_name: Annotated[str, Binds("text")] = ""
    key_condition_expression: Annotated[str, Binds("none")] = Field(default="", description="query: pk = :pk")
    filter_expression: Annotated[str, Binds("none")] = ""
    update_expression: Annotated[str, Binds("none")] = Field(default="", description="update: SET #s = :status")
    condition_expression: Annotated[str, Binds("none")] = ""
    projection_expression: Annotated[str, Binds("none")] = ""
    expression_names: Annotated[str, Binds("json")] = Field(default="", description='{"#s": "status"}')
    expression_values: Annotated[str, Binds("json")] = Field(
        default="", description='{":status": {{Select1.selectedOptionValue}}}'
    )
    statement: Annotated[str, Binds("sql")] = Field(
        default="", description="execute_statement: PartiQL; bindings become ? parameters"
    )
    start_key: Annotated[str, Binds("json")] = Field(default="", description="query/scan: where to continue")
    limit: int = Field(default=1000, ge=1, le=100_000, description="query/scan/execute_statement: items at most")
    scan_forward: bool = True
    consistent_read: bool = False


# PartiQL for DynamoDB: `?` parameters, '' inside strings, "quoted" names, no dollar quotes.
PARTIQL_DIALECT = SqlDialect(
    name="partiql",
    placeholder="?",
    percent_escape=False,
    adapt=lambda value: value,
    dollar_quotes=False,
    escape_strings=False,
    nested_comments=False,
    max_parameters=None,
)

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def _no_constant(name: str) -> Any:
    raise BadParameters(f"{name} is not a number DynamoDB can store.")


def _document(text: str, what: str) -> Any:
    """A JSON field as Python values DynamoDB takes (numbers as Decimal), or `BadParameters`."""
    try:
        return json.loads(text, parse_float=Decimal, parse_int=Decimal, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise BadParameters(f"The {what} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}.") from None


def _object(text: str, what: str, *, required: bool) -> dict[str, Any] | None:
    if not text.strip():
        if required:
            raise BadParameters(f"This operation needs the {what}.")
        return None
    value = _document(text, what)
    if not isinstance(value, dict):
        raise BadParameters(f"The {what} must be a JSON object, not {type(value).__name__}.")
    return value


def _attribute(value: Any, where: str) -> dict[str, Any]:
    """A JSON-ish value as a DynamoDB attribute value (`{"S": "x"}`), or `BadParameters`."""
    if isinstance(value, float):
        value = Decimal(repr(value))
    try:
        serialized: dict[str, Any] = _serializer.serialize(_decimals(value))
    except (TypeError, ValueError, InvalidOperation) as exc:
        raise BadParameters(f"{where} cannot be stored in DynamoDB: {exc}") from None
    return serialized


def _decimals(value: Any) -> Any:
    # JSON from a binding value may hold floats and ints; DynamoDB's numbers are decimals.
    if isinstance(value, bool) or value is None or isinstance(value, (str, Decimal)):
        return value
    if isinstance(value, (int, float)):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if isinstance(value, dict):
        return {str(k): _decimals(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decimals(v) for v in value]
    return value


def _attributes(document: dict[str, Any], what: str) -> dict[str, Any]:
    return {name: _attribute(value, f"{what} attribute {name!r}") for name, value in document.items()}


def _plain(value: Any) -> Any:
    """A deserialized DynamoDB value as JSON: sets as sorted lists, binary as base64, exact numbers."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_plain(v) for v in value), key=lambda v: (str(type(v)), v))
    if isinstance(value, Binary):
        return base64.b64encode(value.value).decode()
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return json_safe(int(value))  # 42, not 42.0; beyond 2**53 as text
    return json_safe(value)


def _item(attributes: dict[str, Any] | None) -> dict[str, Any] | None:
    if attributes is None:
        return None
    return {name: _plain(_deserializer.deserialize(v)) for name, v in attributes.items()}


class _Items:
    """Items gathered page by page, failing with `ResponseTooLarge` once past the cap."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.items: list[dict[str, Any]] = []
        self.size = 2

    def add(self, page: list[dict[str, Any]]) -> None:
        batch = [item for item in (_item(a) for a in page) if item is not None]
        if not batch:
            return
        self.size += len(jsontext.dumps(batch)) + 1
        if self.size > self.max_bytes:
            raise ResponseTooLarge(
                f"The items are larger than the {self.max_bytes / (1024 * 1024):g} MB this instance allows "
                f"(passed it after {len(self.items) + len(batch)} items).",
                "Lower the query's limit, project fewer attributes, or page with the start key.",
            )
        self.items.extend(batch)


def _client(config: DynamoConfig, policy: InstancePolicy) -> AwsClient:
    return guarded_client(
        "dynamodb",
        endpoint_url=config.endpoint_url,
        region=config.region,
        keys=AwsKeys(config.access_key_id, config.secret_access_key, config.session_token),
        connect_timeout=config.connect_timeout_seconds,
        policy=policy,
    )


def _type_name(code: str) -> str:
    return {"S": "string", "N": "number", "B": "binary"}.get(code, code)


def _table_of(description: dict[str, Any]) -> Table:
    types = {a["AttributeName"]: a["AttributeType"] for a in description.get("AttributeDefinitions", [])}
    primary = [k["AttributeName"] for k in description.get("KeySchema", [])]
    columns = [Column(name, _type_name(types.get(name, "")), False, True) for name in primary]
    # Index keys are attributes every indexed item has; the rest of an item is schemaless.
    for name, code in types.items():
        if name not in primary:
            columns.append(Column(name, _type_name(code), True, False))
    return Table(name=description["TableName"], columns=columns, kind="table")


class _Request:
    """A bound `DynamoQuery` checked and converted to boto3 arguments before anything is sent."""

    def __init__(self, query: DynamoQuery, params: Sequence[Any] | None) -> None:
        self.query = query
        op = query.operation
        if op != "execute_statement" and not query.table.strip():
            raise BadParameters("No table was given.", "Set the query's table.")
        if op == "execute_statement" and not query.statement.strip():
            raise BadParameters("This operation needs a PartiQL statement.")
        if op == "query" and not query.key_condition_expression.strip():
            raise BadParameters("A query needs a key condition expression (pk = :pk).")
        if op == "update_item" and not query.update_expression.strip():
            raise BadParameters("An update needs an update expression (SET #s = :status).")
        self.key = _object(query.key, "key", required=op in ("get_item", "update_item", "delete_item"))
        self.item = _object(query.item, "item", required=op == "put_item")
        start = query.start_key.strip()
        if start.startswith('"'):
            # The x-last-evaluated-key header bound as it comes: JSON text inside a JSON string.
            inner = _document(start, "start key")
            start = inner if isinstance(inner, str) else start
        self.start_key = _object(start, "start key", required=False)
        names = _object(query.expression_names, "expression names", required=False)
        if names is not None and not all(isinstance(v, str) for v in names.values()):
            raise BadParameters("Every expression name must stand for an attribute name (text).")
        self.names: dict[str, str] | None = names
        self.values = _object(query.expression_values, "expression values", required=False)
        self.keys: list[dict[str, Any]] = []
        if op == "batch_get":
            keys = _document(query.keys, "keys") if query.keys.strip() else None
            if not isinstance(keys, list) or not keys or not all(isinstance(k, dict) for k in keys):
                raise BadParameters("batch_get needs keys: a JSON array of key objects.")
            if len(keys) > _BATCH_GET_MAX:
                raise BadParameters(f"batch_get reads at most {_BATCH_GET_MAX} keys at a time, not {len(keys)}.")
            self.keys = keys
        self.parameters = [_attribute(v, f"Parameter {i + 1}") for i, v in enumerate(params or [])]

    def common(self, *, expressions: Sequence[str]) -> dict[str, Any]:
        """TableName plus the expressions named (when set) and their names and values."""
        q = self.query
        args: dict[str, Any] = {"TableName": q.table}
        fields = {
            "KeyConditionExpression": q.key_condition_expression,
            "FilterExpression": q.filter_expression,
            "UpdateExpression": q.update_expression,
            "ConditionExpression": q.condition_expression,
            "ProjectionExpression": q.projection_expression,
        }
        for name in expressions:
            if fields[name].strip():
                args[name] = fields[name]
        if self.names:
            args["ExpressionAttributeNames"] = self.names
        if self.values:
            args["ExpressionAttributeValues"] = _attributes(self.values, "Expression value")
        return args


class DynamodbConnector(Connector[DynamoConfig, DynamoQuery]):
    """Works on DynamoDB tables (AWS, DynamoDB Local, LocalStack)."""

    type_name = "dynamodb"
    display_name = "Amazon DynamoDB"
    connection_schema = DynamoConfig
    query_schema = DynamoQuery
    sql_dialect = PARTIQL_DIALECT
    samples = ConnectorSamples(
        connection={"endpoint_url": "http://127.0.0.1:1", "access_key_id": "test", "secret_access_key": "test"},
        unreachable={
            "endpoint_url": "http://127.0.0.1:9",
            "access_key_id": "test",
            "secret_access_key": "test",
            "connect_timeout_seconds": 2,
        },
        query={
            "operation": "query",
            "table": "samples",
            "key_condition_expression": "pk = :pk",
            "expression_values": '{":pk": {{Input1.text}}}',
        },
        params={"Input1.text": "' OR 1=1 --"},
        at=lambda host, port: {
            "endpoint_url": f"http://{url_host(host)}:{port}",
            "access_key_id": "test",
            "secret_access_key": "test",
            "connect_timeout_seconds": 2,
        },
    )

    @contextmanager
    def map_errors(self) -> Iterator[None]:
        try:
            yield
        except ConnectorError:
            raise
        except (TimeoutError, boto_errors.ConnectTimeoutError, boto_errors.ReadTimeoutError):
            raise Timeout("DynamoDB did not answer within the time limit.") from None
        except boto_errors.EndpointConnectionError as exc:
            raise ConnectionFailed(f"Could not connect to DynamoDB: {exc}") from None
        except boto_errors.ParamValidationError as exc:
            raise BadParameters(f"The request is not valid: {' '.join(str(exc).split())}") from None
        except boto_errors.ClientError as exc:
            error = exc.response.get("Error", {})
            code = str(error.get("Code", ""))
            message = str(error.get("Message") or code)
            if code.startswith("com.amazon"):  # some errors carry the service's namespace
                code = code.rsplit("#", 1)[-1]
            if code in _AUTH_CODES:
                raise AuthFailed(f"DynamoDB refused the credentials: {message}") from None
            if code in _THROTTLED:
                raise QueryFailed(
                    f"DynamoDB throttled the request: {message}",
                    "The table's capacity is used up; try again shortly or raise its capacity.",
                ) from None
            if code == "ResourceNotFoundException":
                raise QueryFailed(f"DynamoDB has no such table or index: {message}", "Check the table name and region.") from None
            if code == "ConditionalCheckFailedException":
                raise QueryFailed(f"The condition did not hold, so nothing was written: {message}", "") from None
            raise QueryFailed(f"DynamoDB answered {code}: {message}") from None
        except (boto_errors.BotoCoreError, ValueError) as exc:
            raise ConnectionFailed(f"The DynamoDB request failed: {exc}") from None

    async def _run(self, conn: Connection[DynamoConfig], work: Callable[[Any], Any], timeout: float) -> Any:
        config = conn.config
        if config.endpoint_url and not urlsplit(config.endpoint_url).hostname:
            raise BadParameters("The endpoint URL has no host.")
        return await run_with_client(conn, self.type_name, lambda: _client(config, conn.policy), work, timeout)

    async def test(self, conn: Connection[DynamoConfig]) -> TestResult:
        try:
            with self.map_errors():
                listed = await self._run(conn, lambda c: c.list_tables(Limit=100), 15)
        except ConnectorError as exc:
            return TestResult(False, exc.message, exc.code, exc.hint)
        names = listed.get("TableNames", [])
        more = "+" if listed.get("LastEvaluatedTableName") else ""
        return TestResult(True, f"Signed in to DynamoDB in {conn.config.region}; {len(names)}{more} table(s) visible.")

    async def structure(self, conn: Connection[DynamoConfig]) -> Structure:
        def work(client: Any) -> list[Table]:
            names: list[str] = []
            start: dict[str, Any] = {}
            while len(names) < _STRUCTURE_TABLES:
                page = client.list_tables(Limit=100, **start)
                names.extend(page.get("TableNames", []))
                if not page.get("LastEvaluatedTableName"):
                    break
                start = {"ExclusiveStartTableName": page["LastEvaluatedTableName"]}
            return [_table_of(client.describe_table(TableName=n)["Table"]) for n in names[:_STRUCTURE_TABLES]]

        with self.map_errors():
            tables = await self._run(conn, work, 30)
        return Structure(tables=tables)

    async def execute(
        self, conn: Connection[DynamoConfig], query: DynamoQuery, params: Sequence[Any] | None, limits: Limits
    ) -> ExecutionResult:
        with self.map_errors():
            request = _Request(query, params)
            work = getattr(self, f"_{query.operation}")(request, limits)
            body, headers = await self._run(conn, work, limits.timeout_seconds)
        shown: dict[str, Any] = {"operation": query.operation}
        if query.operation == "execute_statement":
            shown.update(statement=query.statement, parameters=[json_safe(p) for p in params or []])
        else:
            shown["table"] = query.table
        return ExecutionResult(
            body=body,
            request=shown,
            headers=headers,
            row_count=len(body) if isinstance(body, list) else None,
        )

    # --- operations: each returns work(client) -> (body, headers) ----------------------------

    @staticmethod
    def _get_item(r: _Request, limits: Limits) -> Callable[[Any], tuple[Any, dict[str, str]]]:
        args = r.common(expressions=["ProjectionExpression"])
        args.pop("ExpressionAttributeValues", None)  # GetItem takes names only
        assert r.key is not None
        args.update(Key=_attributes(r.key, "Key"), ConsistentRead=r.query.consistent_read)

        def work(client: Any) -> tuple[Any, dict[str, str]]:
            return _item(client.get_item(**args).get("Item")), {}

        return work

    @staticmethod
    def _put_item(r: _Request, limits: Limits) -> Callable[[Any], tuple[Any, dict[str, str]]]:
        args = r.common(expressions=["ConditionExpression"])
        assert r.item is not None
        args["Item"] = _attributes(r.item, "Item")

        def work(client: Any) -> tuple[Any, dict[str, str]]:
            client.put_item(**args)
            return _item(args["Item"]), {}

        return work

    @staticmethod
    def _update_item(r: _Request, limits: Limits) -> Callable[[Any], tuple[Any, dict[str, str]]]:
        args = r.common(expressions=["UpdateExpression", "ConditionExpression"])
        assert r.key is not None
        args.update(Key=_attributes(r.key, "Key"), ReturnValues="ALL_NEW")

        def work(client: Any) -> tuple[Any, dict[str, str]]:
            return _item(client.update_item(**args).get("Attributes")), {}

        return work

    @staticmethod
    def _delete_item(r: _Request, limits: Limits) -> Callable[[Any], tuple[Any, dict[str, str]]]:
        args = r.common(expressions=["ConditionExpression"])
        assert r.key is not None
        args.update(Key=_attributes(r.key, "Key"), ReturnValues="ALL_OLD")

        def work(client: Any) -> tuple[Any, dict[str, str]]:
            return _item(client.delete_item(**args).get("Attributes")), {}

        return work

    @staticmethod
    def _paged(
        r: _Request, limits: Limits, call: str, expressions: Sequence[str]
    ) -> Callable[[Any], tuple[Any, dict[str, str]]]:
        args = r.common(expressions=expressions)
        q = r.query
        if q.index_name:
            args["IndexName"] = q.index_name
        if q.consistent_read:
            args["ConsistentRead"] = True
        if call == "query":
            args["ScanIndexForward"] = q.scan_forward
        start = _attributes(r.start_key, "Start key") if r.start_key else None

        def work(client: Any) -> tuple[Any, dict[str, str]]:
            items = _Items(limits.max_response_bytes)
            nonlocal start
            # Each page asks for no more than is still wanted, so the key DynamoDB returns is
            # exactly where the next call should continue.
            while len(items.items) < q.limit:
                page = getattr(client, call)(
                    **args, Limit=q.limit - len(items.items), **({"ExclusiveStartKey": start} if start else {})
                )
                items.add(page.get("Items", []))
                start = page.get("LastEvaluatedKey")
                if not start:
                    break
            headers = {"x-last-evaluated-key": jsontext.dumps(_item(start)).decode()} if start else {}
            return items.items, headers

        return work

    def _query(self, r: _Request, limits: Limits) -> Callable[[Any], tuple[Any, dict[str, str]]]:
        return self._paged(r, limits, "query", ["KeyConditionExpression", "FilterExpression", "ProjectionExpression"])

    def _scan(self, r: _Request, limits: Limits) -> Callable[[Any], tuple[Any, dict[str, str]]]:
        return self._paged(r, limits, "scan", ["FilterExpression", "ProjectionExpression"])

    @staticmethod
    def _batch_get(r: _Request, limits: Limits) -> Callable[[Any], tuple[Any, dict[str, str]]]:
        table = r.query.table
        request: dict[str, Any] = {"Keys": [_attributes(k, "Key") for k in r.keys]}
        if r.query.projection_expression.strip():
            request["ProjectionExpression"] = r.query.projection_expression
        if r.names:
            request["ExpressionAttributeNames"] = r.names
        if r.query.consistent_read:
            request["ConsistentRead"] = True

        def work(client: Any) -> tuple[Any, dict[str, str]]:
            items = _Items(limits.max_response_bytes)
            pending: dict[str, Any] = {table: request}
            for attempt in range(_BATCH_RETRIES):
                answer = client.batch_get_item(RequestItems=pending)
                items.add(answer.get("Responses", {}).get(table, []))
                pending = answer.get("UnprocessedKeys") or {}
                if not pending:
                    return items.items, {}
                time.sleep(0.05 * 2**attempt)  # DynamoDB asks for a backoff before the rest
            raise QueryFailed(
                "DynamoDB left some keys unread after several tries.",
                "The table's read capacity is used up; try again shortly.",
            )

        return work

    @staticmethod
    def _execute_statement(r: _Request, limits: Limits) -> Callable[[Any], tuple[Any, dict[str, str]]]:
        q = r.query
        args: dict[str, Any] = {"Statement": q.statement, "ConsistentRead": q.consistent_read}
        if r.parameters:
            args["Parameters"] = r.parameters

        def work(client: Any) -> tuple[Any, dict[str, str]]:
            items = _Items(limits.max_response_bytes)
            token: str | None = None
            while len(items.items) < q.limit:
                page = client.execute_statement(
                    **args, Limit=q.limit - len(items.items), **({"NextToken": token} if token else {})
                )
                items.add(page.get("Items", []))
                token = page.get("NextToken")
                if not token:
                    break
            return items.items, {"x-next-token": token} if token else {}

        return work
