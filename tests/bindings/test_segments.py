"""Finding `{{ }}` bindings in a property value."""

from __future__ import annotations

import pytest

from lowcraft.bindings import binding_sources, has_binding, is_single_binding, iter_segments


@pytest.mark.parametrize(
    ("text", "sources"),
    [
        ("{{Input1.text}}", ["Input1.text"]),
        ("Hello {{ a }} and {{b}}!", [" a ", "b"]),
        ("{{ {a: 1} }}", [" {a: 1} "]),
        ('{{ "}}" + x }}', [' "}}" + x ']),
        ("{{ `${ {a: '}}'}.a }` }}", [" `${ {a: '}}'}.a }` "]),
        ("no binding here", []),
        ("{{ half typed", []),
        ('{"a": {{Input1.text}}}', ["Input1.text"]),
        # An unterminated string or unbalanced braces end the binding at the first `}}`, so the
        # syntax error is reported instead of the rest of the value turning into text.
        ("{{ 'abc }} tail", [" 'abc "]),
        ("{{ run(() => { }} tail", [" run(() => { "]),
    ],
)
def test_binding_sources(text: str, sources: list[str]) -> None:
    assert binding_sources(text) == sources


def test_segments_cover_the_whole_text_in_order() -> None:
    text = "a {{ b }} c {{d}}"
    segments = list(iter_segments(text))
    assert "".join(text[s.start : s.end] for s in segments) == text
    assert [(s.is_binding, s.source) for s in segments] == [
        (False, "a "),
        (True, " b "),
        (False, " c "),
        (True, "d"),
    ]
    assert text[segments[1].code_start : segments[1].code_start + 3] == " b "


def test_single_binding_and_has_binding() -> None:
    assert is_single_binding("  {{ Table1.tableData }} ")
    assert not is_single_binding("{{a}} {{b}}")
    assert not is_single_binding("x {{a}}")
    assert has_binding("x {{a}}")
    assert not has_binding("x {{a")
