"""Lint: what is wrong with the bindings of an application, as data (never raised).

Codes and severities (see spec/bindings/README.md):
- `syntax_error` (error): the JavaScript cannot be parsed.
- `unknown_entity` (error): a name that is no entity, local or global.
- `unknown_property` (error for actions and JS objects, warning for widgets: manifests describe
  what a widget exposes, but a document may carry keys its manifest does not list yet).
- `cycle` (error): properties that read each other.
- `trigger_in_data_binding` (error): `Query1.run()`, `showAlert()`... in a property that is
  evaluated, not triggered.
- `duplicate_name` (error): two entities of one page share one name (pages may reuse names).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from lowcraft.bindings.entities import BoundProperty, Entity, EntityKind, ManifestLookup, page_count
from lowcraft.bindings.graph import AppGraph, Cycle
from lowcraft.bindings.javascript import analyze
from lowcraft.bindings.js_analysis import SourceKind
from lowcraft.bindings.known_names import ACTION_PROPERTIES, ACTION_TRIGGERS, APP_TRIGGERS
from lowcraft.bindings.references import Reference, ReferenceKind
from lowcraft.widgets import registry as widget_registry


class Severity(str, Enum):
    """How bad a diagnostic is: errors fail `lowcraft check`, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem, located in a property value (character offsets; line and column from 1)."""

    page: str
    entity: str
    property: str
    start: int
    end: int
    line: int
    column: int
    severity: Severity
    code: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (API responses, `lowcraft check --format json`)."""
        return {
            "page": self.page,
            "entity": self.entity,
            "property": self.property,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "column": self.column,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
        }


def lint(
    document: Mapping[str, Any], manifests: ManifestLookup | None = None, page: int | None = None
) -> list[Diagnostic]:
    """Every diagnostic of an application document (of page number `page` only, when given),
    sorted by page, entity and position. Each page is linted with its own names: a reference to
    an entity of another page is an unknown name."""
    lookup = manifests if manifests is not None else widget_registry.get
    pages = range(page_count(document)) if page is None else (page,)
    found: list[Diagnostic] = []
    for index in pages:
        found.extend(lint_graph(AppGraph.build(document, lookup, index)))
    found.sort(key=lambda d: (d.page, d.entity, d.property, d.start, d.code))
    return found


def lint_graph(graph: AppGraph) -> list[Diagnostic]:
    """Every diagnostic of an already built graph (cheap after `update_property`)."""
    found: list[Diagnostic] = []
    for entity in graph.duplicates:
        found.append(
            _at(
                entity.page_name,
                entity.name,
                entity.name_key,
                "",
                0,
                0,
                Severity.ERROR,
                "duplicate_name",
                f"another entity of this page is already named {entity.name}",
            )
        )
    for key, prop in graph.properties.items():
        found.extend(lint_property(graph, prop, key))
    for cycle in graph.cycles():
        found.extend(_cycle_diagnostics(graph, cycle))
    found.sort(key=lambda d: (d.page, d.entity, d.property, d.start, d.code))
    return found


def lint_property(graph: AppGraph, prop: BoundProperty, key: str) -> list[Diagnostic]:
    """Diagnostics of one bound property, except cycles (they belong to the whole graph)."""
    entity = graph.entities[prop.entity]
    found: list[Diagnostic] = []

    def add(start: int, end: int, severity: Severity, code: str, message: str) -> None:
        found.append(
            _at(entity.page_name, entity.name, prop.dotted, prop.value, start, end, severity, code, message)
        )

    analysis = graph.references[key]
    for problem in analysis.errors:
        add(problem.start, problem.end, Severity.ERROR, "syntax_error", f"syntax error: {problem.message}")
    for reference in analysis.references:
        if reference.kind is ReferenceKind.UNKNOWN:
            add(
                reference.start,
                reference.end,
                Severity.ERROR,
                "unknown_entity",
                f"{reference.name} is not defined: no widget, action, JS object or global has this name",
            )
            continue
        if prop.kind is SourceKind.EXPRESSION and _is_trigger(graph, reference):
            add(
                reference.start,
                reference.end,
                Severity.ERROR,
                "trigger_in_data_binding",
                f"{reference.dotted}() has side effects: call it from an event handler or a JS object "
                "function, not from a value that is evaluated",
            )
        if reference.kind is ReferenceKind.ENTITY and reference.path:
            unknown = _unknown_property(graph, graph.entities[reference.name], reference.path[0])
            if unknown is not None:
                add(reference.start, reference.end, unknown[0], "unknown_property", unknown[1])
    return found


def _is_trigger(graph: AppGraph, reference: Reference) -> bool:
    if not reference.called:
        return False
    if reference.kind is ReferenceKind.APP_GLOBAL:
        return reference.name in APP_TRIGGERS
    if reference.kind is ReferenceKind.ENTITY:
        entity = graph.entities[reference.name]
        return (
            entity.kind is EntityKind.ACTION
            and reference.path == (reference.path[0],)
            and (reference.path[0] in ACTION_TRIGGERS)
        )
    return False


def _unknown_property(graph: AppGraph, entity: Entity, key: str) -> tuple[Severity, str] | None:
    if entity.kind is EntityKind.ACTION:
        if key in ACTION_PROPERTIES:
            return None
        known = ", ".join(sorted(ACTION_PROPERTIES))
        return Severity.ERROR, f"actions have no property {key!r} (they have {known})"
    if entity.kind is EntityKind.JSOBJECT:
        body = entity.data.get("body")
        members = (
            {m.name for m in analyze(body, SourceKind.JSOBJECT).members} if isinstance(body, str) else set()
        )
        if key in members:
            return None
        return Severity.ERROR, f"JS object {entity.name} has no member {key!r}"
    manifest = graph.manifests(entity.type) if entity.type else None
    if manifest is None or key in manifest.readable_names() or key in entity.data:
        return None
    return Severity.WARNING, f"{entity.type} widgets have no property {key!r}"


def _cycle_diagnostics(graph: AppGraph, cycle: Cycle) -> list[Diagnostic]:
    """One diagnostic on each bound property of the cycle, at the reference that continues it."""
    found: list[Diagnostic] = []
    path = cycle.path
    for here, following in itertools.pairwise(path):
        key = here
        node = graph.nodes[here]
        entity = graph.entities[node.entity]
        if here not in graph.properties:
            body_key = f"{node.entity}.body"
            if entity.kind is not EntityKind.JSOBJECT or body_key not in graph.properties:
                continue
            key = body_key
        prop = graph.properties[key]
        start, end = 0, len(prop.value)
        for reference in graph.references[key].references:
            if reference.kind is ReferenceKind.ENTITY and graph.resolve(reference) == following:
                start, end = reference.start, reference.end
                break
        found.append(
            _at(
                entity.page_name,
                entity.name,
                prop.dotted,
                prop.value,
                start,
                end,
                Severity.ERROR,
                "cycle",
                f"cyclic dependency: {cycle}",
            )
        )
    return found


def _at(
    page: str,
    entity: str,
    prop: str,
    value: str,
    start: int,
    end: int,
    severity: Severity,
    code: str,
    message: str,
) -> Diagnostic:
    line = value.count("\n", 0, start) + 1
    column = start - (value.rfind("\n", 0, start) + 1) + 1
    return Diagnostic(page, entity, prop, start, end, line, column, severity, code, message)
