"""SQL parameters: a stored SQL template with `{{ }}` bindings turned into driver placeholders
and typed parameter values (or, with prepared statements off, the values' text in the SQL).

Each binding becomes a placeholder with the value as a typed parameter, so
`'; DROP TABLE orders; --` is a string the database compares, never SQL it runs. A binding inside
a quoted literal turns the whole literal into one text parameter; a binding right after `in` or
`not in` expands an array into one value per element; bindings inside comments are dropped (see
`lowcraft.actions.query_binding` for the whole rule set). The scan of a template is cached per
dialect, so an app running the same query again pays only for rendering its values.

With prepared statements off, Lowcraft does what Appsmith does: each binding's value is written into
the SQL as text where the binding stands, wherever that is (code, literal or comment). Strings go in
as they are (the developer writes the quotes: `name = '{{Input1.text}}'`), numbers and booleans as
their JSON text (`42`, `true`), null (and undefined) as `null`, arrays and objects as JSON text.
So a query can build SQL in JavaScript (`insert into t values {{rows.map(r => `(${r.id})`).join(',')}}`), a
table name, or an IN list (`id in ({{ids.join(',')}})`); and a value can equally hold SQL that the
database runs. Turning it off is a Developer's choice per query (see docs/security.md).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lowcraft.actions.binding_values import BindingValues, value_as_text
from lowcraft.bindings.segments import Segment, iter_segments
from lowcraft.connectors.errors import BadParameters
from lowcraft.connectors.sql_dialect import SqlDialect

# `in`/`not in` (and an optional `(`) ending the code before a binding: the binding is an IN list.
_IN_LIST = re.compile(r"(?<![\w$])(?:(?P<negated>not)\s+)?in\s*(?P<paren>\()?\s*\Z", re.IGNORECASE)
_CLOSE_PAREN = re.compile(r"\s*\)")
# Code ending where a row count goes: `LIMIT `, `OFFSET `, `FETCH FIRST `, `LIMIT 10, `.
_ROW_COUNT = re.compile(r"(?:\b(?:limit|offset)|\bfetch\s+(?:first|next)|\blimit\s+\d+\s*,)\s*$", re.IGNORECASE)
# A dollar quote's opening: `$$` or `$tag$`, the tag an identifier without `$` (so `$1` is none).
_DOLLAR_TAG = re.compile(r"\$(?:[^\W\d]\w*)?\$")


def _is_identifier_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_$"


@dataclass(slots=True)
class _SqlWriter:
    dialect: SqlDialect
    out: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def value(self, value: Any, row_count: bool = False) -> None:
        self.out.append(self.dialect.placeholder)
        if row_count and self.dialect.numbers_as_text:
            self.params.append(self.dialect.row_count(value))
        else:
            self.params.append(self.dialect.adapt(value))

    def in_list(self, items: list[Any], parenthesised: bool) -> None:
        """The elements of an IN list, one value each, inside the template's parentheses or ours."""
        if not items:
            body = self.dialect.empty_in_list or ""
        else:
            body = ", ".join(self.dialect.placeholder for _ in items)
            self.params.extend(self.dialect.adapt(item) for item in items)
        self.out.append(body if parenthesised else f"({body})")

    def string_literal(self, parts: list[str | tuple[Any]]) -> None:
        """A quoted literal that held bindings: one text value (NULL if it was only a null binding)."""
        if len(parts) == 1 and isinstance(parts[0], tuple) and parts[0][0] is None:
            self.value(None)
            return
        self.value("".join(p if isinstance(p, str) else value_as_text(p[0]) for p in parts))


def _unescape_mysql(ch: str) -> str:
    # `\%` and `\_` keep their backslash: they are LIKE's escaped wildcards, not characters.
    return {"n": "\n", "t": "\t", "r": "\r", "0": "\x00", "b": "\b", "Z": "\x1a", "%": "\\%", "_": "\\_"}.get(
        ch, ch
    )


_PG_ESCAPE = re.compile(
    r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL
)


def _unescape_postgres(text: str, i: int) -> tuple[str, int]:
    """The character a backslash escape at `i` of an `E'...'` literal stands for, and its length."""
    m = _PG_ESCAPE.match(text, i)
    if m is None:
        return "\\", 1
    octal, hex2, hex4, hex8, other = m.groups()
    if other is not None:
        return {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}.get(other, other), m.end() - i
    code = int(octal, 8) if octal else int(hex2 or hex4 or hex8, 16)
    end = m.end()
    if 0xD800 <= code <= 0xDBFF:
        # A UTF-16 surrogate pair written as two escapes (`\\uD83D\\uDE00`) is one character.
        low = _PG_ESCAPE.match(text, end)
        if low is not None and low[3] is not None and 0xDC00 <= int(low[3], 16) <= 0xDFFF:
            code = 0x10000 + ((code - 0xD800) << 10) + (int(low[3], 16) - 0xDC00)
            end = low.end()
    if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        raise BadParameters(f"The SQL text holds an invalid escape {text[i:end]!r}.")
    return chr(code), end - i


# --- compiled SQL: the scan of a template, done once; rendering it is all a call pays ------------


@dataclass(frozen=True, slots=True)
class _Hole:
    """Where a binding's value goes inside a literal."""

    source: str


@dataclass(frozen=True, slots=True)
class _Code:
    """SQL text as written, and the same with `%` doubled for pyformat drivers."""

    text: str
    escaped: str


@dataclass(frozen=True, slots=True)
class _Value:
    """A binding in code: one placeholder. `row_count`: it follows LIMIT,
    OFFSET or FETCH FIRST/NEXT (or `LIMIT x,`), where the grammar wants a bare whole number."""

    source: str
    row_count: bool = False


@dataclass(frozen=True, slots=True)
class _InList:
    """A binding after `in`: one value per array element. Writes the code before it, too, since an
    empty array on a server without empty lists replaces the `in` itself."""

    source: str
    before: _Code
    before_in: _Code
    parenthesised: bool
    negated: bool


@dataclass(frozen=True, slots=True)
class _BoundLiteral:
    """A quoted literal holding bindings: its text and holes in order."""

    parts: tuple[str | _Hole, ...]


@dataclass(frozen=True, slots=True)
class _Identifier:
    """A binding inside a quoted identifier."""

    source: str
    quote: str


@dataclass(frozen=True, slots=True)
class _Dropped:
    """A binding inside a comment: its value is accepted and dropped."""

    source: str


_Op = _Code | _Value | _InList | _BoundLiteral | _Identifier | _Dropped


def _code(text: str) -> _Code:
    return _Code(text, text.replace("%", "%%"))


class _Program:
    """Collects the ops of one template while it is scanned."""

    def __init__(self) -> None:
        self.ops: list[_Op] = []
        self._text: list[str] = []

    def text(self, sql_text: str) -> None:
        if sql_text:
            self._text.append(sql_text)

    def op(self, op: _Op) -> None:
        self._end_text()
        self.ops.append(op)

    def _end_text(self) -> None:
        if self._text:
            self.ops.append(_code("".join(self._text)))
            self._text = []

    def code_binding(self, before: str, source: str, after: Segment | None) -> None:
        """The code `before` a binding outside any literal, then the binding as a value or an IN list."""
        in_list = _IN_LIST.search(before)
        # `in ({{ids}})` is a list only when the binding is all the parentheses hold.
        closed = after is not None and not after.is_binding and _CLOSE_PAREN.match(after.source) is not None
        if in_list and in_list["paren"] and not closed:
            in_list = None
        if in_list is None:
            code = "".join(self._text) + before
            previous = self.ops[-1] if self.ops and not self._text else None
            row_count = _ROW_COUNT.search(code) is not None or (
                isinstance(previous, _Value) and previous.row_count and before.strip() == ","
            )
            self.text(before)
            self.op(_Value(source, row_count))
            return
        self.op(_InList(source, _code(before), _code(before[: in_list.start()]),
                        in_list["paren"] is not None, in_list["negated"] is not None))

    def literal(self, parts: list[str | _Hole]) -> None:
        merged: list[str | _Hole] = []
        for part in parts:
            if isinstance(part, str) and merged and isinstance(merged[-1], str):
                merged[-1] += part
            else:
                merged.append(part)
        self.op(_BoundLiteral(tuple(merged)))

    def done(self) -> tuple[_Op, ...]:
        self._end_text()
        return tuple(self.ops)


def bind_sql(
    template: str, params: Mapping[str, Any], dialect: SqlDialect, *, prepared: bool = True
) -> tuple[str, list[Any] | None]:
    """SQL text with placeholders and the parameter list; with prepared statements off, the values
    written into the SQL and None."""
    values = BindingValues(params)
    sql, sql_params = bind_sql_values(template, values, dialect, prepared)
    values.check()
    return sql, sql_params


def bind_sql_values(
    template: str, values: BindingValues, dialect: SqlDialect, prepared: bool
) -> tuple[str, list[Any] | None]:
    if not prepared:
        return inline_sql(template, values), None
    return _render_sql(_compile_sql(template, dialect), values, dialect)


def sql_text_of(value: Any) -> str:
    """A value as SQL text with prepared statements off: strings as they are, null as `null`,
    anything else as JSON text (2.0 as `2`), as Appsmith writes an evaluated binding."""
    return "null" if value is None else value_as_text(value)


def inline_sql(template: str, values: BindingValues) -> str:
    """The template with each binding replaced by its value's text (prepared statements off)."""
    return "".join(sql_text_of(values.get(s.source)) if s.is_binding else s.source for s in iter_segments(template))


def _render_sql(ops: tuple[_Op, ...], values: BindingValues, dialect: SqlDialect) -> tuple[str, list[Any]]:
    w = _SqlWriter(dialect)
    escaped = dialect.percent_escape
    for op in ops:
        if isinstance(op, _Code):
            w.out.append(op.escaped if escaped else op.text)
        elif isinstance(op, _Value):
            w.value(values.get(op.source), op.row_count)
        elif isinstance(op, _InList):
            value = values.get(op.source)
            items = value if isinstance(value, list) else [value]
            if items or dialect.empty_in_list is not None:
                w.out.append(op.before.escaped if escaped else op.before.text)
                w.in_list(items, op.parenthesised)
            else:
                # No empty list on this server: `x [not] in ()` becomes a comparison with an empty array.
                w.out.append(op.before_in.escaped if escaped else op.before_in.text)
                w.out.append(("<> all(" if op.negated else "= any(") + "'{}'" + ("" if op.parenthesised else ")"))
        elif isinstance(op, _BoundLiteral):
            w.string_literal([p if isinstance(p, str) else (values.get(p.source),) for p in op.parts])
        elif isinstance(op, _Identifier):
            raise BadParameters(
                "A binding cannot name a table or column while prepared statements are on.",
                "Use a fixed name, or turn prepared statements off for this action.",
            )
        else:
            values.touch(op.source)
    limit = dialect.max_parameters
    if limit is not None and len(w.params) > limit:
        raise BadParameters(
            f"The query would carry {len(w.params)} parameters; the database takes at most {limit}.",
            "Pass a long list as one array instead of an IN list, e.g. `id = any({{ids}})`.",
        )
    return "".join(w.out), w.params


@functools.lru_cache(maxsize=1024)
def _compile_sql(template: str, dialect: SqlDialect) -> tuple[_Op, ...]:
    """The template scanned into ops; cached, since an app runs the same queries over and over."""
    w = _Program()
    # Scanner state: None in code, else the construct we are inside of.
    state: str | None = None
    quote_char = ""  # the closing quote, or the closing `$tag$` of a dollar quote
    escapes = False  # whether `\` escapes inside the current literal
    comment_depth = 0
    literal_raw: list[str] = []  # the literal as written, emitted unchanged when it holds no binding
    literal_parts: list[str | _Hole] = []  # unescaped text, and holes for bindings
    literal_bound = False
    # Code text ending a segment is held back until we know whether an IN list binding follows it.
    pending = ""

    def flush_literal() -> None:
        nonlocal literal_raw, literal_parts, literal_bound
        if literal_bound:
            w.literal(literal_parts)
        else:
            w.text("".join(literal_raw))
        literal_raw, literal_parts, literal_bound = [], [], False

    segments = list(iter_segments(template))
    for index, seg in enumerate(segments):
        if seg.is_binding:
            if state is None:
                after = segments[index + 1] if index + 1 < len(segments) else None
                w.code_binding(pending, seg.source, after)
                pending = ""
            elif state in ("string", "dollar"):
                literal_parts.append(_Hole(seg.source))
                literal_bound = True
            elif state == "identifier":
                w.op(_Identifier(seg.source, quote_char))
            else:
                # Inside a comment a value is dropped: it could only end the comment early.
                w.op(_Dropped(seg.source))
            continue
        w.text(pending)
        pending = ""
        text = seg.source
        i = 0
        n = len(text)
        code_start = 0
        while i < n:
            ch = text[i]
            if state is None:
                if ch in dialect.string_quotes or ch in dialect.identifier_quotes:
                    w.text(text[code_start:i])
                    state = "string" if ch in dialect.string_quotes else "identifier"
                    quote_char = ch
                    if state == "string":
                        literal_raw = [ch]
                        escapes = dialect.backslash_escapes
                    else:
                        w.text(ch)
                    i += 1
                    code_start = i
                    continue
                after_word = i > 0 and _is_identifier_char(text[i - 1])
                if ch in "eE" and dialect.escape_strings and not after_word and text.startswith("'", i + 1):
                    w.text(text[code_start:i])
                    state, quote_char, escapes = "string", "'", True
                    literal_raw = [text[i : i + 2]]
                    i += 2
                    code_start = i
                    continue
                if ch == "$" and dialect.dollar_quotes and not after_word:
                    tag = _DOLLAR_TAG.match(text, i)
                    if tag is not None:
                        w.text(text[code_start:i])
                        state, quote_char = "dollar", tag.group()
                        literal_raw = [quote_char]
                        i = tag.end()
                        code_start = i
                        continue
                if text.startswith("--", i) or (ch == "#" and dialect.name == "mysql"):
                    w.text(text[code_start:i])
                    state = "line_comment"
                    code_start = i
                    continue
                if text.startswith("/*", i):
                    state = "block_comment"
                    comment_depth = 1
                    w.text(text[code_start : i + 2])
                    i += 2
                    code_start = i
                    continue
                i += 1
                continue
            if state == "string":
                if ch == "\\" and escapes and i + 1 < n:
                    if dialect.backslash_escapes:
                        char, length = _unescape_mysql(text[i + 1]), 2
                    else:
                        char, length = _unescape_postgres(text, i)
                    literal_raw.append(text[i : i + length])
                    literal_parts.append(char)
                    i += length
                    continue
                if ch == quote_char:
                    if i + 1 < n and text[i + 1] == quote_char:
                        literal_raw.append(ch * 2)
                        literal_parts.append(ch)
                        i += 2
                        continue
                    literal_raw.append(ch)
                    state = None
                    flush_literal()
                    i += 1
                    code_start = i
                    continue
                literal_raw.append(ch)
                literal_parts.append(ch)
                i += 1
                continue
            if state == "dollar":
                # Nothing escapes inside a dollar quote: only its own closing tag ends it.
                end = text.find(quote_char, i)
                body = text[i:] if end == -1 else text[i:end]
                literal_raw.append(body)
                literal_parts.append(body)
                if end == -1:
                    i = code_start = n
                    continue
                literal_raw.append(quote_char)
                state = None
                flush_literal()
                i = code_start = end + len(quote_char)
                continue
            if state == "identifier":
                if ch == quote_char:
                    state = None
                w.text(ch)
                i += 1
                code_start = i
                continue
            if state == "line_comment":
                if ch == "\n":
                    state = None
                w.text(ch)
                i += 1
                code_start = i
                continue
            if state == "block_comment":
                if text.startswith("*/", i):
                    comment_depth -= 1
                    if comment_depth == 0:
                        state = None
                    w.text("*/")
                    i += 2
                    code_start = i
                    continue
                if dialect.nested_comments and text.startswith("/*", i):
                    comment_depth += 1
                    w.text("/*")
                    i += 2
                    code_start = i
                    continue
                w.text(ch)
                i += 1
                code_start = i
                continue
        if state is None:
            pending = text[code_start:]
    if state in ("string", "dollar"):
        # An unterminated literal: send it as written and let the database report the syntax error.
        flush_literal()
    w.text(pending)
    return w.done()
