"""Response models of the action routes: actions, JS objects and execution results."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from lowcraft.appmodel.models import ActionSettings, JsFunctionSettings
from lowcraft.datasources.schemas import ConnectorFailure
from lowcraft.http.openapi import Out


class ActionOut(Out):
    """An action (a query or request on a datasource) of an application's page."""

    id: str
    application_id: str = Field(alias="applicationId")
    page_id: str = Field(alias="pageId")
    name: str
    datasource_id: str | None = Field(alias="datasourceId")
    connector: str
    config: dict[str, Any] = Field(description="The query, in the shape of the connector's query schema.")
    settings: ActionSettings
    updated_at: str = Field(alias="updatedAt")


class ActionList(Out):
    actions: list[ActionOut]


class JsObjectOut(Out):
    """A JS object (`export default { ... }`) of an application's page."""

    id: str
    application_id: str = Field(alias="applicationId")
    page_id: str = Field(alias="pageId")
    name: str
    body: str
    settings: dict[str, JsFunctionSettings] = Field(
        description="Per function: run on page load, confirm before calling (functions not listed: both off)."
    )
    updated_at: str = Field(alias="updatedAt")


class JsObjectList(Out):
    js_objects: list[JsObjectOut] = Field(alias="jsObjects")


class ExecutionResult(Out):
    """One run of an action. Viewers of a published app receive only the data, status, headers,
    duration and error; the query sent (`request`), `rowCount` and `columns` are for the editor."""

    is_execution_success: bool = Field(alias="isExecutionSuccess")
    status_code: int | None = Field(None, alias="statusCode")
    body: Any = Field(None, description="The data: rows for a query, the response body for a request.")
    headers: dict[str, Any] = Field(default_factory=dict)
    row_count: int | None = Field(None, alias="rowCount")
    columns: list[dict[str, str]] = Field(default_factory=list)
    duration_ms: float = Field(alias="durationMs")
    request: Any = Field(None, description="What was sent, with secrets masked (editor only).")
    error: ConnectorFailure | None = None
    cached: bool = Field(False, description="Served from the action's result cache (editor only; see cacheSeconds).")
