"""Checking values (defaults, evaluated bindings) against a declared widget value type."""

from __future__ import annotations

from typing import Any

import pytest

from lowcraft.widgets import TypeHint, is_binding, value_problems


def hint(**fields: Any) -> TypeHint:
    return TypeHint.model_validate(fields)


CASES: list[tuple[dict[str, Any], Any, bool]] = [
    ({"type": "string"}, "hello", True),
    ({"type": "string"}, 3, False),
    ({"type": "number"}, 3.5, True),
    ({"type": "number"}, True, False),
    ({"type": "number"}, "3", False),
    ({"type": "number"}, float("nan"), False),
    ({"type": "boolean"}, False, True),
    ({"type": "boolean"}, "false", False),
    ({"type": "color"}, "#553DE9", True),
    ({"type": "color"}, "rgba(0, 0, 0, .5)", True),
    ({"type": "color"}, "tomato", True),
    ({"type": "color"}, "#12345", False),
    ({"type": "enum", "options": ["asc", "desc"]}, "asc", True),
    ({"type": "enum", "options": ["asc", "desc"]}, "ASC", False),
    ({"type": "enum", "options": [0, 1]}, True, False),
    ({"type": "array", "items": {"type": "number"}}, [1, 2], True),
    ({"type": "array", "items": {"type": "number"}}, [1, "2"], False),
    ({"type": "object", "shape": {"x": {"type": "number"}}}, {"x": 1, "extra": "kept"}, True),
    ({"type": "object", "shape": {"x": {"type": "number"}}}, {"x": "1"}, False),
    ({"type": "object", "values": {"type": "boolean"}}, {"a": True, "b": False}, True),
    ({"type": "object"}, [], False),
    ({"type": "date"}, "2024-05-01T10:30:00.000Z", True),
    ({"type": "date"}, "2024-05-01", True),
    ({"type": "date"}, "yesterday", False),
    ({"type": "icon"}, "arrow-right", True),
    ({"type": "icon"}, "Arrow Right", False),
    ({"type": "url"}, "https://example.com/a?b=c", True),
    ({"type": "url"}, " JavaScript:alert(1)", False),
    ({"type": "html"}, "<b>hi</b>", True),
    ({"type": "any"}, {"anything": [1, "two"]}, True),
]


@pytest.mark.parametrize(("fields", "value", "fits"), CASES, ids=[f"{c[0]['type']}-{c[1]!r}" for c in CASES])
def test_values_are_checked_against_their_type(fields: dict[str, Any], value: Any, fits: bool) -> None:
    assert (value_problems(value, hint(**fields)) == []) is fits


@pytest.mark.parametrize("type_", ["string", "number", "boolean", "array", "object", "date"])
def test_null_means_unset_and_fits_every_type(type_: str) -> None:
    assert value_problems(None, hint(type=type_)) == []


def test_problems_name_the_path_inside_nested_values() -> None:
    series = hint(
        type="object",
        values={"type": "object", "shape": {"data": {"type": "array", "items": {"type": "number"}}}},
    )
    assert value_problems({"sales": {"data": [1, "x"]}}, series, "chartData") == [
        "chartData.sales.data[1]: expected a finite number, got 'x'"
    ]


def test_hints_that_do_not_fit_their_type_are_refused() -> None:
    with pytest.raises(ValueError, match="`items` is allowed only on type array"):
        hint(type="string", items={"type": "number"})
    with pytest.raises(ValueError, match="non-empty and distinct"):
        hint(type="enum", options=["a", "a"])


def test_a_binding_is_recognised_by_its_braces() -> None:
    assert is_binding("{{appsmith.theme.colors.primaryColor}}")
    assert is_binding("Total: {{ getOrders.data.length }}")
    assert not is_binding("plain text") and not is_binding(3)
