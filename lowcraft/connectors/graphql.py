"""GraphQL connector: a POST of `{query, variables, operationName}` to one endpoint."""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Annotated, Any

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
from lowcraft.connectors.errors import BadParameters, ConnectorError, QueryFailed
from lowcraft.connectors.http_common import (
    HttpConnectionConfig,
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


class GraphqlQuery(BaseModel):
    """A GraphQL document; pass values through `variables`, not by splicing them into `query`."""

    query: Annotated[str, Binds("text")]
    variables: Annotated[str, Binds("json")] = Field(default="", description="A JSON object")
    operation_name: str = ""
    headers: Annotated[list[KeyValue], Binds("text")] = Field(default_factory=list)


class GraphqlConnector(Connector[HttpConnectionConfig, GraphqlQuery]):
    """Sends GraphQL operations; GraphQL `errors` without `data` fail the execution."""

    type_name = "graphql"
    display_name = "GraphQL API"
    connection_schema = HttpConnectionConfig
    query_schema = GraphqlQuery
    samples = ConnectorSamples(
        connection={"base_url": "http://127.0.0.1:1/graphql"},
        unreachable={"base_url": "http://127.0.0.1:9/graphql"},
        query={
            "query": "query Greet($name: String) { hello(name: $name) }",
            "variables": '{"name": {{Input1.text}}}',
        },
        params={"Input1.text": 'Robert"); drop'},
        at=lambda host, port: {"base_url": f"http://{url_host(host)}:{port}/graphql"},
    )

    def map_errors(self) -> AbstractContextManager[None]:
        return map_http_errors()

    async def test(self, conn: Connection[HttpConnectionConfig]) -> TestResult:
        try:
            result = await self.execute(
                conn, GraphqlQuery(query="{ __typename }"), [], Limits(timeout_seconds=10)
            )
        except ConnectorError as exc:
            return TestResult(False, exc.message, exc.code, exc.hint)
        return TestResult(
            True, f"{host_of(conn.config.base_url)} answered a GraphQL query (HTTP {result.status_code})."
        )

    async def execute(
        self,
        conn: Connection[HttpConnectionConfig],
        query: GraphqlQuery,
        params: Sequence[Any] | None,
        limits: Limits,
    ) -> ExecutionResult:
        config = conn.config
        variables: Any = json.loads(query.variables) if query.variables.strip() else {}
        if not isinstance(variables, dict):
            raise BadParameters("GraphQL variables must be a JSON object.")
        payload: dict[str, Any] = {"query": query.query, "variables": variables}
        if query.operation_name:
            payload["operationName"] = query.operation_name
        with map_http_errors(limits):
            with anyio.fail_after(limits.timeout_seconds):
                client = client_for(conn.policy, config)
                headers = {h.key: h.value for h in config.headers}
                headers.update({h.key: h.value for h in query.headers if h.key})
                query_params = [(p.key, p.value) for p in config.query_params]
                await apply_auth(client, config.auth, headers, query_params)
                if not config.base_url:
                    raise BadParameters("The GraphQL datasource has no endpoint URL.")
                request = client.build_request(
                    "POST",
                    config.base_url,
                    headers=headers,
                    params=httpx.QueryParams(tuple(query_params)) if query_params else None,
                    json=payload,
                )
                sent = {
                    "method": "POST",
                    "url": redacted_url(request.url, config.auth),
                    "headers": redacted_headers(dict(request.headers), config.auth),
                    "body": payload,
                }
                reply = await send(client, request, limits.max_response_bytes)
                raise_for_status(reply)
        body = reply.body
        if isinstance(body, dict) and body.get("errors") and body.get("data") is None:
            errors = body["errors"]
            first = (
                errors[0].get("message")
                if isinstance(errors, list) and isinstance(errors[0], dict)
                else errors
            )
            raise QueryFailed(
                f"The GraphQL server reported: {first}",
                details={"statusCode": reply.status_code, "body": body, "headers": reply.headers},
            )
        return ExecutionResult(body=body, request=sent, status_code=reply.status_code, headers=reply.headers)
