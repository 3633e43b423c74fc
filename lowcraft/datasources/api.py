"""Routes: datasources of a workspace, connection tests and structure."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import Field

from lowcraft.connectors.registry import registry as connectors
from lowcraft.connectors.schema import secret_paths
from lowcraft.datasources import service
from lowcraft.datasources.schemas import (
    ConnectionCheck,
    ConnectorList,
    DatasourceList,
    DatasourceOut,
    DatasourceStructure,
)
from lowcraft.datasources.service import DatasourceView
from lowcraft.http import API_PREFIX
from lowcraft.http.deps import Ctx
from lowcraft.http.openapi import BODY, MEMBER, PARAMS, errors
from lowcraft.http.routing import DeferredRoute
from lowcraft.http.schemas import Body

router = APIRouter(prefix=API_PREFIX, tags=["datasources"], route_class=DeferredRoute)


class DatasourceCreate(Body):
    name: str = Field(max_length=200)
    connector: str = Field(max_length=40)
    configs: dict[str, dict[str, Any]] = Field(default_factory=dict, description="environment -> connection config")


class DatasourceUpdate(Body):
    name: str | None = Field(None, max_length=200)
    configs: dict[str, dict[str, Any]] | None = None
    remove_environments: list[str] | None = Field(None, alias="removeEnvironments")
    connector: str | None = Field(
        None, max_length=40,
        description="Only for a placeholder datasource (an imported kind Lowcraft lacked): the connector to use.",
    )


class ConnectionTest(Body):
    connector: str = Field(max_length=40)
    config: dict[str, Any]


def datasource_out(view: DatasourceView) -> dict[str, Any]:
    ds = view.datasource
    return {
        "id": ds.id,
        "workspaceId": ds.workspace_id,
        "name": ds.name,
        "connector": ds.connector,
        "configs": view.configs,
        "environments": sorted(view.configs),
        "updatedAt": ds.updated_at.isoformat(),
    }


@router.get("/connectors", response_model=ConnectorList)
def list_connectors() -> dict[str, Any]:
    """Every connector with its connection and query schemas (the editor's forms come from them)."""
    out = []
    for name in connectors.names():
        connector = connectors.get(name)
        out.append({
            "type": name,
            "displayName": getattr(connector, "display_name", name),
            "connectionSchema": connector.connection_schema.model_json_schema(),
            "querySchema": connector.query_schema.model_json_schema(),
            "secretFields": secret_paths(connector.connection_schema),
        })
    return {"connectors": out}


@router.get("/workspaces/{workspace_id}/datasources", response_model=DatasourceList, responses=errors(*PARAMS, *MEMBER))
def list_datasources(workspace_id: str, ctx: Ctx) -> dict[str, Any]:
    """The workspace's datasources, secrets masked (developers)."""
    return {"datasources": [datasource_out(v) for v in service.list_datasources(ctx, workspace_id)]}


@router.post(
    "/workspaces/{workspace_id}/datasources", status_code=201, response_model=DatasourceOut,
    responses=errors(*BODY, *MEMBER, 409),
)
def create_datasource(workspace_id: str, body: DatasourceCreate, ctx: Ctx) -> dict[str, Any]:
    """Create a datasource with connection settings per environment; secrets are stored encrypted."""
    return datasource_out(service.create_datasource(ctx, workspace_id, body.name, body.connector, body.configs))


@router.post(
    "/workspaces/{workspace_id}/datasources/test", response_model=ConnectionCheck, responses=errors(*BODY, *MEMBER)
)
async def test_unsaved(workspace_id: str, body: ConnectionTest, ctx: Ctx) -> dict[str, Any]:
    """Try connection settings before they are saved (the editor's "Test" button on a new datasource)."""
    return await service.check_unsaved(ctx, workspace_id, body.connector, body.config)


@router.get("/datasources/{datasource_id}", response_model=DatasourceOut, responses=errors(*PARAMS, *MEMBER))
def get_datasource(datasource_id: str, ctx: Ctx) -> dict[str, Any]:
    """One datasource, secrets masked (developers)."""
    return datasource_out(service.get_datasource(ctx, datasource_id))


@router.patch("/datasources/{datasource_id}", response_model=DatasourceOut, responses=errors(*BODY, *MEMBER, 409))
async def update_datasource(datasource_id: str, body: DatasourceUpdate, ctx: Ctx) -> dict[str, Any]:
    """Rename a datasource or change, add or remove environments' settings; a masked secret keeps its value.
    A placeholder datasource (an imported kind Lowcraft lacked) takes a `connector` first."""
    return datasource_out(
        await service.change_datasource(
            ctx, datasource_id, body.name, body.configs, body.remove_environments, body.connector
        )
    )


@router.delete("/datasources/{datasource_id}", status_code=204, responses=errors(*PARAMS, *MEMBER, 409))
async def delete_datasource(datasource_id: str, ctx: Ctx) -> None:
    """Delete a datasource no action uses."""
    await service.remove_datasource(ctx, datasource_id)


@router.post("/datasources/{datasource_id}/test", response_model=ConnectionCheck, responses=errors(*PARAMS, *MEMBER))
async def test_datasource(datasource_id: str, ctx: Ctx, environment: str = "production") -> dict[str, Any]:
    """Check that a saved datasource connects in an environment (the "Test" button)."""
    return await service.check_saved(ctx, datasource_id, environment)


@router.get(
    "/datasources/{datasource_id}/structure", response_model=DatasourceStructure, response_model_exclude_unset=True,
    responses=errors(*PARAMS, *MEMBER),
)
async def structure(datasource_id: str, ctx: Ctx, environment: str = "production") -> dict[str, Any]:
    """The tables and columns of a datasource in an environment, for autocomplete and generated pages."""
    return await service.browse_structure(ctx, datasource_id, environment)
