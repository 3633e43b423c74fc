"""Merging documents entity by entity (no Git): what merges cleanly, what conflicts, and what
cannot be assembled."""

from __future__ import annotations

import copy

import pytest

from lowcraft.appmodel.document_format import parse_document
from lowcraft.git.entities import EntityKey, Unassembled, assemble, diff, three_way
from tests.git.support import document


def _widgets(doc: dict) -> list[dict]:
    return doc["pages"][0]["dsl"]["children"]


def test_different_widgets_of_one_page_merge() -> None:
    base = document()
    mine, theirs = copy.deepcopy(base), copy.deepcopy(base)
    _widgets(mine)[0]["text"] = "mine"
    _widgets(theirs)[2]["text"] = "theirs"
    _widgets(theirs).append({**_widgets(theirs)[1], "widgetName": "Text9", "widgetId": "t9", "topRow": 40, "bottomRow": 44})
    result = three_way(base, mine, theirs)
    assert result.conflicts == []
    merged = assemble(result.merged, result.orders)
    parse_document(merged)
    texts = {w["widgetName"]: w["text"] for w in _widgets(merged)}
    assert texts == {"Text1": "mine", "Text2": "Text2 text", "Text3": "theirs", "Text9": "Text2 text"}
    assert [w["widgetName"] for w in _widgets(merged)] == ["Text1", "Text2", "Text3", "Text9"]


def test_the_same_widget_changed_twice_is_one_conflict_and_a_delete_against_a_change_too() -> None:
    base = document()
    mine, theirs = copy.deepcopy(base), copy.deepcopy(base)
    _widgets(mine)[0]["text"] = "mine"
    _widgets(theirs)[0]["text"] = "theirs"
    del _widgets(mine)[1]
    _widgets(theirs)[1]["text"] = "changed"
    result = three_way(base, mine, theirs)
    found = {c.key: (c.mine and c.mine.get("text"), c.theirs and c.theirs.get("text")) for c in result.conflicts}
    assert found == {EntityKey("widget", "Home", "Text1"): ("mine", "theirs"),
                     EntityKey("widget", "Home", "Text2"): (None, "changed")}


def test_the_same_change_on_both_sides_is_no_conflict() -> None:
    base = document()
    mine, theirs = copy.deepcopy(base), copy.deepcopy(base)
    for doc in (mine, theirs):
        doc["pages"][0]["actions"][0]["config"]["sql"] = "select 2"
    assert three_way(base, mine, theirs).conflicts == []


def test_a_widget_whose_parent_is_gone_cannot_be_assembled() -> None:
    base = document()
    container = {"widgetId": "c1", "widgetName": "Box", "type": "CONTAINER_WIDGET", "leftColumn": 0,
                 "rightColumn": 30, "topRow": 50, "bottomRow": 90, "children": [
                     {"widgetId": "c2", "widgetName": "Inner", "type": "CANVAS_WIDGET", "leftColumn": 0,
                      "rightColumn": 30, "topRow": 0, "bottomRow": 40, "children": []}]}
    _widgets(base).append(container)
    result = three_way(base, base, base)
    result.merged.pop(EntityKey("widget", "Home", "Box"))
    with pytest.raises(Unassembled, match="Inner"):
        assemble(result.merged, result.orders)


def test_status_names_each_changed_entity() -> None:
    before = document(pages=2)
    after = copy.deepcopy(before)
    after["pages"][1]["jsObjects"][0]["body"] = "export default {}\n"
    after["pages"][0]["actions"] = []
    changes = [(c.key.kind, c.key.page, c.key.name, c.change) for c in diff(before, after)]
    assert changes == [("query", "Home", "getOrders", "deleted"), ("js", "Page2", "Utils", "modified")]
