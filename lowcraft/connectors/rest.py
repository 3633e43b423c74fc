"""REST API connector: one HTTP request (or a series of pages) per execution, via httpx."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Annotated, Any, Literal

import anyio
import httpx
from pydantic import BaseModel, Field

from lowcraft.connectors.base import (
    Connection,
    Connector,
    ConnectorSamples,
    ExecutionResult,
    Limits,
    TestResult,
    url_host,
)
from lowcraft.connectors.errors import AuthFailed, BadParameters, ConnectorError
from lowcraft.connectors.http_common import (
    HttpConnectionConfig,
    HttpReply,
    KeyValue,
    apply_auth,
    client_for,
    host_of,
    map_http_errors,
    raise_for_status,
    redacted_headers,
    redacted_url,
    send,
)
from lowcraft.connectors.schema import Binds


class MultipartField(BaseModel):
    """A multipart form field; with a `filename` it is a file whose `value` is text or base64."""

    key: str
    value: str = ""
    filename: str | None = None
    content_type: str | None = None
    encoding: Literal["text", "base64"] = "text"


class Pagination(BaseModel):
    """Fetch several pages in one execution and return their items as one list.

    `items_path` is the dotted path of the item list in each page's JSON (empty: the body
    itself). `page`: increments the query parameter `page_param` from `start_page`; `next_url`:
    follows the URL at `next_url_path` in the body (empty: the `Link: rel="next"` header);
    `cursor`: sends the value at `cursor_path` back as `cursor_param`. It stops at an empty page,
    a missing next link or cursor, or after `max_pages`.
    """

    mode: Literal["none", "page", "next_url", "cursor"] = "none"
    items_path: str = ""
    max_pages: int = Field(default=10, ge=1, le=1000)
    page_param: str = "page"
    start_page: int = 1
    next_url_path: str = ""
    cursor_path: str = ""
    cursor_param: str = "cursor"


class RestQuery(BaseModel):
    """One API request. `path` is appended to the datasource's base URL (or is a full URL)."""

    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] = "GET"
    path: Annotated[str, Binds("url")] = ""
    query_params: Annotated[list[KeyValue], Binds("text")] = Field(default_factory=list)
    headers: Annotated[list[KeyValue], Binds("text")] = Field(default_factory=list)
    body_type: Literal["none", "json", "form", "multipart", "raw"] = "none"
    json_body: Annotated[str, Binds("json")] = ""
    form: Annotated[list[KeyValue], Binds("text")] = Field(default_factory=list)
    multipart: Annotated[list[MultipartField], Binds("text")] = Field(default_factory=list)
    raw_body: Annotated[str, Binds("text")] = ""
    content_type: str = "text/plain"
    pagination: Pagination = Field(default_factory=lambda: Pagination())


def dotted(value: Any, path: str) -> Any:
    """`value` at a dotted path (`data.items`, `links.next`); None where the path does not exist."""
    for part in [p for p in path.split(".") if p]:
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def build_url(base_url: str, path: str) -> str:
    if not base_url:
        return path
    if path.startswith(("http://", "https://")):
        return path
    if not path:
        return base_url
    return base_url.rstrip("/") + "/" + path.lstrip("/")


class RestConnector(Connector[HttpConnectionConfig, RestQuery]):
    """Calls HTTP APIs: auth, redirects, pagination, size and time limits, guarded addresses."""

    type_name = "rest"
    display_name = "REST API"
    connection_schema = HttpConnectionConfig
    query_schema = RestQuery
    samples = ConnectorSamples(
        connection={"base_url": "http://127.0.0.1:1/api"},
        unreachable={"base_url": "http://127.0.0.1:9/api"},
        query={"method": "GET", "path": "/echo", "query_params": [{"key": "q", "value": "{{Input1.text}}"}]},
        params={"Input1.text": "a&b=c"},
        at=lambda host, port: {"base_url": f"http://{url_host(host)}:{port}/api"},
    )

    def map_errors(self) -> AbstractContextManager[None]:
        return map_http_errors()

    async def test(self, conn: Connection[HttpConnectionConfig]) -> TestResult:
        try:
            with map_http_errors():
                with anyio.fail_after(10):
                    client = client_for(conn.policy, conn.config)
                    headers = {h.key: h.value for h in conn.config.headers}
                    params = [(p.key, p.value) for p in conn.config.query_params]
                    await apply_auth(client, conn.config.auth, headers, params)
                    request = client.build_request(
                        "GET",
                        conn.config.base_url,
                        headers=headers,
                        params=httpx.QueryParams(tuple(params)) if params else None,
                    )
                    reply = await send(client, request, 1024 * 1024)
        except ConnectorError as exc:
            return TestResult(False, exc.message, exc.code, exc.hint)
        if reply.status_code in (401, 403) and conn.config.auth.type != "none":
            err = AuthFailed(f"The API refused the credentials (HTTP {reply.status_code}).")
            return TestResult(False, err.message, err.code, err.hint)
        return TestResult(True, f"Reached {host_of(conn.config.base_url)} (HTTP {reply.status_code}).")

    async def execute(
        self,
        conn: Connection[HttpConnectionConfig],
        query: RestQuery,
        params: Sequence[Any] | None,
        limits: Limits,
    ) -> ExecutionResult:
        config = conn.config
        with map_http_errors(limits):
            with anyio.fail_after(limits.timeout_seconds):
                client = client_for(conn.policy, config)
                headers = {h.key: h.value for h in config.headers}
                headers.update({h.key: h.value for h in query.headers if h.key})
                query_params = [(p.key, p.value) for p in config.query_params]
                query_params += [(p.key, p.value) for p in query.query_params if p.key]
                pagination = query.pagination
                if pagination.mode == "page" and all(k != pagination.page_param for k, _ in query_params):
                    query_params.append((pagination.page_param, str(pagination.start_page)))
                await apply_auth(client, config.auth, headers, query_params)
                url = build_url(config.base_url, query.path)
                if not url:
                    raise BadParameters(
                        "The request has no URL.", "Set the datasource's base URL or a full URL."
                    )
                content = self._body(query, headers)
                request = client.build_request(
                    query.method,
                    url,
                    headers=headers,
                    params=httpx.QueryParams(tuple(query_params)) if query_params else None,
                    **content,
                )
                sent = {
                    "method": query.method,
                    "url": redacted_url(request.url, config.auth),
                    "headers": redacted_headers(dict(request.headers), config.auth),
                    "body": self._shown_body(query),
                }
                reply = await send(client, request, limits.max_response_bytes)
                raise_for_status(reply)
                body = reply.body
                if query.pagination.mode != "none":
                    body = await self._paginate(client, request, reply, query.pagination, limits)
        return ExecutionResult(
            body=body,
            request=sent,
            status_code=reply.status_code,
            headers=reply.headers,
            row_count=len(body) if isinstance(body, list) else None,
        )

    @staticmethod
    def _body(query: RestQuery, headers: dict[str, str]) -> dict[str, Any]:
        if query.method in ("GET", "HEAD") and query.body_type != "none":
            raise BadParameters(f"A {query.method} request cannot carry a body.")
        if query.body_type == "json":
            return {"json": json.loads(query.json_body)} if query.json_body.strip() else {}
        if query.body_type == "form":
            return {"data": {f.key: f.value for f in query.form if f.key}}
        if query.body_type == "multipart":
            data: dict[str, str] = {}
            files: list[tuple[str, tuple[str, bytes, str]]] = []
            for f in query.multipart:
                if f.filename is None:
                    data[f.key] = f.value
                    continue
                try:
                    raw = (
                        base64.b64decode(f.value, validate=True)
                        if f.encoding == "base64"
                        else f.value.encode()
                    )
                except ValueError:
                    raise BadParameters(f"The file {f.filename!r} is not valid base64.") from None
                files.append((f.key, (f.filename, raw, f.content_type or "application/octet-stream")))
            return {"data": data, "files": files}
        if query.body_type == "raw":
            if not any(k.lower() == "content-type" for k in headers):
                headers["Content-Type"] = query.content_type
            return {"content": query.raw_body.encode()}
        return {}

    @staticmethod
    def _shown_body(query: RestQuery) -> Any:
        if query.body_type == "json":
            return json.loads(query.json_body) if query.json_body.strip() else None
        if query.body_type == "form":
            return {f.key: f.value for f in query.form}
        if query.body_type == "multipart":
            return {f.key: (f"<file {f.filename}>" if f.filename else f.value) for f in query.multipart}
        if query.body_type == "raw":
            return query.raw_body
        return None

    async def _paginate(
        self,
        client: httpx.AsyncClient,
        first: httpx.Request,
        reply: HttpReply,
        pg: Pagination,
        limits: Limits,
    ) -> list[Any]:
        items: list[Any] = []
        read = reply.size
        page_number = pg.start_page
        request = first
        for page_index in range(pg.max_pages):
            page_items = dotted(reply.body, pg.items_path)
            if not isinstance(page_items, list):
                raise BadParameters(
                    f"Page {page_index + 1} has no list at {pg.items_path or 'the top level'}.",
                    "Set the pagination's items path to where the list is in each response.",
                )
            if not page_items:
                break
            items.extend(page_items)
            if page_index + 1 == pg.max_pages:
                break
            if pg.mode == "page":
                page_number += 1
                url = request.url.copy_set_param(pg.page_param, str(page_number))
            elif pg.mode == "next_url":
                target = dotted(reply.body, pg.next_url_path) if pg.next_url_path else _link_next(reply)
                if not target:
                    break
                url = request.url.join(str(target))
            else:
                cursor = dotted(reply.body, pg.cursor_path)
                if cursor in (None, ""):
                    break
                url = request.url.copy_set_param(pg.cursor_param, str(cursor))
            request = client.build_request(first.method, url, headers=first.headers)
            reply = await send(client, request, limits.max_response_bytes, already=read)
            raise_for_status(reply)
            read = reply.size
        return items


def _link_next(reply: HttpReply) -> str | None:
    header = reply.headers.get("link", "")
    for part in header.split(","):
        if 'rel="next"' in part or "rel=next" in part:
            start, end = part.find("<"), part.find(">")
            if start != -1 and end > start:
                return part[start + 1 : end]
    return None
