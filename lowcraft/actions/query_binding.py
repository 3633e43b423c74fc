"""Rebuilding what an action sends from its stored config and the values of its bindings.

The client evaluates every `{{ }}` binding of an action and sends `params`: binding source text ->
value. The stored config is the only source of the query's shape; values only ever fill the holes,
rendered according to the field's binding kind (see `lowcraft.connectors.schema.BindingKind`):

- SQL: each binding becomes a driver placeholder with the value as a typed parameter, so
  `'; DROP TABLE orders; --` is a string the database compares, never SQL it runs. A binding
  inside a quoted literal (`name = '{{Input1.text}}'`, `ilike '%{{q}}%'`) turns the whole literal
  into one text parameter; so does a binding inside a PostgreSQL dollar quote (`$$...$$`,
  `$tag$...$tag$`) or escape string (`E'...'`). Bindings inside comments are dropped. With prepared
  statements off (a Developer's documented opt-out, as in Appsmith) every binding's value is written
  into the SQL as text instead: strings as they are, everything else as JSON text
  (`sql_parameters.inline_sql`).
- SQL IN lists: a binding right after `in` or `not in` (`id in {{ids}}`), or alone inside its
  parentheses (`id in ({{ids}})`), takes an array and expands to one value per element:
  `id in (%s, %s, %s)`. An empty array matches nothing (`not in` then matches everything);
  a single value is a list of one. Anywhere else an array is one value: a PostgreSQL array
  (`id = any({{ids}})`), or JSON text on MySQL and SQLite (`json_contains({{ids}}, '3')`).
- URLs: values are percent-encoded; JSON documents: values are JSON-encoded where they stand;
  text: values as text; commands: each binding stays inside one argument; expression fields
  (kind `none`) take no bindings at all.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from lowcraft.actions.binding_values import BindingValues, value_as_text
from lowcraft.actions.sql_parameters import bind_sql_values
from lowcraft.bindings.segments import Segment, is_single_binding, iter_segments
from lowcraft.connectors.errors import BadParameters
from lowcraft.connectors.schema import BINDING_MARKER, BindingKind
from lowcraft.connectors.sql_dialect import SqlDialect


@dataclass(slots=True)
class BoundQuery:
    """A query config with every binding rendered, plus the SQL parameters in placeholder order
    (or, for a connector with `document` fields, the values their markers stand for).

    `sql_params` is None when SQL was inlined (prepared statements off): the driver must then be
    called without parameters, so that it does not interpret `%` or `?` in the text.
    """

    config: dict[str, Any]
    sql_params: list[Any] | None = field(default_factory=list)


# --- text, URLs, JSON, single values, commands --------------------------------------------------


def render_text(template: str, values: BindingValues) -> str:
    return "".join(
        value_as_text(values.get(s.source)) if s.is_binding else s.source for s in iter_segments(template)
    )


def render_url(template: str, values: BindingValues) -> str:
    """Values percent-encoded; a binding that opens the URL supplies its base as written."""
    out: list[str] = []
    for seg in iter_segments(template):
        if not seg.is_binding:
            out.append(seg.source)
        elif seg.start == 0:
            out.append(value_as_text(values.get(seg.source)))
        else:
            out.append(quote(value_as_text(values.get(seg.source)), safe=""))
    return "".join(out)


def _json_string_state(literal: str, in_string: bool) -> bool:
    """Whether a JSON template is inside a string after `literal`, given the state before it."""
    i = 0
    while i < len(literal):
        ch = literal[i]
        if in_string and ch == "\\":
            i += 2
            continue
        if ch == '"':
            in_string = not in_string
        i += 1
    return in_string


def render_json(template: str, values: BindingValues) -> str:
    """A JSON document: bare bindings become JSON values, bindings inside strings escaped text."""
    out: list[str] = []
    in_string = False
    for seg in iter_segments(template):
        if not seg.is_binding:
            out.append(seg.source)
            in_string = _json_string_state(seg.source, in_string)
            continue
        value = values.get(seg.source)
        if in_string:
            out.append(json.dumps(value_as_text(value))[1:-1])
        else:
            out.append(json.dumps(value))
    rendered = "".join(out)
    if rendered.strip():
        try:
            json.loads(rendered)
        except json.JSONDecodeError as exc:
            raise BadParameters(
                f"The JSON is not valid once its bindings are filled in: {exc.msg} "
                f"at line {exc.lineno} column {exc.colno}.",
                "Put bindings that produce text inside quotes, and objects or arrays outside them.",
            ) from None
    return rendered


def render_document(template: str, values: BindingValues, bound: list[Any]) -> str:
    """A JSON document whose bare bindings become `{"$binding": n}` markers, their values appended
    to `bound`; bindings inside strings are escaped text. The connector puts the values back."""
    out: list[str] = []
    in_string = False
    for seg in iter_segments(template):
        if not seg.is_binding:
            out.append(seg.source)
            in_string = _json_string_state(seg.source, in_string)
            continue
        value = values.get(seg.source)
        if in_string:
            out.append(json.dumps(value_as_text(value))[1:-1])
        else:
            out.append(json.dumps({BINDING_MARKER: len(bound)}))
            bound.append(value)
    return "".join(out)


def render_value(template: str, values: BindingValues) -> Any:
    """The value itself when the field is exactly one binding, else the rendered text."""
    if is_single_binding(template):
        seg: Segment = next(s for s in iter_segments(template.strip()) if s.is_binding)
        return values.get(seg.source)
    return render_text(template, values)


def render_command(template: str, values: BindingValues) -> list[str]:
    """Split a command line into arguments; a binding's value never splits or quotes anything."""
    args: list[str] = []
    current: list[str] = []
    has_token = False
    quote_char = ""
    for seg in iter_segments(template):
        if seg.is_binding:
            current.append(value_as_text(values.get(seg.source)))
            has_token = True
            continue
        for ch in seg.source:
            if quote_char:
                if ch == quote_char:
                    quote_char = ""
                else:
                    current.append(ch)
            elif ch in "\"'":
                quote_char = ch
                has_token = True
            elif ch.isspace():
                if has_token:
                    args.append("".join(current))
                current, has_token = [], False
            else:
                current.append(ch)
                has_token = True
    if quote_char:
        raise BadParameters("The command has an unclosed quote.")
    if has_token:
        args.append("".join(current))
    return args


def refuse_bindings(template: str) -> str:
    """A field that takes no bindings, as written; `BadParameters` when it holds one."""
    for seg in iter_segments(template):
        if seg.is_binding:
            raise BadParameters(
                f"{{{{{seg.source.strip()}}}}} cannot stand in this field: it is code (an expression or a "
                "schema), and a value bound into its text could change what it does.",
                "Bind values in the field meant for them: for a DynamoDB expression, write a placeholder "
                "(:status) and bind its value in the expression values.",
            )
    return template


# --- whole query configs ------------------------------------------------------------------------


def _render(node: Any, kind: BindingKind, values: BindingValues, writer: _SqlState) -> Any:
    if isinstance(node, dict):
        return {k: _render(v, kind, values, writer) for k, v in node.items()}
    if isinstance(node, list):
        return [_render(v, kind, values, writer) for v in node]
    if not isinstance(node, str):
        return node
    if kind == "sql":
        return writer.bind(node, values)
    if kind == "url":
        return render_url(node, values)
    if kind == "json":
        return render_json(node, values)
    if kind == "value":
        return render_value(node, values)
    if kind == "command":
        return render_command(node, values)
    if kind == "none":
        return refuse_bindings(node)
    if kind == "document":
        return render_document(node, values, writer.documents)
    return render_text(node, values)


@dataclass(slots=True)
class _SqlState:
    dialect: SqlDialect | None
    prepared: bool
    params: list[Any] | None = field(default_factory=list)
    documents: list[Any] = field(default_factory=list)
    """Values of the bindings in `document` fields, by marker number."""

    def bind(self, template: str, values: BindingValues) -> str:
        if self.dialect is None:
            raise BadParameters("This connector does not take SQL.")
        sql, params = bind_sql_values(template, values, self.dialect, self.prepared)
        if params is None:
            self.params = None
        elif self.params is not None:
            self.params.extend(params)
        return sql


def bind_query(
    query_config: Mapping[str, Any],
    kinds: Mapping[str, BindingKind],
    params: Mapping[str, Any],
    *,
    dialect: SqlDialect | None = None,
    prepared: bool = True,
) -> BoundQuery:
    """Render every binding of a stored query config; fails on missing or unexpected values.

    `kinds` maps each top-level field to its binding kind (nested values inherit it; fields not
    listed render as text). Nothing is sent before this succeeds, so a bad value never reaches
    a server half-applied.
    """
    values = BindingValues(params)
    sql = _SqlState(dialect, prepared)
    rendered = {
        key: _render(value, kinds.get(key, "text"), values, sql) for key, value in query_config.items()
    }
    values.check()
    if sql.documents:
        # A connector takes SQL or documents, never both (a registry test holds every connector to it).
        return BoundQuery(config=rendered, sql_params=sql.documents)
    return BoundQuery(config=rendered, sql_params=sql.params if prepared else None)
