"""Google Firestore (native mode): get, query with where/order/limit, add, set, update, delete.

Speaks Firestore's REST API (v1) with httpx through the network guard, rather than the gRPC
client library: the guard pins every connection to the address it checked, which httpx lets us
do and gRPC's channel does not without its own resolver. Signs in as a service account (the
JWT grant of `lowcraft.connectors.sheets`), or, against the Firestore emulator, as its owner.

Bound values are values: `where` is a JSON array of `[field, operator, value]` whose values become
Firestore typed values (`{"stringValue": ...}`), and `data` is a JSON object whose values do too;
field paths and operators are the template's own, checked against Firestore's operator list.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any, Literal
from urllib.parse import quote

import anyio
import httpx
from pydantic import BaseModel, Field

from lowcraft.connectors.base import (
    Connection,
    Connector,
    ConnectorSamples,
    ExecutionResult,
    Limits,
    Structure,
    Table,
    TestResult,
    url_host,
)
from lowcraft.connectors.errors import AuthFailed, BadParameters, ConnectorError, QueryFailed
from lowcraft.connectors.http_common import HttpConnectionConfig, client_for, map_http_errors, send
from lowcraft.connectors.schema import Binds, Secret
from lowcraft.connectors.sheets import ServiceAccount

DATASTORE_SCOPE = "https://www.googleapis.com/auth/datastore"

_OPERATORS = {
    "==": "EQUAL", "!=": "NOT_EQUAL", "<": "LESS_THAN", "<=": "LESS_THAN_OR_EQUAL", ">": "GREATER_THAN",
    ">=": "GREATER_THAN_OR_EQUAL", "array-contains": "ARRAY_CONTAINS", "in": "IN", "not-in": "NOT_IN",
    "array-contains-any": "ARRAY_CONTAINS_ANY",
}


class FirestoreConfig(BaseModel):
    """A Google Cloud project's Firestore, as a service account; or the local emulator."""

    project_id: str = Field(default="", pattern=r"^[a-z0-9-]{0,63}$")
    service_account_key: Annotated[str, Secret()] = Field(default="", description="The JSON key file's contents")
    api_base_url: str = Field(default="https://firestore.googleapis.com", description="The emulator: http://host:port")
    emulator: bool = Field(default=False, description="Sign in as the emulator's owner (no key)")


class FirestoreQuery(BaseModel):
    """One operation on a collection (`orders`, or a subcollection `users/ada/orders`)."""

    operation: Literal["query", "get", "add", "set", "update", "delete"] = "query"
    collection: Annotated[str, Binds("text")] = ""
    document_id: Annotated[str, Binds("text")] = ""
    where: Annotated[str, Binds("json")] = Field(default="", description='[["status", "==", {{Select1.selectedOptionValue}}]]')
    order_by: Annotated[str, Binds("none")] = Field(default="", description="A field path")
    descending: bool = False
    limit: int = Field(default=1000, ge=1, le=10_000)
    data: Annotated[str, Binds("json")] = Field(default="", description='add/set/update: {"status": {{s}}}')


def to_value(value: Any) -> dict[str, Any]:
    """A JSON value as a Firestore typed value."""
    if value is None:
        return {"nullValue": None}
    if isinstance(value, bool):
        return {"booleanValue": value}
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise BadParameters(f"{value} is beyond Firestore's 64-bit integers; send it as text.")
        return {"integerValue": str(value)}
    if isinstance(value, float):
        if not math.isfinite(value):
            raise BadParameters(f"{value!r} is not a number Firestore stores here.")
        return {"doubleValue": value}
    if isinstance(value, str):
        return {"stringValue": value}
    if isinstance(value, list):
        return {"arrayValue": {"values": [to_value(v) for v in value]}}
    if isinstance(value, dict):
        return {"mapValue": {"fields": {str(k): to_value(v) for k, v in value.items()}}}
    return {"stringValue": str(value)}


def from_value(value: dict[str, Any]) -> Any:
    """A Firestore typed value as JSON (timestamps and references as text, bytes as base64)."""
    if len(value) != 1:
        return None
    kind, raw = next(iter(value.items()))
    inner: Any = raw
    if kind == "integerValue":
        number = int(inner)
        return number if abs(number) <= 2**53 else str(number)
    if kind == "arrayValue":
        return [from_value(v) for v in inner.get("values", [])]
    if kind == "mapValue":
        return {k: from_value(v) for k, v in inner.get("fields", {}).items()}
    if kind == "bytesValue":
        return inner if isinstance(inner, str) else base64.b64encode(bytes(inner or b"")).decode()
    if kind == "doubleValue":
        return inner if isinstance(inner, (int, float)) else str(inner)
    return inner


def _document_out(doc: dict[str, Any]) -> dict[str, Any]:
    fields = {k: from_value(v) for k, v in doc.get("fields", {}).items()}
    name = str(doc.get("name", ""))
    return {**fields, "_id": name.rsplit("/", 1)[-1], "_path": name.split("/documents/", 1)[-1],
            "_updateTime": doc.get("updateTime")}


def _segments(path: str, what: str) -> list[str]:
    parts = [p for p in path.strip().strip("/").split("/")]
    if not parts or any(not p or p in (".", "..") for p in parts):
        raise BadParameters(f"{path!r} is not a {what} path.")
    return parts


def _json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadParameters(f"The {what} is not valid JSON: {exc.msg}.") from None


def structured_where(text: str) -> dict[str, Any] | None:
    """`[[field, op, value], ...]` as a Firestore filter (AND of field filters)."""
    if not text.strip():
        return None
    clauses = _json(text, "where")
    if not isinstance(clauses, list) or not all(isinstance(c, list) and len(c) == 3 for c in clauses):
        raise BadParameters('where is a JSON array of [field, operator, value] clauses: [["status", "==", "open"]].')
    filters = []
    for field, op, value in clauses:
        if not isinstance(field, str) or not field:
            raise BadParameters("Each where clause starts with a field path (text).")
        if op not in _OPERATORS:
            raise BadParameters(f"{op!r} is no Firestore operator; use one of {', '.join(_OPERATORS)}.")
        if op in ("in", "not-in", "array-contains-any") and not isinstance(value, list):
            raise BadParameters(f"The {op} operator takes an array.")
        filters.append({"fieldFilter": {"field": {"fieldPath": field}, "op": _OPERATORS[op], "value": to_value(value)}})
    if len(filters) == 1:
        return filters[0]
    return {"compositeFilter": {"op": "AND", "filters": filters}}


class FirestoreConnector(Connector[FirestoreConfig, FirestoreQuery]):
    """Reads and writes Firestore documents."""

    type_name = "firestore"
    display_name = "Google Firestore"
    connection_schema = FirestoreConfig
    query_schema = FirestoreQuery
    samples = ConnectorSamples(
        connection={"project_id": "lowcraft-samples", "api_base_url": "http://127.0.0.1:1", "emulator": True,
                    "service_account_key": ""},
        unreachable={"project_id": "lowcraft-samples", "api_base_url": "http://127.0.0.1:9", "emulator": True},
        query={"operation": "query", "collection": "samples", "where": '[["name", "==", {{Input1.text}}]]'},
        params={"Input1.text": "Ada' || true"},
        at=lambda host, port: {"project_id": "lowcraft-samples", "api_base_url": f"http://{url_host(host)}:{port}",
                               "emulator": True},
    )

    @contextmanager
    def map_errors(self) -> Iterator[None]:
        with map_http_errors():
            yield

    def _root(self, config: FirestoreConfig) -> str:
        if not config.project_id:
            raise BadParameters("No project ID was given.")
        if not config.api_base_url.startswith(("http://", "https://")):
            raise BadParameters("The API base URL must start with http:// or https://.")
        return f"{config.api_base_url.rstrip('/')}/v1/projects/{config.project_id}/databases/(default)/documents"

    async def _call(
        self, conn: Connection[FirestoreConfig], method: str, url: str, limits: Limits, *,
        payload: Any = None, params: list[tuple[str, str]] | None = None, missing_ok: bool = False,
    ) -> Any:
        config = conn.config
        account = None if config.emulator else ServiceAccount(config.service_account_key, DATASTORE_SCOPE)
        with map_http_errors(limits), anyio.fail_after(limits.timeout_seconds):
            client = client_for(conn.policy, HttpConnectionConfig(follow_redirects=False))
            token = "owner" if account is None else await account.token(client, limits)
            request = client.build_request(method, url, json=payload, params=httpx.QueryParams(tuple(params or ())),
                                           headers={"Authorization": f"Bearer {token}"})
            reply = await send(client, request, limits.max_response_bytes)
        if reply.status_code == 404 and missing_ok:
            return None
        if reply.status_code >= 400:
            error = reply.body[0] if isinstance(reply.body, list) and reply.body else reply.body
            inner = error.get("error") if isinstance(error, dict) else None
            words = inner.get("message") if isinstance(inner, dict) else str(error)[:300]
            error_class = AuthFailed if reply.status_code in (401, 403) else QueryFailed
            raise error_class(f"Firestore answered HTTP {reply.status_code}: {words}",
                              details={"statusCode": reply.status_code, "body": reply.body})
        return reply.body

    async def test(self, conn: Connection[FirestoreConfig]) -> TestResult:
        try:
            with self.map_errors():
                root = self._root(conn.config)
                found = await self._call(conn, "POST", f"{root}:listCollectionIds", Limits(timeout_seconds=15), payload={})
        except ConnectorError as exc:
            return TestResult(False, exc.message, exc.code, exc.hint)
        ids = found.get("collectionIds", []) if isinstance(found, dict) else []
        return TestResult(True, f"Reached the Firestore of {conn.config.project_id}; {len(ids)} top-level collection(s).")

    async def structure(self, conn: Connection[FirestoreConfig]) -> Structure:
        with self.map_errors():
            root = self._root(conn.config)
            found = await self._call(conn, "POST", f"{root}:listCollectionIds", Limits(timeout_seconds=15), payload={})
        ids = found.get("collectionIds", []) if isinstance(found, dict) else []
        return Structure(tables=[Table(name=i, columns=[], kind="collection") for i in ids])

    async def execute(
        self, conn: Connection[FirestoreConfig], query: FirestoreQuery, params: Sequence[Any] | None, limits: Limits
    ) -> ExecutionResult:
        root = self._root(conn.config)
        collection = _segments(query.collection, "collection")
        if len(collection) % 2 == 0:
            raise BadParameters(f"{query.collection!r} names a document; a collection path has an odd number of parts.")
        op = query.operation
        needs_id = op in ("get", "set", "update", "delete")
        if needs_id and not query.document_id.strip():
            raise BadParameters(f"The {op} operation needs a document ID.")
        document_path = "/".join(quote(p, safe="") for p in collection)
        if needs_id:
            document_id = query.document_id.strip()
            if "/" in document_id or document_id in (".", ".."):
                raise BadParameters("A document ID has no slash; write subcollections in the collection path.")
            document_path += "/" + quote(document_id, safe="")
        request: dict[str, Any] = {"operation": op, "collection": query.collection, "documentId": query.document_id or None}
        with self.map_errors():
            body = await self._run(conn, root, collection, document_path, query, limits, request)
        return ExecutionResult(body=body, request=request, row_count=len(body) if isinstance(body, list) else None)

    async def _run(
        self, conn: Connection[FirestoreConfig], root: str, collection: list[str], document_path: str,
        query: FirestoreQuery, limits: Limits, request: dict[str, Any],
    ) -> Any:
        op = query.operation
        if op == "get":
            doc = await self._call(conn, "GET", f"{root}/{document_path}", limits, missing_ok=True)
            return None if doc is None else _document_out(doc)
        if op == "delete":
            await self._call(conn, "DELETE", f"{root}/{document_path}", limits)
            return {"deleted": True, "_id": query.document_id}
        if op in ("add", "set", "update"):
            data = _json(query.data, "data") if query.data.strip() else None
            if not isinstance(data, dict) or (op != "set" and not data):
                raise BadParameters("The data must be a JSON object of fields and values.")
            fields = {str(k): to_value(v) for k, v in data.items()}
            request["data"] = data
            if op == "add":
                doc = await self._call(conn, "POST", f"{root}/{document_path}", limits, payload={"fields": fields})
                return _document_out(doc)
            params: list[tuple[str, str]] = []
            if op == "update":
                # Only the fields given change; the document must exist.
                params = [("updateMask.fieldPaths", _field_path(k)) for k in data] + [("currentDocument.exists", "true")]
            doc = await self._call(conn, "PATCH", f"{root}/{document_path}", limits, payload={"fields": fields}, params=params)
            return _document_out(doc)
        structured: dict[str, Any] = {"from": [{"collectionId": collection[-1]}], "limit": query.limit}
        where = structured_where(query.where)
        if where is not None:
            structured["where"] = where
        if query.order_by.strip():
            structured["orderBy"] = [{"field": {"fieldPath": query.order_by.strip()},
                                      "direction": "DESCENDING" if query.descending else "ASCENDING"}]
        parent = root + ("/" + "/".join(quote(p, safe="") for p in collection[:-1]) if len(collection) > 1 else "")
        request["structuredQuery"] = structured
        answers = await self._call(conn, "POST", f"{parent}:runQuery", limits, payload={"structuredQuery": structured})
        return [_document_out(a["document"]) for a in answers or [] if isinstance(a, dict) and "document" in a]


def _field_path(name: str) -> str:
    """A field name as an update mask path: back-quoted unless a plain identifier."""
    if name.replace("_", "a").isalnum() and not name[:1].isdigit():
        return name
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`"
