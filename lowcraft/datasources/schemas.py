"""Response models of the datasource routes: datasources, connectors, connection tests and structure."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from lowcraft.connectors.secrets import mask_secrets
from lowcraft.http.openapi import Out


class DatasourceOut(Out):
    """A datasource with its connection settings per environment, secrets masked."""

    id: str
    workspace_id: str = Field(alias="workspaceId")
    name: str
    connector: str
    configs: dict[str, dict[str, Any]] = Field(
        description="Environment -> connection settings; the connector's secret fields are masked, never sent back."
    )
    environments: list[str]
    updated_at: str = Field(alias="updatedAt")

    @model_validator(mode="after")
    def _masked(self) -> DatasourceOut:
        # The service masks already; masking again here (it is idempotent) means no route can
        # send a stored secret back, whatever it hands this model.
        self.configs = {env: mask_secrets(self.connector, config) for env, config in self.configs.items()}
        return self


class DatasourceList(Out):
    datasources: list[DatasourceOut]


class ConnectorInfo(Out):
    """A connector type with the JSON schemas the editor builds its forms from."""

    type: str
    display_name: str = Field(alias="displayName")
    connection_schema: dict[str, Any] = Field(alias="connectionSchema", description="JSON Schema of a connection.")
    query_schema: dict[str, Any] = Field(alias="querySchema", description="JSON Schema of an action's query.")
    secret_fields: list[str] = Field(alias="secretFields", description="Dotted paths of the secret connection fields.")


class ConnectorList(Out):
    connectors: list[ConnectorInfo]


class ConnectionCheck(Out):
    """The datasource "Test" button's answer: whether it connects, and why not."""

    ok: bool
    message: str
    code: str | None
    hint: str


class ColumnOut(Out):
    name: str
    type: str
    nullable: bool
    primary_key: bool = Field(alias="primaryKey")


class TableOut(Out):
    """A table, view or collection; `schema` is its namespace where the server has one."""

    name: str
    schema_: str | None = Field(alias="schema")
    kind: str
    primary_key: list[str] = Field(alias="primaryKey")
    columns: list[ColumnOut]


class ConnectorFailure(Out):
    """Why a connector call failed: a stable `code`, the datasource's words and a hint for the developer."""

    code: str
    message: str
    hint: str


class DatasourceStructure(Out):
    """The datasource's tables and columns, or why they could not be read (`ok` false, `error`)."""

    ok: bool
    tables: list[TableOut]
    error: ConnectorFailure | None = Field(None, description="Present only when `ok` is false.")
