"""The shared document read as the store's edit state and written from it, for widget properties an
editor typed into (held as Y.Text): they read as their string, an empty one as no value, and a
change from the store edits the text in place so the editors bound to it stay bound."""

from __future__ import annotations

from typing import Any

from pycrdt import Doc, Map, Text

from lowcraft.realtime.layout import EditState, apply_changes, flatten, read_doc, replace_text, seed_update

PAGE = "p1"


def state(**title: Any) -> EditState:
    widgets = [{"widgetId": "t1", "widgetName": "Table1", "type": "TABLE_WIDGET_V2", "tableData": "{{Query1.data}}", **title}]
    dsl = {"widgetId": "0", "widgetName": "MainContainer", "type": "CANVAS_WIDGET", "children": widgets}
    return EditState(pages={PAGE: {"name": "Page1", "dsl": dsl}})


def seeded(initial: EditState) -> Doc[Any]:
    doc: Doc[Any] = Doc()
    doc.apply_update(seed_update("app", initial))
    return doc


def table(doc: Doc[Any]) -> dict[str, Any]:
    dsl = read_doc(doc).pages[PAGE]["dsl"]
    return dsl["children"][0]  # type: ignore[no-any-return]


def widget_map(doc: Doc[Any]) -> Map[Any]:
    return doc.get("pages", type=Map)[PAGE]["tree"]["t1"]  # type: ignore[no-any-return]


def typed_into(doc: Doc[Any], key: str) -> Text:
    """What the browser does when a code field is focused: the property becomes a text."""
    current = widget_map(doc).get(key)
    widget_map(doc)[key] = Text(current if isinstance(current, str) else "")
    return widget_map(doc)[key]  # type: ignore[no-any-return]


def test_a_property_typed_into_is_stored_as_the_text_it_holds() -> None:
    doc = seeded(state())
    text = typed_into(doc, "tableData")
    text.insert(len("{{Query1.data"), ".filter(r => r.open)")
    text.insert(2, " ")
    assert table(doc)["tableData"] == "{{ Query1.data.filter(r => r.open)}}"


def test_an_emptied_text_is_no_value_and_an_empty_string_stays_one() -> None:
    doc = seeded(state(title=""))
    text = typed_into(doc, "tableData")
    del text[0:len(text)]
    typed_into(doc, "label")
    assert "tableData" not in table(doc)
    assert "label" not in table(doc)
    assert table(doc)["title"] == ""


def test_a_store_change_edits_the_text_in_place_keeping_what_is_typed_elsewhere() -> None:
    before = state()
    doc = seeded(before)
    text = typed_into(doc, "tableData")
    after = state()
    after.pages[PAGE]["dsl"]["children"][0]["tableData"] = "{{Query2.data}}"  # a rename rewrote it
    other: Doc[Any] = Doc()
    other.apply_update(doc.get_update())
    other_text = other.get("pages", type=Map)[PAGE]["tree"]["t1"]["tableData"]
    other_text.insert(0, "rows: ")  # typed meanwhile by someone whose edit arrives later
    apply_changes(doc, flatten(before), flatten(after))
    doc.apply_update(other.get_update(doc.get_state()))
    assert str(text) == "rows: {{Query2.data}}"  # the text an editor is bound to, edited in place
    assert table(doc)["tableData"] == "rows: {{Query2.data}}"


def test_a_property_the_store_removed_empties_the_text() -> None:
    before = state(title="Orders")
    doc = seeded(before)
    text = typed_into(doc, "title")
    apply_changes(doc, flatten(before), flatten(state()))
    assert str(text) == "" and "title" not in table(doc)


def test_a_list_from_the_store_replaces_the_text() -> None:
    before = state()
    doc = seeded(before)
    typed_into(doc, "tableData")
    after = state()
    after.pages[PAGE]["dsl"]["children"][0]["tableData"] = [{"id": 1}]
    apply_changes(doc, flatten(before), flatten(after))
    assert table(doc)["tableData"] == [{"id": 1}]


def test_replacing_text_counts_characters_beyond_ascii() -> None:
    doc: Doc[Any] = Doc()
    doc["t"] = text = Text("Prix: {{a}} € 😀")
    replace_text(text, "Prix: {{b}} € 😀!")
    assert str(text) == "Prix: {{b}} € 😀!"
    replace_text(text, "é{{b}} 😀")
    assert str(text) == "é{{b}} 😀"
