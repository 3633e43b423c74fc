"""Parsing one piece of JavaScript: positions, syntax errors, members and the parse cache."""

from __future__ import annotations

from lowcraft.bindings import SourceKind, analyze, extract_references
from lowcraft.bindings.javascript import clear_cache


def test_positions_are_character_offsets_also_after_non_ascii_text() -> None:
    source = "'é€𝄞' + Table1.selectedRow"
    (use,) = analyze(source).uses
    assert source[use.start : use.end] == "Table1"
    assert [source[s:e] for s, e in use.key_spans] == ["selectedRow"]


def test_reference_positions_point_into_the_property_value() -> None:
    value = "Prix € {{ Input1.text }} / {{Select1.selectedOptionValue}}"
    refs = extract_references(value, "expression", ["Input1", "Select1"]).references
    assert [value[r.start : r.end] for r in refs] == ["Input1", "Select1"]


def test_a_syntax_error_is_reported_with_its_position_never_raised() -> None:
    value = "Total: {{ Input1.text + }}"
    found = extract_references(value, "expression", ["Input1"])
    (error,) = found.errors
    assert 10 <= error.start <= len(value) - 2
    assert error.message


def test_a_statement_is_a_syntax_error_in_a_data_binding_but_not_in_a_handler() -> None:
    assert analyze("const a = 1", SourceKind.EXPRESSION).errors
    assert not analyze("const a = 1", SourceKind.STATEMENTS).errors


def test_a_js_object_must_export_an_object() -> None:
    (error,) = analyze("const x = 1", SourceKind.JSOBJECT).errors
    assert "export default" in error.message


def test_js_object_members_and_where_they_are() -> None:
    body = "export default {\n  fmt(x) { return x },\n  rate: 0.2,\n  run: async () => 1,\n}"
    members = analyze(body, SourceKind.JSOBJECT).members
    assert [(m.name, m.is_function) for m in members] == [("fmt", True), ("rate", False), ("run", True)]
    assert [body[m.key_start : m.key_end] for m in members] == ["fmt", "rate", "run"]


def test_uses_know_their_member_and_whether_they_are_called() -> None:
    body = "export default {\n  a() { return getOrders.run() },\n  b: Input1.text,\n}"
    uses = analyze(body, SourceKind.JSOBJECT).uses
    assert [(u.dotted, u.member, u.called) for u in uses] == [
        ("getOrders.run", "a", True),
        ("Input1.text", "b", False),
    ]


def test_the_same_source_is_parsed_once() -> None:
    clear_cache()
    first = analyze("Table1.selectedRow.id + 1")
    assert analyze("Table1.selectedRow.id + 1") is first
    assert analyze("Table1.selectedRow.id + 1", SourceKind.STATEMENTS) is not first
