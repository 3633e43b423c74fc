"""Lint diagnostics: one test per diagnostic code, located where the user must look."""

from __future__ import annotations

from typing import Any

import pytest

from lowcraft.bindings import Diagnostic, Severity, lint
from lowcraft.widgets import registry
from tests.bindings.apps import MANIFESTS, action, app, js_object, page, widget


def codes(document: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return [(d.entity, d.property, d.code, d.severity.value) for d in lint(document, MANIFESTS.get)]


def one(document: dict[str, Any]) -> Diagnostic:
    (found,) = lint(document, MANIFESTS.get)
    return found


def test_a_sound_app_has_no_diagnostics() -> None:
    document = app(
        page(
            "P",
            [
                widget(
                    "Table1",
                    "TABLE_WIDGET_V2",
                    tableData="{{q.data}}",
                    onRowSelected="{{q.run(); showAlert('x')}}",
                ),
                widget("Text1", text="{{Table1.selectedRow.id}} {{Utils.fmt(Math.PI)}} {{appsmith.store.k}}"),
                widget(
                    "List1",
                    "LIST_WIDGET_V2",
                    listData="{{q.data}}",
                    children=[widget("Text2", text="{{currentItem.name}} #{{currentIndex}}")],
                ),
            ],
            [action("q", "select {{Text1.text}}")],
            [js_object("Utils", "export default { fmt(x) { return x } }")],
        )
    )
    assert lint(document, MANIFESTS.get) == []


def test_an_unknown_entity_is_an_error_at_its_position() -> None:
    document = app(page("P", [widget("Text1", text="Hi {{ Inptu1.text }}")]))
    found = one(document)
    assert (found.entity, found.property, found.code, found.severity) == (
        "Text1",
        "text",
        "unknown_entity",
        Severity.ERROR,
    )
    assert (found.start, found.end, found.line, found.column) == (6, 12, 1, 7)
    assert "Inptu1" in found.message


def test_an_unknown_widget_property_is_a_warning_from_the_manifest() -> None:
    document = app(
        page(
            "P",
            [
                widget("Table1", "TABLE_WIDGET_V2", tableData="[]"),
                widget("Text1", text="{{Table1.selectedRoww}}"),
            ],
        )
    )
    found = one(document)
    assert (found.code, found.severity) == ("unknown_property", Severity.WARNING)
    assert "selectedRoww" in found.message


def test_keys_the_widget_carries_and_widgets_of_unknown_types_are_not_flagged() -> None:
    document = app(
        page(
            "P",
            [
                widget("Table1", "TABLE_WIDGET_V2", tableData="[]", primaryColumns={}),
                widget("Chart1", "SOME_FUTURE_WIDGET"),
                widget("Text1", text="{{Table1.primaryColumns}} {{Table1.topRow}} {{Chart1.anything}}"),
            ],
        )
    )
    assert lint(document, MANIFESTS.get) == []


def test_why_an_action_failed_is_readable() -> None:
    document = app(page("P", [widget("Text1", text="{{q.error}} ({{q.responseMeta.statusCode}})")], [action("q")]))
    assert lint(document, MANIFESTS.get) == []


def test_unknown_action_properties_and_js_members_are_errors() -> None:
    document = app(
        page(
            "P",
            [widget("Text1", text="{{q.dta}} {{Utils.nope()}}")],
            [action("q")],
            [js_object("Utils", "export default { fmt() {} }")],
        )
    )
    assert codes(document) == [("Text1", "text", "unknown_property", "error")] * 2


def test_a_cycle_is_reported_on_each_of_its_properties() -> None:
    document = app(
        page("P", [widget("Text1", text="a {{Text2.text}}"), widget("Text2", text="{{Text1.text}}")])
    )
    found = lint(document, MANIFESTS.get)
    assert [(d.entity, d.code, d.start) for d in found] == [("Text1", "cycle", 4), ("Text2", "cycle", 2)]
    assert "Text1.text -> Text2.text -> Text1.text" in found[0].message


def test_a_syntax_error_is_reported_with_line_and_column() -> None:
    body = "export default {\n  f() { return Input1. }\n}"
    document = app(page("P", [widget("Input1", "INPUT_WIDGET_V2")], js=[js_object("Utils", body)]))
    found = one(document)
    assert (found.entity, found.property, found.code, found.line) == ("Utils", "body", "syntax_error", 2)


@pytest.mark.parametrize(
    "code", ["{{q.run()}}", "{{showAlert('x')}}", "{{storeValue('k', 1)}}", "{{q.clear()}}"]
)
def test_a_trigger_in_a_data_binding_is_an_error(code: str) -> None:
    found = one(app(page("P", [widget("Text1", text=code)], [action("q")])))
    assert (found.code, found.severity) == ("trigger_in_data_binding", Severity.ERROR)


def test_triggers_are_fine_in_handlers_and_js_objects_and_uncalled_in_data() -> None:
    document = app(
        page(
            "P",
            [
                widget("Button1", "BUTTON_WIDGET", onClick="{{q.run()}}"),
                widget("Text1", text="{{typeof q.run}}"),
            ],
            [action("q")],
            [js_object("Utils", "export default { go() { showAlert('x'); return q.run() } }")],
        )
    )
    assert lint(document, MANIFESTS.get) == []


def test_events_inside_nested_configs_are_handlers() -> None:
    document = app(
        page(
            "P",
            [
                widget(
                    "Table1",
                    "TABLE_WIDGET_V2",
                    tableData="[]",
                    primaryColumns={"a": {"onClick": "{{q.run()}}"}},
                )
            ],
            [action("q")],
        )
    )
    assert lint(document, MANIFESTS.get) == []


def test_two_entities_of_one_page_with_one_name_are_reported() -> None:
    document = app(page("P", [widget("Text1")], [action("Text1")]))
    assert codes(document) == [("Text1", "name", "duplicate_name", "error")]


def test_pages_may_reuse_names_and_each_page_sees_only_its_own() -> None:
    def orders(name: str, *extra: dict[str, Any]) -> dict[str, Any]:
        return page(
            name,
            [widget("Table1", "TABLE_WIDGET_V2", tableData="{{Utils.rows(getOrders.data)}}"), *extra],
            [action("getOrders")],
            [js_object("Utils", "export default { rows(d) { return d } }")],
        )

    # The root canvas of every page is MainContainer, as in a real app: no duplicate either.
    one, two = orders("One"), orders("Two", widget("Text1", text="{{Summary.text}}"))
    one["dsl"]["widgetName"] = two["dsl"]["widgetName"] = "MainContainer"
    three = page("Three", [widget("Summary", text="x")])
    diagnostics = lint(app(one, two, three), MANIFESTS.get)
    assert [(d.page, d.entity, d.code) for d in diagnostics] == [("Two", "Text1", "unknown_entity")]
    assert lint(app(one, two, three), MANIFESTS.get, page=0) == []


def test_the_shipped_manifests_are_used_by_default() -> None:
    manifest = registry.get("TEXT_WIDGET")
    assert manifest is not None
    document = app(page("P", [widget("Text1", text="x"), widget("Text2", text="{{Text1.noSuchProperty}}")]))
    assert [d.code for d in lint(document)] == ["unknown_property"]
    assert "text" in manifest.readable_names()
