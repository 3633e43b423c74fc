"""The widget tree (DSL) of a page: validation on save, and the empty tree of a new page.

Positions are on Appsmith's grid: 64 columns per container, rows of 10 px. Every container lays out
its children on its own 64-column grid; a fixed-height container bounds its children's rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lowcraft.appmodel.errors import DuplicateName, InvalidWidgetTree
from lowcraft.appmodel.naming import name_problem
from lowcraft.widgets.manifest import GRID_COLUMNS
from lowcraft.widgets.registry import registry

ROOT_TYPE = "CANVAS_WIDGET"
ROOT_NAME = "MainContainer"
MAX_WIDGETS = 5000
MAX_DEPTH = 24
POSITION_KEYS = ("leftColumn", "rightColumn", "topRow", "bottomRow")


def empty_tree() -> dict[str, Any]:
    return {
        "widgetId": "0",
        "widgetName": ROOT_NAME,
        "type": ROOT_TYPE,
        "leftColumn": 0,
        "rightColumn": GRID_COLUMNS,
        "topRow": 0,
        "bottomRow": 100,
        "children": [],
    }


def iter_widgets(tree: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every widget below the root, depth first, in reading order."""
    for child in tree.get("children") or []:
        if isinstance(child, dict):
            yield child
            yield from iter_widgets(child)


def widget_names(tree: dict[str, Any]) -> list[str]:
    """Names of the page's entities: its widgets (canvases inside tabs included)."""
    return [w["widgetName"] for w in iter_widgets(tree) if isinstance(w.get("widgetName"), str)]


def _fail(message: str, widget: dict[str, Any] | None = None, **details: Any) -> InvalidWidgetTree:
    if widget is not None:
        details.setdefault("widgetName", widget.get("widgetName"))
        details.setdefault("widgetId", widget.get("widgetId"))
    return InvalidWidgetTree(message, details=details)


def _int(widget: dict[str, Any], key: str) -> int:
    value = widget.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise _fail(f"'{widget.get('widgetName')}' needs a whole number for {key}.", widget, field=key)
    return int(value)


def validate_tree(tree: Any, taken_names: set[str] | None = None) -> dict[str, Any]:
    """Check a page's widget tree; `taken_names` are the page's other entity names (its actions
    and JS objects: names are per page, so other pages do not count).

    Returns the tree unchanged; raises InvalidWidgetTree or DuplicateName naming the widget at fault.
    """
    if not isinstance(tree, dict):
        raise _fail("The widget tree must be an object with a root canvas.")
    if tree.get("type") != ROOT_TYPE:
        raise _fail(f"The root of a page must be a {ROOT_TYPE}.", tree)
    taken = taken_names or set()
    seen_ids: set[str] = set()
    seen_names: set[str] = set()
    count = 0

    def visit(widget: dict[str, Any], parent: dict[str, Any] | None, depth: int) -> None:
        nonlocal count
        if depth > MAX_DEPTH:
            raise _fail(f"Widgets may be nested at most {MAX_DEPTH} levels deep.", widget)
        widget_type = widget.get("type")
        manifest = registry.get(widget_type) if isinstance(widget_type, str) else None
        if manifest is None:
            raise _fail(f"Unknown widget type '{widget_type}'.", widget, field="type")
        widget_id = widget.get("widgetId")
        if not isinstance(widget_id, str) or not widget_id:
            raise _fail("Every widget needs a widgetId.", widget, field="widgetId")
        if widget_id in seen_ids:
            raise _fail(f"widgetId '{widget_id}' is used twice on this page.", widget, field="widgetId")
        seen_ids.add(widget_id)
        name = widget.get("widgetName")
        if parent is not None:
            problem = name_problem(name)
            if problem:
                raise _fail(problem, widget, field="widgetName")
            assert isinstance(name, str)
            if name in seen_names or name in taken:
                raise DuplicateName(
                    f"The name '{name}' is already used on this page.",
                    details={"name": name, "widgetId": widget_id},
                )
            seen_names.add(name)
        left, right = _int(widget, "leftColumn"), _int(widget, "rightColumn")
        top, bottom = _int(widget, "topRow"), _int(widget, "bottomRow")
        if not (0 <= left < right <= GRID_COLUMNS):
            raise _fail(
                f"'{name}' must lie within the {GRID_COLUMNS} columns of its container "
                f"(0 <= leftColumn < rightColumn <= {GRID_COLUMNS}).",
                widget, field="leftColumn",
            )
        if not (0 <= top < bottom):
            raise _fail(f"'{name}' needs 0 <= topRow < bottomRow.", widget, field="topRow")
        if parent is not None and parent.get("type") != ROOT_TYPE:
            height = int(parent["bottomRow"]) - int(parent["topRow"])
            if bottom > height:
                raise _fail(
                    f"'{name}' reaches row {bottom} but its container '{parent.get('widgetName')}' "
                    f"is {height} rows high.",
                    widget, field="bottomRow",
                )
        count += 1
        if count > MAX_WIDGETS:
            raise _fail(f"A page may hold at most {MAX_WIDGETS} widgets.")
        children = widget.get("children", [])
        if not isinstance(children, list):
            raise _fail(f"'{name}'.children must be a list.", widget, field="children")
        if children and manifest.children is None:
            raise _fail(f"A {widget_type} cannot hold other widgets.", widget, field="children")
        for child in children:
            if not isinstance(child, dict):
                raise _fail(f"'{name}' has a child that is not a widget object.", widget, field="children")
            is_canvas = child.get("type") == ROOT_TYPE
            if manifest.children == "canvases" and not is_canvas:
                raise _fail(f"A {widget_type} holds one {ROOT_TYPE} per tab, not widgets directly.", child)
            if manifest.children == "widgets" and is_canvas and parent is not None:
                raise _fail(f"A {ROOT_TYPE} can only be the page root or a tab.", child)
            visit(child, widget, depth + 1)

    visit(tree, None, 0)
    return tree
