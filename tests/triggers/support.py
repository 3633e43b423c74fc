"""An application with a workflow, for the trigger tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select

from lowcraft.workflows.models import WorkflowRun
from tests.conftest import Api, Instance, first_workspace

WORKFLOW = "export default {\n  async executeWorkflow(data) {\n    return { got: data };\n  }\n}\n"


@dataclass
class Flow:
    app: str
    page: str
    workflow: str


def app_with_workflow(admin: Api, body: str = WORKFLOW, name: str = "Onboard", publish: bool = True) -> Flow:
    ws = first_workspace(admin)
    app = admin.ok("POST", f"/api/v1/workspaces/{ws}/applications", 201, json={"name": "Flows"})["id"]
    page = admin.ok("GET", f"/api/v1/applications/{app}")["pages"][0]["id"]
    workflow = admin.ok("POST", f"/api/v1/applications/{app}/js-objects", 201,
                        json={"pageId": page, "name": name, "body": body})["id"]
    if publish:
        admin.ok("POST", f"/api/v1/applications/{app}/publish")
    return Flow(app, page, workflow)


def runs_of(instance: Instance, workflow_id: str) -> list[WorkflowRun]:
    with instance.app.state.runtime.db.session() as db:
        runs = list(db.scalars(select(WorkflowRun).where(WorkflowRun.workflow_id == workflow_id)))
        for run in runs:
            db.expunge(run)
        return runs


def run_count(instance: Instance) -> int:
    with instance.app.state.runtime.db.session() as db:
        return int(db.scalar(select(func.count()).select_from(WorkflowRun)) or 0)


def hook(client: TestClient, workflow: str, token: str | None, **kwargs: Any) -> Response:
    """Call a workflow's webhook as an outside system does: the token as a bearer token."""
    headers = dict(kwargs.pop("headers", {}) or {})
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return client.post(f"/api/v1/hooks/workflows/{workflow}", headers=headers, **kwargs)
