"""Field markers that connectors put on their pydantic schemas, and what is derived from them.

A connection schema marks its secret fields with `Secret()`; a query schema marks how bindings in
each field are rendered with `Binds(kind)`. Both markers also land in the JSON schema (`"secret":
true`, `"x-binding": kind`), so the editor's forms, masking, encryption and parameter binding all
read the one declaration.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

BindingKind = Literal["sql", "text", "url", "json", "value", "command", "none", "document"]
"""How `{{ }}` bindings in a query field are rendered before the query is sent.

- `sql`: each binding becomes a driver placeholder and its value a typed parameter.
- `text`: the value as plain text (strings as-is, other values as JSON).
- `url`: the value as text, percent-encoded (for URLs and paths).
- `json`: the field is a JSON document; values are JSON-encoded where they stand.
- `value`: a field that is exactly one binding takes the value itself (any type); otherwise text.
- `command`: a command line split into arguments; each binding stays within one argument.
- `document`: a JSON document whose bare bindings become markers (`{"$binding": n}`) and their
  values parameters (`params` of `execute`), so the connector decides what a value may be where
  it stands (MongoDB: never an operator); bindings inside strings are text, as in `json`.
- `none`: the field takes no bindings: it is code (a DynamoDB expression) whose values travel in
  another field as values, and a binding in it is refused before anything is sent.
"""

BINDING_MARKER = "$binding"
"""The key of the object that stands for a bound value in a `document` field: `{"$binding": 0}`."""


@dataclass(frozen=True, slots=True)
class Secret:
    """Marks a connection field as secret: masked in responses, encrypted at rest, redacted in logs."""

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema.update({"secret": True, "writeOnly": True, "format": "password"})
        return json_schema


@dataclass(frozen=True, slots=True)
class Binds:
    """Marks how bindings inside a query field are rendered (see `BindingKind`)."""

    kind: BindingKind

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["x-binding"] = self.kind
        return json_schema


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        resolved: dict[str, Any] = defs[ref.removeprefix("#/$defs/")]
        return resolved
    return node


def _walk_secrets(node: dict[str, Any], defs: dict[str, Any], path: tuple[str, ...], out: list[str]) -> None:
    node = _resolve(node, defs)
    if node.get("secret") is True:
        out.append(".".join(path))
        return
    for option in node.get("anyOf", []) + node.get("oneOf", []) + node.get("allOf", []):
        _walk_secrets(option, defs, path, out)
    for name, child in node.get("properties", {}).items():
        _walk_secrets(child, defs, (*path, name), out)


@functools.cache
def _secret_paths(model: type[BaseModel]) -> tuple[str, ...]:
    schema = model.model_json_schema()
    found: list[str] = []
    _walk_secrets(schema, schema.get("$defs", {}), (), found)
    return tuple(sorted(set(found)))


def secret_paths(model: type[BaseModel]) -> list[str]:
    """Dotted paths of the fields marked secret in `model`, nested models included."""
    return list(_secret_paths(model))


@functools.cache
def binding_kinds(model: type[BaseModel]) -> dict[str, BindingKind]:
    """The binding kind of each top-level field of a query schema (`text` where unmarked)."""
    kinds: dict[str, BindingKind] = {}
    for name, field in model.model_fields.items():
        key = field.alias or name
        kind: BindingKind = "text"
        for meta in field.metadata:
            if isinstance(meta, Binds):
                kind = meta.kind
        kinds[key] = kind
    return kinds
