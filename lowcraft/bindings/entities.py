"""Reading an application document (docs/app-format.md): its entities and their bound properties.

Only the shape the analyser needs is checked here; full validation belongs to import.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol

from lowcraft.bindings.errors import InvalidDocumentError
from lowcraft.bindings.js_analysis import SourceKind

PathKey = str | int
"""A key in a JSON object, or an index in a JSON array."""

# Keys that position or identify a widget; they never hold bindings.
_WIDGET_STRUCTURE = frozenset(
    {
        "widgetId",
        "widgetName",
        "type",
        "children",
        "parentId",
        "leftColumn",
        "rightColumn",
        "topRow",
        "bottomRow",
    }
)
_EVENT_NAME = re.compile(r"on[A-Z][A-Za-z0-9]*")


class ManifestLike(Protocol):
    """What the analyser needs from a widget manifest (`lowcraft.widgets.WidgetManifest`)."""

    def readable_names(self) -> frozenset[str]: ...

    def event_names(self) -> frozenset[str]: ...


ManifestLookup = Callable[[str], ManifestLike | None]
"""Finds a widget type's manifest (`lowcraft.widgets.registry.get`); None for an unknown type."""


def no_manifests(widget_type: str) -> ManifestLike | None:
    """A lookup that knows no widget type: properties are then judged by name only."""
    return None


class EntityKind(str, Enum):
    """The three kinds of named things bindings can refer to."""

    WIDGET = "widget"
    ACTION = "action"
    JSOBJECT = "jsobject"


@dataclass(frozen=True, slots=True)
class Entity:
    """A widget, action or JS object, with where it sits in the document."""

    name: str
    kind: EntityKind
    page: int
    """Index of the page that holds the entity."""
    page_name: str
    type: str | None
    """Widget type or action connector."""
    location: tuple[PathKey, ...]
    """Path from the document root to the entity's JSON object."""
    data: Mapping[str, Any]
    scope_names: frozenset[str]
    """Names defined for this widget's bindings by its containers (a list item's `currentItem`)."""

    @property
    def name_key(self) -> str:
        """The key holding the entity's name."""
        return "widgetName" if self.kind is EntityKind.WIDGET else "name"


@dataclass(frozen=True, slots=True)
class BoundProperty:
    """A property value holding JavaScript: a string with `{{ }}`, or a JS object body."""

    entity: str
    path: tuple[PathKey, ...]
    """Path inside the entity's JSON object (`("config", "sql")`)."""
    value: str
    kind: SourceKind
    """EXPRESSION for data bindings, STATEMENTS for event handlers, JSOBJECT for a body."""
    scope_names: frozenset[str] = frozenset()
    """Names the runtime defines for this property only (a table column's `currentRow`)."""

    @property
    def dotted(self) -> str:
        """The path as written in diagnostics and graph nodes: `config.sql`, `columns[0].label`."""
        return dotted_path(self.path)

    @property
    def node(self) -> str:
        """The graph node of the property: `Table1.tableData`."""
        return f"{self.entity}.{self.dotted}"

    @property
    def is_event(self) -> bool:
        """Whether the property holds an event handler."""
        return self.kind is SourceKind.STATEMENTS


def dotted_path(path: tuple[PathKey, ...]) -> str:
    """`("columns", 0, "label")` -> `columns[0].label`."""
    text = ""
    for key in path:
        if isinstance(key, int):
            text += f"[{key}]"
        else:
            text = f"{text}.{key}" if text else key
    return text


def page_count(document: Mapping[str, Any]) -> int:
    """How many pages the document has."""
    pages = document.get("pages") if isinstance(document, Mapping) else None
    if not isinstance(pages, list):
        raise InvalidDocumentError("an application document must have a list of pages under 'pages'")
    return len(pages)


def iter_entities(
    document: Mapping[str, Any], manifests: ManifestLookup = no_manifests, page: int | None = None
) -> Iterator[Entity]:
    """Every widget, action and JS object of the document, page by page (of page number `page`
    only, when given: names are per page, so one page's entities form one namespace)."""
    pages = document.get("pages") if isinstance(document, Mapping) else None
    if not isinstance(pages, list):
        raise InvalidDocumentError("an application document must have a list of pages under 'pages'")
    if page is not None and not 0 <= page < len(pages):
        raise InvalidDocumentError(f"the document has no page number {page}")
    for index, raw in enumerate(pages):
        if page is None or index == page:
            yield from _page_entities(raw, index, manifests)


def _page_entities(raw: Any, index: int, manifests: ManifestLookup) -> Iterator[Entity]:
    if not isinstance(raw, Mapping):
        raise InvalidDocumentError(f"page {index} is not a JSON object")
    page_name = str(raw.get("name", index))
    dsl = raw.get("dsl")
    if dsl is not None:
        if not isinstance(dsl, Mapping):
            raise InvalidDocumentError(f"page {page_name!r}: 'dsl' is not a JSON object")
        yield from _widgets(dsl, ("pages", index, "dsl"), index, page_name, frozenset(), manifests)
    for key, kind in (("actions", EntityKind.ACTION), ("jsObjects", EntityKind.JSOBJECT)):
        items = raw.get(key, [])
        if not isinstance(items, list):
            raise InvalidDocumentError(f"page {page_name!r}: '{key}' is not a list")
        for position, item in enumerate(items):
            name = item.get("name") if isinstance(item, Mapping) else None
            if not isinstance(name, str):
                raise InvalidDocumentError(f"page {page_name!r}: {key}[{position}] has no name")
            kind_type = item.get("connector") if kind is EntityKind.ACTION else None
            yield Entity(
                name,
                kind,
                index,
                page_name,
                kind_type if isinstance(kind_type, str) else None,
                ("pages", index, key, position),
                item,
                frozenset(),
            )


def _widgets(
    widget: Mapping[str, Any],
    location: tuple[PathKey, ...],
    page: int,
    page_name: str,
    scope_names: frozenset[str],
    manifests: ManifestLookup,
) -> Iterator[Entity]:
    name = widget.get("widgetName")
    if not isinstance(name, str):
        raise InvalidDocumentError(
            f"page {page_name!r}: a widget at {dotted_path(location)} has no widgetName"
        )
    widget_type = widget.get("type")
    widget_type = widget_type if isinstance(widget_type, str) else None
    yield Entity(name, EntityKind.WIDGET, page, page_name, widget_type, location, widget, scope_names)
    children = widget.get("children", [])
    if not isinstance(children, list):
        raise InvalidDocumentError(f"widget {name}: 'children' is not a list")
    inner = scope_names | _child_scope(widget_type, manifests)
    for index, child in enumerate(children):
        if not isinstance(child, Mapping):
            raise InvalidDocumentError(f"widget {name}: child {index} is not a JSON object")
        yield from _widgets(child, (*location, "children", index), page, page_name, inner, manifests)


def _child_scope(widget_type: str | None, manifests: ManifestLookup) -> frozenset[str]:
    manifest = manifests(widget_type) if widget_type else None
    values = getattr(manifest, "child_scope", None) if manifest is not None else None
    if not values:
        return frozenset()
    return frozenset(str(getattr(value, "name", value)) for value in values)


def bound_properties(entity: Entity, manifests: ManifestLookup = no_manifests) -> Iterator[BoundProperty]:
    """Every property of `entity` that holds JavaScript."""
    data = entity.data
    if entity.kind is EntityKind.JSOBJECT:
        body = data.get("body")
        if isinstance(body, str):
            yield BoundProperty(entity.name, ("body",), body, SourceKind.JSOBJECT)
        return
    if entity.kind is EntityKind.ACTION:
        config = data.get("config")
        if config is not None:
            yield from _strings(entity.name, config, ("config",), lambda path: SourceKind.EXPRESSION)
        return
    manifest = manifests(entity.type) if entity.type else None
    events = manifest.event_names() if manifest is not None else frozenset()

    def kind_of(path: tuple[PathKey, ...]) -> SourceKind:
        last = next((k for k in reversed(path) if isinstance(k, str)), "")
        if path[0] in events or _EVENT_NAME.fullmatch(last):
            return SourceKind.STATEMENTS
        return SourceKind.EXPRESSION

    for key, value in data.items():
        if key not in _WIDGET_STRUCTURE:
            scope = _binding_scope(manifest, key)
            for prop in _strings(entity.name, value, (key,), kind_of):
                yield BoundProperty(prop.entity, prop.path, prop.value, prop.kind, scope) if scope else prop


def _binding_scope(manifest: ManifestLike | None, key: str) -> frozenset[str]:
    """Names a manifest declares for the bindings of one property or event (`binding_scope`)."""
    if manifest is None:
        return frozenset()
    specs: list[Any] = [p for p in getattr(manifest, "properties", []) if getattr(p, "name", None) == key]
    specs += [e for e in getattr(manifest, "events", []) if getattr(e, "name", None) == key]
    return frozenset(str(v.name) for spec in specs for v in getattr(spec, "binding_scope", []))


def _strings(
    entity: str, value: Any, path: tuple[PathKey, ...], kind_of: Callable[[tuple[PathKey, ...]], SourceKind]
) -> Iterator[BoundProperty]:
    if isinstance(value, str):
        if "{{" in value:
            yield BoundProperty(entity, path, value, kind_of(path))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(entity, item, (*path, str(key)), kind_of)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(entity, item, (*path, index), kind_of)


def entity_names(document: Mapping[str, Any], page: int) -> dict[str, Entity]:
    """The entities of one page by name; raises InvalidDocumentError on a name used twice there."""
    found: dict[str, Entity] = {}
    for entity in iter_entities(document, page=page):
        if entity.name in found:
            raise InvalidDocumentError(
                f"page {entity.page_name!r}: the name {entity.name!r} is used by more than one entity"
            )
        found[entity.name] = entity
    return found


def copy_json(value: Any) -> Any:
    """A deep copy of a JSON value (several times faster than `copy.deepcopy` on documents)."""
    if isinstance(value, dict):
        return {key: copy_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_json(item) for item in value]
    return value


def get_at(document: Any, path: tuple[PathKey, ...]) -> Any:
    """The value at `path` in a JSON document."""
    for key in path:
        document = document[key]
    return document


def set_at(document: Any, path: tuple[PathKey, ...], value: Any) -> None:
    """Replace the value at `path` (which must exist up to its last key)."""
    get_at(document, path[:-1])[path[-1]] = value
