"""What a page's widget tree must satisfy before it is saved."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from lowcraft.appmodel.tree import empty_tree, validate_tree, widget_names
from lowcraft.pages.errors import DuplicateName, InvalidWidgetTree


def widget(name: str, type_: str = "TEXT_WIDGET", left: int = 0, right: int = 10, top: int = 0,
           bottom: int = 4, **extra: Any) -> dict[str, Any]:
    return {"widgetId": f"id-{name}", "widgetName": name, "type": type_, "leftColumn": left,
            "rightColumn": right, "topRow": top, "bottomRow": bottom, **extra}


def page(*children: dict[str, Any]) -> dict[str, Any]:
    tree = empty_tree()
    tree["children"] = list(children)
    return tree


def tabs(name: str, *canvases: dict[str, Any]) -> dict[str, Any]:
    return widget(name, "TABS_WIDGET", 0, 40, 0, 40, children=list(canvases))


def canvas(name: str, *children: dict[str, Any]) -> dict[str, Any]:
    return widget(name, "CANVAS_WIDGET", 0, 64, 0, 36, tabName=name, children=list(children))


VALID = {
    "an empty page": page(),
    "a text on the page": page(widget("Text1")),
    "a widget spanning the whole width": page(widget("Wide", left=0, right=64)),
    "a widget far down the page (the root grows)": page(widget("Low", top=900, bottom=920)),
    "widgets inside a container": page(widget("Box", "CONTAINER_WIDGET", 0, 32, 0, 20,
                                              children=[widget("Inner", left=0, right=64, top=0, bottom=20)])),
    "a form in a modal": page(widget("Modal1", "MODAL_WIDGET", 0, 40, 0, 50, children=[
        widget("Form1", "FORM_WIDGET", 0, 64, 0, 40, children=[widget("Input1", "INPUT_WIDGET_V2", 0, 64, 0, 7)])])),
    "tabs with one canvas per tab": page(tabs("Tabs1", canvas("Tab1", widget("InTab1")), canvas("Tab2"))),
}

INVALID = {
    "an unknown widget type": (page(widget("X", "NO_SUCH_WIDGET")), InvalidWidgetTree, "Unknown widget type"),
    "a widget past the right edge": (page(widget("X", left=50, right=65)), InvalidWidgetTree, "64 columns"),
    "a negative column": (page(widget("X", left=-1, right=5)), InvalidWidgetTree, "64 columns"),
    "zero width": (page(widget("X", left=5, right=5)), InvalidWidgetTree, "64 columns"),
    "a negative row": (page(widget("X", top=-2, bottom=3)), InvalidWidgetTree, "topRow"),
    "a fractional position": (page(widget("X", left=1.5)), InvalidWidgetTree, "whole number"),  # type: ignore[arg-type]
    "a position given as text": (page(widget("X", top="3")), InvalidWidgetTree, "whole number"),  # type: ignore[arg-type]
    "a child taller than its container": (
        page(widget("Box", "CONTAINER_WIDGET", 0, 32, 0, 10, children=[widget("Inner", top=5, bottom=12)])),
        InvalidWidgetTree, "10 rows high"),
    "children in a widget that holds none": (
        page(widget("Text1", children=[widget("Text2")])), InvalidWidgetTree, "cannot hold"),
    "widgets directly in tabs": (page(tabs("Tabs1", widget("Loose"))), InvalidWidgetTree, "per tab"),
    "a canvas inside a container": (
        page(widget("Box", "CONTAINER_WIDGET", 0, 32, 0, 40, children=[canvas("C1")])), InvalidWidgetTree, "page root"),
    "a name with a space": (page(widget("My text")), InvalidWidgetTree, "not a valid name"),
    "a name starting with a digit": (page(widget("1Text")), InvalidWidgetTree, "not a valid name"),
    "a reserved word as name": (page(widget("class")), InvalidWidgetTree, "reserved"),
    "a runtime global as name": (page(widget("appsmith")), InvalidWidgetTree, "already used"),
    "the same name twice": (page(widget("Text1"), {**widget("Text1"), "widgetId": "other"}), DuplicateName, "already used"),
    "the same widgetId twice": (page(widget("A"), {**widget("B"), "widgetId": "id-A"}), InvalidWidgetTree, "used twice"),
    "a missing widgetId": (page({k: v for k, v in widget("A").items() if k != "widgetId"}), InvalidWidgetTree, "widgetId"),
    "a root that is not a canvas": (widget("Text1"), InvalidWidgetTree, "root"),
    "children that are not a list": (page(widget("Box", "CONTAINER_WIDGET", children={"a": 1})), InvalidWidgetTree, "must be a list"),
}


@pytest.mark.parametrize("tree", VALID.values(), ids=VALID.keys())
def test_valid_trees_are_accepted_unchanged(tree: dict[str, Any]) -> None:
    before = copy.deepcopy(tree)
    assert validate_tree(tree) == before


@pytest.mark.parametrize(("tree", "error", "message"), INVALID.values(), ids=INVALID.keys())
def test_invalid_trees_are_refused_with_a_reason(tree: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        validate_tree(tree)


def test_names_must_be_free_among_the_pages_other_entities() -> None:
    with pytest.raises(DuplicateName, match="'Table1' is already used"):
        validate_tree(page(widget("Table1")), taken_names={"Table1", "getOrders"})


def test_widget_names_lists_nested_widgets_in_reading_order() -> None:
    tree = page(widget("A"), widget("Box", "CONTAINER_WIDGET", 0, 20, 0, 20, children=[widget("B")]))
    assert widget_names(tree) == ["A", "Box", "B"]
