"""Splitting strings into literal text and `{{ }}` binding segments.

Shared by the binding analyser, the action parameter binder and page validation, so every part of
Lowcraft agrees on where a binding starts and ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

_QUOTES = {"'", '"', "`"}


@dataclass(frozen=True, slots=True)
class Segment:
    """One piece of a string: literal text, or the JavaScript inside a `{{ }}` pair.

    `start`/`end` are offsets of the whole segment in the original string (for a binding,
    including the braces); `source` is the literal text, or the JavaScript between the braces
    exactly as written (not stripped), which is the key clients send parameter values under.
    """

    is_binding: bool
    source: str
    start: int
    end: int

    @property
    def code_start(self) -> int:
        """Offset of the JavaScript source in the original string (after `{{`)."""
        return self.start + 2 if self.is_binding else self.start


def _binding_end(text: str, start: int) -> int:
    """Index of the `}}` closing the binding whose code begins at `start`, or -1.

    Braces inside JS strings, template literals and object literals do not close a binding:
    `{{ {a: 1} }}` and `{{ "}}" }}` are single bindings. A string that never closes (`{{ 'abc }}`)
    is a syntax error of the binding, not a reason to swallow the rest of the text: the binding
    then ends at the first `}}`, and so does a binding whose braces do not balance.
    """
    depth = 0
    i = start
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in _QUOTES:
            i = _skip_string(text, i)
            if i < 0:
                return text.find("}}", start)
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                if i + 1 < n and text[i + 1] == "}":
                    return i
            else:
                depth -= 1
        i += 1
    # Unbalanced braces (`{{ run(() => { }}`): end at the first `}}` so the error gets reported.
    return text.find("}}", start)


def _skip_string(text: str, i: int) -> int:
    """The index after the string literal opening at `i`, or -1 when it never closes."""
    quote = text[i]
    i += 1
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == quote:
            return i + 1
        if quote == "`" and ch == "$" and i + 1 < n and text[i + 1] == "{":
            # A template substitution `${ }` may itself hold strings and braces.
            i = _substitution_end(text, i + 2)
            if i < 0:
                return -1
            continue
        i += 1
    return -1


def _substitution_end(text: str, start: int) -> int:
    """The index after the `}` closing a template substitution, or -1 when it never closes."""
    depth = 0
    i = start
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in _QUOTES:
            i = _skip_string(text, i)
            if i < 0:
                return -1
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                return i + 1
            depth -= 1
        i += 1
    return -1


def iter_segments(text: str) -> Iterator[Segment]:
    """Yield the literal and binding segments of `text` in order.

    An unclosed `{{` is literal text: a half-typed binding must not swallow the rest.
    """
    pos = 0
    n = len(text)
    while pos < n:
        open_at = text.find("{{", pos)
        if open_at == -1:
            break
        close_at = _binding_end(text, open_at + 2)
        if close_at == -1:
            break
        if open_at > pos:
            yield Segment(False, text[pos:open_at], pos, open_at)
        yield Segment(True, text[open_at + 2 : close_at], open_at, close_at + 2)
        pos = close_at + 2
    if pos < n:
        yield Segment(False, text[pos:], pos, n)


def has_binding(text: str) -> bool:
    """Whether `text` holds at least one complete `{{ }}` binding."""
    return "{{" in text and any(s.is_binding for s in iter_segments(text))


def binding_sources(text: str) -> list[str]:
    """The JavaScript source of each binding in `text`, in order of appearance."""
    return [s.source for s in iter_segments(text) if s.is_binding]


def is_single_binding(text: str) -> bool:
    """Whether the whole string is exactly one binding (its value is the JS value, not text)."""
    segs = list(iter_segments(text.strip()))
    return len(segs) == 1 and segs[0].is_binding
