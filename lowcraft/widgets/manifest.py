"""The widget manifest format: what one `manifests/<TYPE>.json` file declares about a widget type.

The models are strict (unknown keys are errors) because every consumer - server validation, the
property pane, autocomplete, the binding linter and the web runtime - trusts the same file.
"""

from __future__ import annotations

import copy
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator
from pydantic.alias_generators import to_camel

from lowcraft.widgets.grid import GRID_COLUMNS
from lowcraft.widgets.values import ValueType, is_binding, value_problems

Section = Literal["content", "data", "label", "validation", "general", "style"]
Category = Literal["layout", "display", "inputs", "data", "media"]
ChildrenKind = Literal["widgets", "canvases"]


# Keys every widget in a page document carries besides its manifest's names; they are readable in
# bindings (`Table1.topRow`) but a manifest must not redeclare them.
IDENTITY_KEYS = frozenset(
    {"widgetName", "widgetId", "type", "leftColumn", "rightColumn", "topRow", "bottomRow"}
)
RESERVED_KEYS = IDENTITY_KEYS | {"children", "parentId"}
COMMON_READABLE = IDENTITY_KEYS | {"isVisible", "name"}
"""`name` is the widget's name again (Appsmith's `closeModal(Modal1.name)`)."""

_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_EVENT_NAME = re.compile(r"on[A-Z][A-Za-z0-9]*")
_TYPE_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
_SETTER_NAME = re.compile(r"set[A-Z][A-Za-z0-9]*")
# fmt: off
_JS_RESERVED = frozenset({
    "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do",
    "else", "enum", "export", "extends", "false", "finally", "for", "function", "if", "import", "in",
    "instanceof", "new", "null", "return", "super", "switch", "this", "throw", "true", "try", "typeof",
    "var", "void", "while", "with", "yield", "let", "static", "implements", "interface", "package",
    "private", "protected", "public", "await", "undefined", "NaN", "Infinity",
})
# fmt: on


def _check_identifier(name: str) -> str:
    if not _IDENTIFIER.fullmatch(name) or name in _JS_RESERVED:
        raise ValueError(f"{name!r} is not usable as a JavaScript property name")
    return name


class _Strict(BaseModel):
    # defer_build: the validators are built when the first manifest is read, not at import, with
    # the packaged registry (registry.py) read on first use rather than at server start.
    model_config = ConfigDict(extra="forbid", frozen=True, alias_generator=to_camel, strict=True, defer_build=True)


class TypeHint(_Strict):
    """The type of a value, with optional detail for the editor and for validation.

    `options` lists an enum's allowed values; `items` types an array's elements; `shape` types
    known fields of an object; `values` types every value of an object used as a map keyed by id
    (table columns, chart series, tabs). `per_row` (`perRow`): the value may also be an array with
    one such value per row of the table it belongs to (a table column's `cellBackground` bound to
    `currentRow`, which the runtime evaluates once per row).
    """

    type: ValueType
    options: list[str | int | float] | None = None
    items: TypeHint | None = None
    shape: dict[str, TypeHint] | None = None
    values: TypeHint | None = None
    per_row: bool = False
    help: str | None = None

    @model_validator(mode="after")
    def _hints_fit_type(self) -> TypeHint:
        if (self.options is not None) != (self.type == "enum"):
            raise ValueError("`options` is required for type enum and allowed only there")
        if self.options is not None and (
            not self.options or len(set(map(repr, self.options))) < len(self.options)
        ):
            raise ValueError("enum `options` must be non-empty and distinct")
        if self.items is not None and self.type != "array":
            raise ValueError("`items` is allowed only on type array")
        if (self.shape is not None or self.values is not None) and self.type != "object":
            raise ValueError("`shape` and `values` are allowed only on type object")
        return self


class PropertySpec(TypeHint):
    """A property the developer sets in the property pane and that is stored in the page document."""

    name: str
    label: str = Field(min_length=1)
    section: Section
    default: Any = None
    bindable: bool
    help: str = Field(min_length=1)
    binding_scope: list[ValueSpec] = []
    """Extra names that `{{ }}` bindings inside this property may read (e.g. a table column's
    `currentRow`), besides the application's entities and globals."""

    _check_name = field_validator("name")(_check_identifier)

    @model_validator(mode="after")
    def _default_fits_type(self) -> PropertySpec:
        if self.bindable and is_binding(self.default):
            return self
        problems = value_problems(self.default, self, "default")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class EventSpec(_Strict):
    """An event the widget raises; the property of the same name holds its `{{ }}` handler."""

    name: str
    label: str = Field(min_length=1)
    help: str = Field(min_length=1)
    binding_scope: list[ValueSpec] = []
    """Extra names the handler may read (a list's `onItemClick` sees `currentItem`)."""

    @field_validator("name")
    @classmethod
    def _is_event_name(cls, name: str) -> str:
        if not _EVENT_NAME.fullmatch(name):
            raise ValueError(f"event name {name!r} must look like onSomething")
        return name


class SetterSpec(_Strict):
    """A widget method that sets one property at run time (`Input1.setValue("x")` sets `defaultText`).

    Called from an event handler or a JS function, returns a promise; the value replaces the
    property's own value or binding until the page loads again (Appsmith's widget setters).
    """

    name: str
    property: str
    help: str = Field(min_length=1)

    @field_validator("name")
    @classmethod
    def _is_setter_name(cls, name: str) -> str:
        if not _SETTER_NAME.fullmatch(name):
            raise ValueError(f"setter name {name!r} must look like setSomething")
        return name


class ValueSpec(TypeHint):
    """A readable value that is not a stored property: run-time state (meta) or a computed value.

    A meta value starts from the property named by `defaultFrom` when there is one, else from
    `default`, and is reset to that when the widget is reset.
    """

    name: str
    help: str = Field(min_length=1)
    default_from: str | None = None
    default: Any = None

    _check_name = field_validator("name")(_check_identifier)

    @model_validator(mode="after")
    def _default_fits_type(self) -> ValueSpec:
        problems = value_problems(self.default, self, "default")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class DefaultSize(_Strict):
    """The size of a widget just dropped on the canvas, in grid columns (of 64) and 10 px rows."""

    columns: int = Field(ge=1, le=GRID_COLUMNS)
    rows: int = Field(ge=1)


class BlueprintChild(_Strict):
    """A widget that every freshly dropped widget of the parent type contains.

    Its box is in grid units of the parent's own grid (64 columns, 10 px rows, row 0 at the
    parent's top); `properties` override the child's manifest defaults. The registry checks that
    the type exists and that every property is one the child's manifest declares.
    """

    type: str
    left_column: int = Field(ge=0, lt=GRID_COLUMNS)
    right_column: int = Field(gt=0, le=GRID_COLUMNS)
    top_row: int = Field(ge=0)
    bottom_row: int = Field(gt=0)
    properties: dict[str, Any] = {}

    @model_validator(mode="after")
    def _has_area(self) -> BlueprintChild:
        if self.right_column <= self.left_column:
            raise ValueError("rightColumn must be greater than leftColumn")
        if self.bottom_row <= self.top_row:
            raise ValueError("bottomRow must be greater than topRow")
        return self

    def overlaps(self, other: BlueprintChild) -> bool:
        """True when the two boxes share a cell (the editor would push one of them down)."""
        return (
            self.left_column < other.right_column
            and other.left_column < self.right_column
            and self.top_row < other.bottom_row
            and other.top_row < self.bottom_row
        )


class Blueprint(_Strict):
    """What a widget just dropped from the palette contains (a Form's title and buttons)."""

    children: list[BlueprintChild] = Field(min_length=1)


class WidgetManifest(_Strict):
    """Everything Lowcraft knows about one widget type."""

    type: str
    display_name: str = Field(min_length=1)
    category: Category
    icon: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    search_tags: list[str] = []
    default_size: DefaultSize
    children: ChildrenKind | None = None
    is_internal: bool = False
    properties: list[PropertySpec]
    events: list[EventSpec] = []
    meta: list[ValueSpec] = []
    derived: list[ValueSpec] = []
    child_scope: list[ValueSpec] = []
    """Names that bindings of widgets inside this one may read (a list item's `currentItem`)."""
    setters: list[SetterSpec] = []
    """Methods that set a property at run time (`setVisibility`, `setValue`, ...)."""
    blueprint: Blueprint | None = None

    _readable: frozenset[str] = PrivateAttr(default=frozenset())
    _events: frozenset[str] = PrivateAttr(default=frozenset())
    _by_name: dict[str, PropertySpec] = PrivateAttr(default_factory=dict)

    @field_validator("type")
    @classmethod
    def _is_type_name(cls, value: str) -> str:
        if not _TYPE_NAME.fullmatch(value):
            raise ValueError(f"widget type {value!r} must be UPPER_SNAKE_CASE")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> WidgetManifest:
        seen: dict[str, str] = {}
        for kind, names in (
            ("properties", [p.name for p in self.properties]),
            ("events", [e.name for e in self.events]),
            ("meta", [m.name for m in self.meta]),
            ("derived", [d.name for d in self.derived]),
            ("setters", [s.name for s in self.setters]),
        ):
            for name in names:
                if name in RESERVED_KEYS or name == "name":
                    raise ValueError(f"{kind}: {name!r} is a key every widget already has")
                if name in seen:
                    where = "twice" if seen[name] == kind else f"both in {seen[name]} and {kind}"
                    raise ValueError(f"{name!r} is listed {where}")
                seen[name] = kind
        _require_distinct("property label", [p.label for p in self.properties])
        _require_distinct("event label", [e.label for e in self.events])
        visible = next((p for p in self.properties if p.name == "isVisible"), None)
        if visible is None or visible.type != "boolean" or visible.default is not True:
            raise ValueError("every widget declares the property isVisible (boolean, default true)")
        property_names = {p.name for p in self.properties}
        for value in self.meta:
            if value.default_from is not None and value.default_from not in property_names:
                raise ValueError(f"meta {value.name!r}: defaultFrom names no property {value.default_from!r}")
        for setter in self.setters:
            if setter.property not in property_names:
                raise ValueError(f"setter {setter.name!r}: sets no property {setter.property!r}")
        for kind, values in (("derived", self.derived), ("childScope", self.child_scope)):
            for value in values:
                if value.default_from is not None or value.default is not None:
                    raise ValueError(f"{kind} {value.name!r}: only meta values take defaultFrom/default")
        if self.blueprint is not None:
            self._check_blueprint_layout(self.blueprint)
        return self

    def _check_blueprint_layout(self, blueprint: Blueprint) -> None:
        # Tabs hold one canvas per tab, not widgets, so a blueprint would have no grid to go on.
        if self.children != "widgets":
            raise ValueError('blueprint: only a widget with children "widgets" can contain widgets')
        placed: list[tuple[int, BlueprintChild]] = []
        for index, child in enumerate(blueprint.children):
            if child.bottom_row > self.default_size.rows:
                raise ValueError(
                    f"blueprint.children.{index}: bottomRow {child.bottom_row} is below the"
                    f" {self.default_size.rows} rows of defaultSize"
                )
            for other_index, other in placed:
                if child.overlaps(other):
                    raise ValueError(f"blueprint.children.{index} overlaps blueprint.children.{other_index}")
            placed.append((index, child))

    def model_post_init(self, context: Any, /) -> None:
        names = [p.name for p in self.properties] + [e.name for e in self.events]
        names += [m.name for m in self.meta] + [d.name for d in self.derived]
        names += [s.name for s in self.setters]
        self._readable = frozenset(names) | COMMON_READABLE
        self._events = frozenset(e.name for e in self.events)
        self._by_name = {p.name: p for p in self.properties}

    def readable_names(self) -> frozenset[str]:
        """Every name a binding may read from a widget of this type (`Input1.<name>`)."""
        return self._readable

    def event_names(self) -> frozenset[str]:
        """Names of the properties that hold event handlers."""
        return self._events

    def setter_names(self) -> frozenset[str]:
        """Names of the widget's setters (methods with side effects: triggers)."""
        return frozenset(s.name for s in self.setters)

    def defaults(self) -> dict[str, Any]:
        """Initial property values for a newly created widget (a fresh copy each call)."""
        return {p.name: copy.deepcopy(p.default) for p in self.properties if p.default is not None}

    # Named as the brief's public API; defined last so it does not shadow the builtin above it.
    def property(self, name: str) -> PropertySpec | None:
        """The property called `name`, or None when this widget has no such property."""
        return self._by_name.get(name)


def _require_distinct(what: str, labels: list[str]) -> None:
    seen: set[str] = set()
    for label in labels:
        if label in seen:
            raise ValueError(f"{what} {label!r} is used twice")
        seen.add(label)


PropertySpec.model_rebuild()
EventSpec.model_rebuild()
ValueSpec.model_rebuild()
