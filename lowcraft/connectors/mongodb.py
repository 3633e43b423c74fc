"""MongoDB: find, aggregate, insert, update, delete, count and distinct (pymongo's async client).

Bindings are BSON values, never JSON text spliced into a query. Filters, updates, pipelines and
documents are `document` fields: each bare binding arrives as a marker and its value separately
(`lowcraft.actions.query_binding.render_document`), and `fill` puts the value back where the
marker stands so that it can only be a value there:

- where a query compares a field (`{"name": {{Input1.text}}}`), an object is wrapped in `$eq`:
  `{"$ne": null}` then matches a field holding that very object, never every document;
- in aggregation expressions (pipeline stages other than `$match`, `$expr`), every value is wrapped
  in `$literal`, so `"$password"` is the text, not a field path;
- under query operators (`{"$gt": {{n}}}`, `$in`), in updates' values and in inserted documents a
  value is data already;
- a binding inside `$where`, `$function` or `$accumulator` (JavaScript) is refused.

The template's own text is MongoDB Extended JSON (`{"$oid": "..."}`, `{"$date": "..."}`); a binding
inside a string is text there (`{"_id": {"$oid": "{{Table1.selectedRow._id}}"}}`).

The client connects directly to the one server the network guard checked (`directConnection`), so
it never follows the replica-set members a server announces; point it at the primary or a mongos.
TLS is not offered yet (pymongo would check the certificate against the checked IP, not the name).
"""

from __future__ import annotations

import base64
import datetime
import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Annotated, Any, Literal

import bson
import bson.json_util
import pymongo.errors as mongo_errors
from pydantic import BaseModel, Field
from pymongo import AsyncMongoClient

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
from lowcraft.connectors.schema import BINDING_MARKER, Binds, Secret

Operation = Literal["find", "aggregate", "insert", "update", "delete", "count", "distinct"]
Context = Literal["query", "operator", "expression", "data"]

_JAVASCRIPT = frozenset({"$where", "$function", "$accumulator"})
_AUTH_CODES = frozenset({18, 13})  # AuthenticationFailed, Unauthorized
_STRUCTURE_COLLECTIONS = 200
_STRUCTURE_SAMPLE = 20


class MongoConfig(BaseModel):
    """One MongoDB server (a replica set's primary, or a mongos) and a user."""

    host: str = "127.0.0.1"
    port: int = Field(default=27017, ge=1, le=65535)
    database: str = Field(default="test", min_length=1, max_length=64)
    user: str = ""
    password: Annotated[str, Secret()] = ""
    auth_source: str = Field(default="admin", description="The database the user is defined in")
    connect_timeout_seconds: float = Field(default=5, gt=0, le=60)


class MongoQuery(BaseModel):
    """One operation on a collection. Documents are Extended JSON; bindings in them are values."""

    operation: Operation = "find"
    collection: Annotated[str, Binds("text")] = ""
    filter: Annotated[str, Binds("document")] = Field(default="", description='{"status": {{Select1.selectedOptionValue}}}')
    projection: Annotated[str, Binds("document")] = ""
    sort: Annotated[str, Binds("document")] = Field(default="", description='{"createdAt": -1}')
    limit: int = Field(default=1000, ge=0, le=100_000, description="find: documents at most (0: no limit)")
    skip: int = Field(default=0, ge=0)
    pipeline: Annotated[str, Binds("document")] = Field(default="", description="aggregate: an array of stages")
    documents: Annotated[str, Binds("document")] = Field(default="", description="insert: a document or an array")
    update: Annotated[str, Binds("document")] = Field(default="", description='update: {"$set": {"status": {{s}}}}')
    many: bool = Field(default=False, description="update/delete: every matching document, not just the first")
    upsert: bool = False
    field: Annotated[str, Binds("text")] = Field(default="", description="distinct: the field")


# --- putting bound values back -----------------------------------------------------------------


def _marker(node: Any) -> int | None:
    if isinstance(node, dict) and len(node) == 1 and BINDING_MARKER in node:
        index = node[BINDING_MARKER]
        if isinstance(index, int) and not isinstance(index, bool):
            return index
    return None


def _bson_value(value: Any) -> Any:
    """A JSON binding value as BSON takes it (integers beyond 64 bits refused)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise BadParameters(f"{value} is beyond MongoDB's 64-bit integers; send it as text.")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise BadParameters(f"{value!r} is not a number a query can hold.")
        return value
    if isinstance(value, list):
        return [_bson_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _bson_value(v) for k, v in value.items()}
    return str(value)


def _has_marker(node: Any) -> bool:
    if _marker(node) is not None:
        return True
    if isinstance(node, dict):
        return any(_has_marker(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_marker(v) for v in node)
    return False


def fill(node: Any, values: Sequence[Any], context: Context) -> Any:
    """`node` with each marker replaced by its value, made a plain value for where it stands."""
    index = _marker(node)
    if index is not None:
        if not 0 <= index < len(values):
            raise BadParameters(f"{{{BINDING_MARKER!r}: {index}}} names no binding of this query.")
        value = _bson_value(values[index])
        if context == "expression":
            return {"$literal": value}
        if context == "query" and isinstance(value, dict):
            return {"$eq": value}  # a field compared with an object: that very object, no operators
        return value
    if isinstance(node, list):
        # Lists of queries ($and, $or, $nor) keep the query context; other lists were made data above.
        return [fill(item, values, context) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, child in node.items():
        if key in _JAVASCRIPT and _has_marker(child):
            raise BadParameters(
                f"A binding cannot stand inside {key}: it runs JavaScript on the server.",
                "Compare with query operators instead, and bind the values there.",
            )
        if context == "data":
            out[key] = fill(child, values, "data")
        elif context == "expression" or key == "$expr":
            out[key] = fill(child, values, "expression")
        elif key.startswith("$"):
            # A query operator's argument is a value ($gt, $in), or a query again ($and, $elemMatch).
            inner: Context = "query" if key in ("$and", "$or", "$nor", "$elemMatch", "$not") else "operator"
            out[key] = fill(child, values, inner)
        elif context == "operator" or isinstance(child, list):
            out[key] = fill(child, values, "data")  # a document or an array compared as a whole
        else:
            out[key] = fill(child, values, "query")
    return out


def fill_pipeline(stages: Any, values: Sequence[Any]) -> list[Any]:
    """An aggregation pipeline: `$match` stages are queries, every other stage expressions."""
    if not isinstance(stages, list) or not all(isinstance(s, dict) and len(s) == 1 for s in stages):
        raise BadParameters("A pipeline is a JSON array of stages, each an object with one stage name.")
    filled: list[Any] = []
    for stage in stages:
        (name, body), = stage.items()
        if name == "$match":
            filled.append({name: fill(body, values, "query")})
        elif name in ("$limit", "$skip", "$sample") or name == "$count":
            filled.append({name: fill(body, values, "data")})
        else:
            filled.append({name: fill(body, values, "expression")})
    return filled


def parse(text: str, what: str) -> Any:
    """Extended JSON text as Python/BSON values; `BadParameters` when it is not JSON."""
    try:
        return bson.json_util.loads(text)
    except (ValueError, TypeError, bson.errors.InvalidId) as exc:
        raise BadParameters(f"The {what} is not valid Extended JSON: {exc}") from None


def _document(text: str, what: str, values: Sequence[Any], context: Context, *, default: Any = None) -> Any:
    if not text.strip():
        if default is None:
            raise BadParameters(f"This operation needs the {what}.")
        return default
    parsed = parse(text, what)
    if not isinstance(parsed, dict):
        raise BadParameters(f"The {what} must be a JSON object.")
    return fill(parsed, values, context)


def plain(value: Any) -> Any:
    """A BSON value as JSON: ObjectIds and decimals as text, dates as ISO text, binary as base64."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (bson.ObjectId, bson.Decimal128)):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


class _Documents:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.items: list[Any] = []
        self.size = 2

    def add(self, document: Mapping[str, Any]) -> None:
        self.size += len(bson.encode(document)) + 1
        if self.size > self.max_bytes:
            raise ResponseTooLarge(
                f"The documents are larger than the {self.max_bytes / (1024 * 1024):g} MB this instance allows "
                f"(passed it after {len(self.items) + 1} documents).",
                "Lower the limit, project fewer fields, or page with skip.",
            )
        self.items.append(plain(document))


class MongodbConnector(Connector[MongoConfig, MongoQuery]):
    """Works on MongoDB collections; bindings are values, never operators."""

    type_name = "mongodb"
    display_name = "MongoDB"
    connection_schema = MongoConfig
    query_schema = MongoQuery
    samples = ConnectorSamples(
        connection={"host": "127.0.0.1", "port": 27017, "database": "lowcraft_samples", "password": ""},
        unreachable={"host": "127.0.0.1", "port": 9, "database": "test", "connect_timeout_seconds": 2},
        query={"operation": "find", "collection": "samples", "filter": '{"name": {{Input1.text}}}'},
        params={"Input1.text": {"$ne": None}},
        at=lambda host, port: {"host": host, "port": port, "database": "test", "connect_timeout_seconds": 2},
    )

    @contextmanager
    def map_errors(self) -> Iterator[None]:
        try:
            yield
        except ConnectorError:
            raise
        except (TimeoutError, mongo_errors.ExecutionTimeout, mongo_errors.NetworkTimeout):
            raise Timeout("MongoDB did not answer within the time limit.") from None
        except mongo_errors.ServerSelectionTimeoutError as exc:
            raise ConnectionFailed(f"Could not reach MongoDB: {_first_line(exc)}") from None
        except mongo_errors.OperationFailure as exc:
            if exc.code in _AUTH_CODES:
                raise AuthFailed(f"MongoDB refused the login: {exc.details.get('errmsg') if exc.details else exc}") from None
            message = exc.details.get("errmsg") if exc.details else str(exc)
            raise QueryFailed(f"MongoDB refused the operation: {message}") from None
        except mongo_errors.ConnectionFailure as exc:
            raise ConnectionFailed(f"Could not use the MongoDB connection: {_first_line(exc)}") from None
        except (mongo_errors.InvalidOperation, mongo_errors.InvalidName, bson.errors.InvalidDocument) as exc:
            raise BadParameters(str(exc)) from None
        except mongo_errors.PyMongoError as exc:
            raise QueryFailed(f"MongoDB: {_first_line(exc)}") from None

    async def _client(self, conn: Connection[MongoConfig], timeout: float) -> AsyncMongoClient[Any]:
        config = conn.config
        address = await conn.address(config.host, config.port)
        credentials: dict[str, Any] = {}
        if config.user:
            credentials = {"username": config.user, "password": config.password, "authSource": config.auth_source}
        return AsyncMongoClient(
            host=address,
            port=config.port,
            directConnection=True,
            connect=False,
            serverSelectionTimeoutMS=int(config.connect_timeout_seconds * 1000),
            connectTimeoutMS=int(config.connect_timeout_seconds * 1000),
            socketTimeoutMS=int((timeout + 1) * 1000),
            timeoutMS=int(timeout * 1000),
            appname="lowcraft",
            document_class=dict,
            **credentials,
        )

    async def test(self, conn: Connection[MongoConfig]) -> TestResult:
        try:
            with self.map_errors():
                client = await self._client(conn, 10)
                try:
                    info = await client[conn.config.database].command("buildInfo")
                    await client[conn.config.database].list_collection_names()
                finally:
                    await client.close()
        except ConnectorError as exc:
            return TestResult(False, exc.message, exc.code, exc.hint)
        return TestResult(True, f"Connected to MongoDB {info.get('version', '?')}, database {conn.config.database}.")

    async def structure(self, conn: Connection[MongoConfig]) -> Structure:
        tables: list[Table] = []
        with self.map_errors():
            client = await self._client(conn, 20)
            try:
                db = client[conn.config.database]
                names = sorted(await db.list_collection_names())[:_STRUCTURE_COLLECTIONS]
                for name in names:
                    # Fields seen in a few documents: collections have no schema to read.
                    seen: dict[str, str] = {}
                    async for document in db[name].find({}, limit=_STRUCTURE_SAMPLE):
                        for key, value in document.items():
                            seen.setdefault(key, type(value).__name__)
                    columns = [Column(k, t, k != "_id", k == "_id") for k, t in seen.items()]
                    tables.append(Table(name=name, columns=columns, kind="collection"))
            finally:
                await client.close()
        return Structure(tables=tables)

    async def execute(
        self, conn: Connection[MongoConfig], query: MongoQuery, params: Sequence[Any] | None, limits: Limits
    ) -> ExecutionResult:
        values = list(params or [])
        if not query.collection.strip():
            raise BadParameters("No collection was given.")
        op = query.operation
        filt = _document(query.filter, "filter", values, "query", default={})
        request: dict[str, Any] = {"operation": op, "collection": query.collection, "filter": plain(filt)}
        with self.map_errors():
            client = await self._client(conn, limits.timeout_seconds)
            try:
                collection = client[conn.config.database][query.collection]
                body, count = await self._run(op, collection, query, filt, values, limits, request)
            finally:
                await client.close()
        return ExecutionResult(body=body, request=request, row_count=count)

    @staticmethod
    async def _run(
        op: str, collection: Any, query: MongoQuery, filt: dict[str, Any], values: list[Any], limits: Limits,
        request: dict[str, Any],
    ) -> tuple[Any, int | None]:
        if op == "find":
            projection = _document(query.projection, "projection", values, "data", default={}) or None
            sort = _document(query.sort, "sort", values, "data", default={})
            cursor = collection.find(filt, projection, skip=query.skip, limit=query.limit)
            if sort:
                cursor = cursor.sort(list(sort.items()))
            found = _Documents(limits.max_response_bytes)
            async for document in cursor:
                found.add(document)
            return found.items, len(found.items)
        if op == "aggregate":
            stages = fill_pipeline(parse(query.pipeline or "[]", "pipeline"), values)
            request["pipeline"] = plain(stages)
            found = _Documents(limits.max_response_bytes)
            async for document in await collection.aggregate(stages):
                found.add(document)
            return found.items, len(found.items)
        if op == "insert":
            parsed = parse(query.documents, "documents") if query.documents.strip() else None
            batch = parsed if isinstance(parsed, list) else [parsed]
            if not batch or not all(isinstance(d, dict) for d in batch):
                raise BadParameters("insert needs a document (a JSON object) or an array of them.")
            documents = [fill(d, values, "data") for d in batch]
            inserted = await collection.insert_many(documents, ordered=True)
            return {"insertedIds": [str(i) for i in inserted.inserted_ids]}, len(inserted.inserted_ids)
        if op == "update":
            if not query.update.strip():
                raise BadParameters("This operation needs the update.")
            parsed_update = parse(query.update, "update")
            if isinstance(parsed_update, list):
                update: Any = fill_pipeline(parsed_update, values)
            elif isinstance(parsed_update, dict) and parsed_update and all(k.startswith("$") for k in parsed_update):
                update = fill(parsed_update, values, "data")
            else:
                raise BadParameters('An update is operators ({"$set": {...}}) or a pipeline, not a whole document.')
            call = collection.update_many if query.many else collection.update_one
            result = await call(filt, update, upsert=query.upsert)
            return {"matched": result.matched_count, "modified": result.modified_count,
                    "upsertedId": None if result.upserted_id is None else str(result.upserted_id)}, result.modified_count
        if op == "delete":
            if query.many and not filt:
                raise BadParameters(
                    "Deleting every matching document needs a filter; an empty one would delete them all.",
                    "Give a filter; to empty a collection, drop it outside Lowcraft.",
                )
            call = collection.delete_many if query.many else collection.delete_one
            deleted = await call(filt)
            return {"deleted": deleted.deleted_count}, deleted.deleted_count
        if op == "count":
            n = await collection.count_documents(filt)
            return {"count": n}, None
        if not query.field.strip():
            raise BadParameters("distinct needs the field.")
        distinct = await collection.distinct(query.field, filt)
        return plain(distinct), len(distinct)


def _first_line(exc: BaseException) -> str:
    text = str(exc).split(", Timeout:")[0]
    return " ".join(text.split())[:300] or type(exc).__name__
