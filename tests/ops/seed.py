"""An instance with real content, made the way users make it: through the API and the services.

Used by the backup tests and `bench/backup.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from lowcraft.app import create_app
from lowcraft.config import Settings
from lowcraft.context import Context
from lowcraft.datasources import service as datasources
from lowcraft.http.deps import SESSION_COOKIE
from lowcraft.identity.models import User
from lowcraft.runtime import Runtime

CSRF = {"X-Requested-By": "lowcraft"}
ADMIN_EMAIL = "admin@example.com"
PASSWORD = "correct-horse-battery"
DATASOURCE_PASSWORD = "pg-secret-Ünïcode-🔑"
EXPORTED_AT = re.compile(rb'"exportedAt":"[^"]*",?')


def _widget(name: str, widget_type: str, top: int, **props: Any) -> dict[str, Any]:
    return {"widgetId": f"w-{name}", "widgetName": name, "type": widget_type, "leftColumn": 0,
            "rightColumn": 32, "topRow": top, "bottomRow": top + 4, **props}


def app_document(index: int, pages: int, widgets_per_page: int) -> dict[str, Any]:
    """An application whose pages hold bound widgets, a query each and a JS object."""
    page_docs = []
    for p in range(pages):
        query = f"getOrders{p}"
        widgets = [
            _widget(f"Title{p}_{w}", "TEXT_WIDGET", w * 5, text=f"{{{{ {query}.data.length }}}} orders — app {index} ✓")
            for w in range(widgets_per_page)
        ]
        page_docs.append({
            "name": f"Page {p}",
            "isDefault": p == 0,
            "dsl": {"widgetId": f"canvas-{p}", "widgetName": f"MainContainer{p}", "type": "CANVAS_WIDGET",
                    "leftColumn": 0, "rightColumn": 64, "topRow": 0, "bottomRow": 100, "children": widgets},
            "actions": [{"name": query, "datasource": "orders-db", "connector": "postgres",
                         "config": {"sql": f"select * from orders where region = {{{{ Title{p}_0.text }}}} limit {index + 1}"},
                         "settings": {"runOnPageLoad": True}}],
            "jsObjects": [{"name": f"Utils{p}", "body": f"export default {{ total: () => {index} * {p} }}"}],
        })
    return {"format": "lowcraft-app", "formatVersion": 1,
            "application": {"name": f"Orders {index}", "theme": {"primaryColor": "#553DE9"}}, "pages": page_docs}


@dataclass
class Seeded:
    """What was made, to compare against after a restore."""

    workspace_id: str
    app_ids: list[str] = field(default_factory=list)
    datasource_id: str = ""
    cookie: str = ""


def client(settings: Settings) -> TestClient:
    return TestClient(create_app(settings), headers=CSRF)


def login(api: TestClient) -> None:
    response = api.post("/api/v1/auth/login", json={"email": ADMIN_EMAIL, "password": PASSWORD})
    assert response.status_code == 200, response.text


def seed(settings: Settings, apps: int = 3, pages: int = 2, widgets_per_page: int = 4) -> Seeded:
    """Sign up an admin, add a member and a token, a datasource with a secret, and `apps` applications."""
    with client(settings) as api:
        signup = api.post("/api/v1/auth/signup", json={"email": ADMIN_EMAIL, "password": PASSWORD, "name": "Ada"})
        assert signup.status_code == 201, signup.text
        workspace_id = api.get("/api/v1/workspaces").json()["workspaces"][0]["id"]
        seeded = Seeded(workspace_id, cookie=api.cookies.get(SESSION_COOKIE) or "")
        assert api.post(f"/api/v1/workspaces/{workspace_id}/invites",
                        json={"email": "bob@example.com", "role": "developer"}).status_code == 201
        assert api.post("/api/v1/me/tokens", json={"name": "ci"}).status_code == 201
        runtime: Runtime = api.app.state.runtime  # type: ignore[attr-defined]
        seeded.datasource_id = add_datasource(runtime, workspace_id)
        for index in range(apps):
            made = api.post(f"/api/v1/workspaces/{workspace_id}/applications/import",
                            json={"document": app_document(index, pages, widgets_per_page)})
            assert made.status_code == 201, made.text
            app_id = made.json()["id"]
            seeded.app_ids.append(app_id)
            if index % 2 == 0:
                assert api.post(f"/api/v1/applications/{app_id}/publish").status_code == 200
    return seeded


def add_datasource(runtime: Runtime, workspace_id: str) -> str:
    with runtime.db.session() as db:
        admin = db.scalar(select(User).where(User.email == ADMIN_EMAIL))
        ctx = Context(runtime=runtime, db=db, user=admin, client_address="seed")
        configs = {env: {"host": f"{env}.db.internal", "database": "orders", "user": "app",
                         "password": f"{DATASOURCE_PASSWORD}-{env}"} for env in ("production", "staging")}
        view = datasources.create_datasource(ctx, workspace_id, "orders-db", "postgres", configs)
        return view.datasource.id


def datasource_password(runtime: Runtime, datasource_id: str, environment: str) -> str:
    """The stored password as an execution would decrypt it."""
    with runtime.db.session() as db:
        ctx = Context(runtime=runtime, db=db)
        return str(datasources.resolve_connection(ctx, datasource_id, environment).config["password"])


def exports(api: TestClient, app_ids: list[str]) -> dict[str, bytes]:
    """Each application's export as the API returns it, without its export time."""
    found = {}
    for app_id in app_ids:
        response = api.get(f"/api/v1/applications/{app_id}/export")
        assert response.status_code == 200, response.text
        found[app_id] = EXPORTED_AT.sub(b"", response.content)
    return found
