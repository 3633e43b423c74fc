"""The rename refactor over an application document: names are per page, so a rename rewrites the
entity's own page and leaves every other page alone."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lowcraft.bindings import (
    AmbiguousNameError,
    InvalidNameError,
    NameTakenError,
    RenameConflictError,
    UnknownEntityError,
    extract_references,
    rename,
    rename_in_text,
)
from tests.bindings.apps import action, app, js_object, page, widget


def orders_app() -> dict:  # type: ignore[type-arg]
    return app(
        page(
            "Orders",
            [
                widget(
                    "Table1",
                    "TABLE_WIDGET_V2",
                    tableData="{{getOrders.data}}",
                    primaryColumns={"id": {"computedValue": "{{Table1.selectedRow.id}}"}},
                ),
                widget("Text1", text="Table1 says {{Table1.selectedRow.name}} {{Utils.fmt(1)}}"),
            ],
            [action("getOrders", "select * from t where id = {{Table1.selectedRow.id}}")],
            [
                js_object(
                    "Utils",
                    "export default {\n  fmt(x) { return x + Table1.pageNo },\n  g() { return this.fmt(2) },\n}",
                )
            ],
        ),
        page(
            "Other",
            [
                widget(
                    "Button1",
                    "BUTTON_WIDGET",
                    onClick="{{ const {Table1: t} = x; showAlert(Table1.pageNo) }}",
                )
            ],
        ),
    )


def test_renaming_an_entity_rewrites_its_page_and_the_entity_name() -> None:
    document = orders_app()
    original = copy.deepcopy(document)
    renamed, changes = rename(document, "Table1", "Orders")
    assert document == original, "the input document is not modified"
    assert "Table1." not in json.dumps(renamed["pages"][0]).replace("'Table1", "")  # only text mentions remain
    first = renamed["pages"][0]
    assert first["dsl"]["children"][0]["widgetName"] == "Orders"
    assert first["dsl"]["children"][1]["text"] == "Table1 says {{Orders.selectedRow.name}} {{Utils.fmt(1)}}"
    assert first["actions"][0]["config"]["sql"] == "select * from t where id = {{Orders.selectedRow.id}}"
    # Page "Other" has no Table1: its mention is an unknown name there, and stays one.
    assert renamed["pages"][1] == document["pages"][1]
    assert [(c.entity, c.path) for c in changes] == [
        ("Table1", "widgetName"),
        ("Table1", "primaryColumns.id.computedValue"),
        ("Text1", "text"),
        ("getOrders", "config.sql"),
        ("Utils", "body"),
    ]
    assert changes[2].before == document["pages"][0]["dsl"]["children"][1]["text"]
    assert changes[0].to_dict() == {
        "entity": "Table1",
        "path": "widgetName",
        "before": "Table1",
        "after": "Orders",
    }


def two_pages_with_one_set_of_names() -> dict:  # type: ignore[type-arg]
    def orders(name: str) -> dict:  # type: ignore[type-arg]
        return page(
            name,
            [
                widget("Table1", "TABLE_WIDGET_V2", tableData="{{Utils.rows(getOrders.data)}}"),
                widget("Text1", text="{{Table1.selectedRow.id}}"),
            ],
            [action("getOrders", "select * from o where id = {{Table1.selectedRow.id}}")],
            [js_object("Utils", "export default {\n  rows(d) { return d },\n}")],
        )

    return app(orders("One"), orders("Two"))


def test_renaming_on_one_page_leaves_the_same_name_on_another_page_alone() -> None:
    document = two_pages_with_one_set_of_names()
    for old, new in (("Table1", "Orders"), ("getOrders", "listOrders"), ("Utils", "Fmt"), ("Utils.rows", "Utils.all")):
        renamed, changes = rename(document, old, new, page=1)
        assert renamed["pages"][0] == document["pages"][0]
        assert renamed["pages"][1] != document["pages"][1] and changes
    renamed, _ = rename(document, "Table1", "Orders", page=1)
    two = renamed["pages"][1]
    assert [w["widgetName"] for w in two["dsl"]["children"]] == ["Orders", "Text1"]
    assert two["dsl"]["children"][1]["text"] == "{{Orders.selectedRow.id}}"
    assert two["actions"][0]["config"]["sql"] == "select * from o where id = {{Orders.selectedRow.id}}"


def test_a_name_on_several_pages_needs_its_page_and_a_new_name_need_only_be_free_on_it() -> None:
    document = two_pages_with_one_set_of_names()
    with pytest.raises(AmbiguousNameError, match="One, Two"):
        rename(document, "Table1", "Orders")
    with pytest.raises(NameTakenError):
        rename(document, "Table1", "Text1", page=0)
    with pytest.raises(UnknownEntityError):
        rename(app(page("A", [widget("Table1")]), page("B", [])), "Table1", "Orders", page=1)
    one_only = app(page("A", [widget("Table1")]), page("B", [widget("Orders")]))
    renamed, _ = rename(one_only, "Table1", "Orders")  # free on A, used on B: allowed
    assert [w["widgetName"] for p in renamed["pages"] for w in p["dsl"]["children"]] == ["Orders", "Orders"]


def test_renaming_an_action_and_a_js_object_renames_their_name_key() -> None:
    renamed, _ = rename(orders_app(), "getOrders", "listOrders")
    assert renamed["pages"][0]["actions"][0]["name"] == "listOrders"
    assert renamed["pages"][0]["dsl"]["children"][0]["tableData"] == "{{listOrders.data}}"
    renamed, _ = rename(orders_app(), "Utils", "Format")
    assert renamed["pages"][0]["jsObjects"][0]["name"] == "Format"


def test_renaming_a_member_renames_its_definition_and_every_call() -> None:
    renamed, changes = rename(orders_app(), "Utils.fmt", "Utils.format")
    body = renamed["pages"][0]["jsObjects"][0]["body"]
    assert (
        body
        == "export default {\n  format(x) { return x + Table1.pageNo },\n  g() { return this.format(2) },\n}"
    )
    assert renamed["pages"][0]["dsl"]["children"][1]["text"].endswith("{{Utils.format(1)}}")
    assert {c.entity for c in changes} == {"Utils", "Text1"}


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        ("Table9", "Orders", UnknownEntityError),
        ("Table1", "2fast", InvalidNameError),
        ("Table1", "my-table", InvalidNameError),
        ("Table1", "class", InvalidNameError),
        ("Table1", "Math", InvalidNameError),
        ("Table1", "appsmith", InvalidNameError),
        ("Table1", "showAlert", InvalidNameError),
        ("Table1", "Text1", NameTakenError),
        ("Table1", "getOrders", NameTakenError),
        ("Utils.nope", "Utils.x", UnknownEntityError),
        ("Utils.fmt", "Utils.g", NameTakenError),
        ("Utils.fmt", "Other.f", InvalidNameError),
        ("Table1.x", "Table1.y", UnknownEntityError),
    ],
)
def test_invalid_renames_raise_a_clear_error(old: str, new: str, error: type[Exception]) -> None:
    with pytest.raises(error) as raised:
        rename(orders_app(), old, new)
    assert str(raised.value)


def test_a_rename_a_local_would_capture_is_refused_with_its_location() -> None:
    document = app(
        page("P", [widget("Table1", tableData="x"), widget("Text1", text="{{[1].map(Orders => Table1.x)}}")])
    )
    with pytest.raises(RenameConflictError) as raised:
        rename(document, "Table1", "Orders")
    assert raised.value.details["entity"] == "Text1"
    assert raised.value.details["path"] == "text"


def test_renaming_to_the_same_name_changes_nothing() -> None:
    renamed, changes = rename(orders_app(), "Table1", "Table1")
    assert renamed == orders_app() and changes == []


# Property-based: code built from fragments that read the entity, shadow it, mention it in strings,
# comments and member names, or read unrelated names. Shorthand `{Table1}` is left out on purpose:
# it becomes `{Table1: Orders}`, whose rename back is `{Table1: Table1}` (same meaning, other text).
FRAGMENTS = [
    "Table1.selectedRow.id",
    "Table1",
    "Table1?.tableData[0]",
    "x.Table1",
    "'Table1'",
    "`Table1 ${Table1.a}`",
    "/* Table1 */ 1",
    "((Table1) => Table1.x)(y)",
    "[1].map(Orders2 => Orders2)",
    "Input1.text",
    "Table10.x",
    "{Table1: 1}",
    "{k: Table1}",
    "Utils.fmt(Table1)",
    "Math.max(Table1.a, 2)",
    "(() => { const Table1 = 2; return Table1 })()",
    "typeof Table1",
    "Table1['selectedRow']",
]
expressions = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=6).map(
    lambda parts: " + ".join(parts)
)
values = st.lists(
    st.one_of(expressions.map(lambda e: "{{" + e + "}}"), st.sampled_from(["Table1 ", "text ", "é "])),
    min_size=1,
    max_size=4,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(values)
def test_rename_then_rename_back_yields_the_original_text(value: str) -> None:
    renamed = rename_in_text(value, "expression", "Table1", "Orders")
    assert rename_in_text(renamed, "expression", "Orders", "Table1") == value


@settings(max_examples=150, deadline=None)
@given(values)
def test_rename_never_changes_unrelated_code(value: str) -> None:
    renamed = rename_in_text(value, "expression", "Table1", "Orders")
    before = extract_references(value, "expression", ["Table1", "Input1", "Utils", "Table10"])
    # Outside the spans of the free `Table1` references, not one character changes.
    spans = [(r.start, r.end) for r in before.references if r.name == "Table1"]
    cuts = [0, *(edge for span in spans for edge in span), len(value)]
    outside = [value[cuts[i] : cuts[i + 1]] for i in range(0, len(cuts), 2)]
    assert renamed == "Orders".join(outside)
    after = extract_references(renamed, "expression", ["Orders", "Input1", "Utils", "Table10"])
    assert [r.dotted for r in after.references if r.name != "Orders"] == [
        r.dotted for r in before.references if r.name != "Table1"
    ]
    assert [r.path for r in after.references if r.name == "Orders"] == [
        r.path for r in before.references if r.name == "Table1"
    ]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Utils.fmt(1)",
                "Utils.fmtx",
                "fmt",
                "'Utils.fmt'",
                "this.fmt",
                "Other.fmt",
                "((Utils) => Utils.fmt)(1)",
                "Utils['fmt']",
            ]
        ),
        min_size=1,
        max_size=5,
    )
)
def test_member_rename_round_trips(parts: list[str]) -> None:
    value = "{{" + " + ".join(parts) + "}}"
    renamed = rename_in_text(value, "expression", "Utils.fmt", "Utils.format")
    assert rename_in_text(renamed, "expression", "Utils.format", "Utils.fmt") == value
