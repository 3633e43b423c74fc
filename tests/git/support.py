"""Applications and clients for the Git tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import Api, first_workspace


def widget(name: str, row: int, **props: Any) -> dict[str, Any]:
    return {"widgetId": name.lower(), "widgetName": name, "type": "TEXT_WIDGET", "leftColumn": 0,
            "rightColumn": 20, "topRow": row, "bottomRow": row + 4, "text": f"{name} text", **props}


def page(name: str, widgets: int = 3, queries: int = 1) -> dict[str, Any]:
    return {
        "name": name,
        "dsl": {"widgetId": "0", "widgetName": "MainContainer", "type": "CANVAS_WIDGET", "leftColumn": 0,
                "rightColumn": 64, "topRow": 0, "bottomRow": 10 + widgets * 5,
                "children": [widget(f"Text{i + 1}", i * 5) for i in range(widgets)]},
        "actions": [{"name": f"getOrders{i + 1}" if i else "getOrders", "datasource": "Orders DB", "connector": "postgres",
                     "config": {"sql": f"select * from orders where id > {i}"}} for i in range(queries)],
        "jsObjects": [{"name": "Utils", "body": "export default {\n  double(x) { return x * 2 }\n}\n"}],
    }


def document(name: str = "Orders", pages: int = 1, widgets: int = 3, queries: int = 1) -> dict[str, Any]:
    return {"format": "lowcraft-app", "formatVersion": 1, "application": {"name": name},
            "pages": [page("Home" if i == 0 else f"Page{i + 1}", widgets, queries) for i in range(pages)]}


def new_app(client: Api, doc: dict[str, Any] | None = None) -> str:
    ws = first_workspace(client)
    made = client.ok("POST", f"/api/v1/workspaces/{ws}/applications/import", 201,
                     json={"document": doc or document()})
    return str(made["id"] if "id" in made else made["application"]["id"])


def exported(client: Api, app: str) -> dict[str, Any]:
    return dict(client.ok("GET", f"/api/v1/applications/{app}/export"))


def page_id(client: Api, app: str, name: str = "Home") -> str:
    pages = client.ok("GET", f"/api/v1/applications/{app}")["pages"]
    return str(next(p["id"] for p in pages if p["name"] == name))


def set_text(client: Api, app: str, widget_name: str, text: str, page_name: str = "Home") -> None:
    """Edit one widget's text in the editor's way (the page's tree saved with its revision)."""
    pid = page_id(client, app, page_name)
    current = client.ok("GET", f"/api/v1/pages/{pid}")
    dsl = current["dsl"]
    for child in dsl["children"]:
        if child["widgetName"] == widget_name:
            child["text"] = text
    client.ok("PUT", f"/api/v1/pages/{pid}/dsl", json={"dsl": dsl, "revision": current["revision"]})


def widget_text(client: Api, app: str, widget_name: str, page_name: str = "Home") -> str:
    dsl = client.ok("GET", f"/api/v1/pages/{page_id(client, app, page_name)}")["dsl"]
    return str(next(c["text"] for c in dsl["children"] if c["widgetName"] == widget_name))


def query_sql(client: Api, app: str, name: str = "getOrders") -> str:
    actions = client.ok("GET", f"/api/v1/applications/{app}/actions")["actions"]
    return str(next(a["config"]["sql"] for a in actions if a["name"] == name))


def edit_json(path: Path, change: Any) -> None:
    value = json.loads(path.read_text())
    change(value)
    path.write_text(json.dumps(value, indent=2, sort_keys=True) + "\n")
