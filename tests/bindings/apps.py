"""Small application documents for the binding tests, built like the export format."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lowcraft.widgets import WidgetManifest, WidgetRegistry


def widget(
    name: str, widget_type: str = "TEXT_WIDGET", children: list[Any] | None = None, **props: Any
) -> dict[str, Any]:
    """A widget of `widget_type` with its properties as keyword arguments."""
    found: dict[str, Any] = {
        "widgetId": f"id-{name}",
        "widgetName": name,
        "type": widget_type,
        "leftColumn": 0,
        "rightColumn": 10,
        "topRow": 0,
        "bottomRow": 4,
    }
    found.update(props)
    if children is not None:
        found["children"] = children
    return found


def action(name: str, sql: str = "select 1", run_on_load: bool = False) -> dict[str, Any]:
    """A PostgreSQL action."""
    return {
        "name": name,
        "datasource": "db",
        "connector": "postgres",
        "config": {"sql": sql},
        "settings": {"runOnPageLoad": run_on_load},
    }


def js_object(name: str, body: str) -> dict[str, Any]:
    """A JS object."""
    return {"name": name, "body": body}


def page(
    name: str, widgets: Sequence[Any], actions: Sequence[Any] = (), js: Sequence[Any] = ()
) -> dict[str, Any]:
    """A page whose main canvas holds `widgets`."""
    return {
        "name": name,
        "slug": name.lower(),
        "isDefault": False,
        "hidden": False,
        "dsl": widget(f"Canvas_{name}", "CANVAS_WIDGET", children=list(widgets)),
        "actions": list(actions),
        "jsObjects": list(js),
    }


def app(*pages: dict[str, Any]) -> dict[str, Any]:
    """An application document."""
    return {
        "format": "lowcraft-app",
        "formatVersion": 1,
        "application": {"name": "Test"},
        "pages": list(pages),
    }


def _manifest(
    widget_type: str,
    properties: Sequence[str],
    events: Sequence[str] = (),
    derived: Sequence[str] = (),
    child_scope: Sequence[str] = (),
) -> WidgetManifest:
    return WidgetManifest.model_validate(
        {
            "type": widget_type,
            "displayName": widget_type.title(),
            "category": "display",
            "icon": "box",
            "defaultSize": {"columns": 10, "rows": 4},
            "properties": [
                {
                    "name": "isVisible",
                    "label": "Visible",
                    "section": "general",
                    "type": "boolean",
                    "default": True,
                    "bindable": True,
                    "help": "Shown",
                }
            ]
            + [
                {"name": p, "label": p, "section": "content", "type": "any", "bindable": True, "help": p}
                for p in properties
            ],
            "events": [{"name": e, "label": e, "help": e} for e in events],
            "derived": [{"name": d, "type": "any", "help": d} for d in derived],
            "childScope": [{"name": c, "type": "any", "help": c} for c in child_scope],
        }
    )


MANIFESTS = WidgetRegistry(
    [
        _manifest("TEXT_WIDGET", ["text"]),
        _manifest(
            "TABLE_WIDGET_V2",
            ["tableData"],
            events=["onRowSelected"],
            derived=["selectedRow", "selectedRows"],
        ),
        _manifest("BUTTON_WIDGET", ["label"], events=["onClick"]),
        _manifest("INPUT_WIDGET_V2", ["defaultText", "label"], events=["onTextChanged"], derived=["text"]),
        _manifest("LIST_WIDGET_V2", ["listData"], child_scope=["currentItem", "currentIndex"]),
        _manifest("CANVAS_WIDGET", []),
    ]
)
"""Real manifests (the widget package's own classes) for the widget types these tests use."""
