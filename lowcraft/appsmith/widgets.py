"""Appsmith's widget tree (DSL) -> Lowcraft's widget tree.

What differs, and what this module does about it:
- Appsmith puts a CANVAS_WIDGET between every container and its children; Lowcraft's containers
  (manifest `children: "widgets"`: Container, Form, Modal, List, Stat box) hold their widgets
  directly, so the canvas is folded into its container. Tabs keep one canvas per tab, as in Lowcraft.
- Canvases measure `bottomRow` in pixels (`parentRowSpace: 1`, `minHeight`); Lowcraft counts 10 px
  rows everywhere. A container too short for its widgets (Appsmith scrolls them) grows to hold them,
  and the report says so.
- Legacy types are migrated with their property renames (INPUT_WIDGET, DROP_DOWN_WIDGET,
  TABLE_WIDGET, FORM_BUTTON_WIDGET, TABULATOR_WIDGET, MULTI_SELECT_WIDGET, DATE_PICKER_WIDGET).
- `dynamicBindingPathList` and the other path lists are dropped: a Lowcraft binding is any string
  holding `{{ }}`. Appsmith's layout bookkeeping (`parentRowSpace`, `renderMode`, mobile positions)
  goes too; every other property is kept as it was, so bindings that read it still find it.
- A widget of a type Lowcraft lacks becomes a placeholder (`UNSUPPORTED_WIDGET`) holding
  `originalType` and `originalProperties` (its raw subtree included), so nothing is dropped silently
  and `upgrade_placeholders` can convert it once Lowcraft gains the type.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from typing import Any, cast

from lowcraft.appsmith.errors import InvalidExport
from lowcraft.appsmith.report import ImportReport, Status
from lowcraft.widgets.grid import GRID_COLUMNS
from lowcraft.widgets.registry import registry

PLACEHOLDER_TYPE = "UNSUPPORTED_WIDGET"
MAX_RAW_DEPTH = 64
"""Widgets (canvases included) nested deeper are refused: Lowcraft keeps 24 levels of widgets, and
Appsmith puts a canvas between each container and its children."""
CANVAS = "CANVAS_WIDGET"
ROOT_NAME = "MainContainer"
ROW_PX = 10
LEGACY_COLUMNS = 16
LEGACY_ROW_PX = 40
POSITION_KEYS = ("leftColumn", "rightColumn", "topRow", "bottomRow")
IDENTITY_KEYS = ("widgetId", "widgetName", "type")

DROPPED_KEYS = frozenset(
    {
        "dynamicBindingPathList",
        "dynamicTriggerPathList",
        "dynamicPropertyPathList",
        "parentId",
        "renderMode",
        "isLoading",
        "parentColumnSpace",
        "parentRowSpace",
        "version",
        "key",
        "needsErrorInfo",
        "minHeight",
        "snapColumns",
        "snapRows",
        "canExtend",
        "detachFromLayout",
        "mobileTopRow",
        "mobileBottomRow",
        "mobileLeftColumn",
        "mobileRightColumn",
        "isDeprecated",
        "displayName",
        "iconSVG",
        "thumbnailSVG",
        "searchTags",
        "tags",
        "hideCard",
        "originalTopRow",
        "originalBottomRow",
        "useAutoLayout",
        "positioning",
        "flexLayers",
        "responsiveBehavior",
        "alignment",
        "flexVerticalAlignment",
        "minWidth",
        "dynamicHeight",
        "minDynamicHeight",
        "maxDynamicHeight",
        "shouldScrollContents_legacy",
        "widgetType",
    }
)
"""Appsmith's editor and layout bookkeeping: nothing a binding or the Lowcraft runtime reads."""

Props = dict[str, Any]
Migration = Callable[[Props], tuple[str, Props, str]]


# --- legacy type migrations: (new type, properties, what changed) -----------------------------


def _input(props: Props) -> tuple[str, Props, str]:
    kind = props.get("inputType")
    if kind == "CURRENCY":
        props.pop("inputType", None)
        if "currencyCountryCode" in props:
            props["defaultCurrencyCode"] = props.pop("currencyCountryCode")
        return "CURRENCY_INPUT_WIDGET", props, "INPUT_WIDGET (currency) became CURRENCY_INPUT_WIDGET"
    mapped = {"INTEGER": "NUMBER", "PHONE_NUMBER": "TEXT"}.get(str(kind), kind)
    if mapped is not None:
        props["inputType"] = mapped
    why = "INPUT_WIDGET became INPUT_WIDGET_V2"
    if kind in ("INTEGER", "PHONE_NUMBER"):
        why += f" (input type {kind} became {mapped})"
    return "INPUT_WIDGET_V2", props, why


def _options_to_source(props: Props) -> None:
    """Selects from before 2023 list `options` ({label, value}); today's read `sourceData`."""
    if "options" in props and "sourceData" not in props:
        props["sourceData"] = props.pop("options")
        props.setdefault("optionLabel", "label")
        props.setdefault("optionValue", "value")


def _dropdown(props: Props) -> tuple[str, Props, str]:
    _options_to_source(props)
    if "label" in props and "labelText" not in props:
        props["labelText"] = props.pop("label")
    multi = props.pop("selectionType", "SINGLE_SELECT") == "MULTI_SELECT"
    new_type = "MULTI_SELECT_WIDGET_V2" if multi else "SELECT_WIDGET"
    return new_type, props, f"DROP_DOWN_WIDGET became {new_type} (options -> sourceData, label -> labelText)"


def _select_v1(target: str) -> Migration:
    def migrate(props: Props) -> tuple[str, Props, str]:
        _options_to_source(props)
        return target, props, f"became {target} (options -> sourceData)"

    return migrate


NUMBER_TEXT = re.compile(r"-?(?:\d+\.?\d*|\.\d+)")


def _numbers_as_numbers(props: Props, manifest: Any) -> None:
    """Number properties typed as text in Appsmith's pane (`"0"`, `"12.5"`) become numbers, as
    Appsmith's own validation reads them; Lowcraft checks the stored type. Bindings stay as they are."""
    for spec in manifest.properties:
        value = props.get(spec.name)
        if spec.type == "number" and isinstance(value, str) and NUMBER_TEXT.fullmatch(value.strip()):
            number = float(value)
            props[spec.name] = int(number) if number.is_integer() and "." not in value else number


def _table(props: Props) -> tuple[str, Props, str]:
    why = "TABLE_WIDGET became TABLE_WIDGET_V2"
    if "defaultSelectedRow" in props:
        key = "defaultSelectedRowIndices" if props.get("multiRowSelection") else "defaultSelectedRowIndex"
        props[key] = props.pop("defaultSelectedRow")
        why += f" (defaultSelectedRow -> {key})"
    props.pop("derivedColumns", None)  # already merged into primaryColumns by Appsmith
    hidden = props.pop("hiddenColumns", None)
    columns = props.get("primaryColumns")
    if isinstance(hidden, list) and isinstance(columns, dict):
        for column in hidden:
            if isinstance(columns.get(column), dict):
                columns[column]["isVisible"] = False
    return "TABLE_WIDGET_V2", props, why


_BUTTON_STYLES: dict[str, tuple[str, str | None]] = {
    "PRIMARY_BUTTON": ("PRIMARY", None),
    "SECONDARY_BUTTON": ("SECONDARY", None),
    "DANGER_BUTTON": ("PRIMARY", "#DC2626"),
    "WARNING_BUTTON": ("PRIMARY", "#D97706"),
    "INFO_BUTTON": ("PRIMARY", "#0284C7"),
}


def _button_style(props: Props) -> str:
    style = props.pop("buttonStyle", None)
    if not isinstance(style, str) or style not in _BUTTON_STYLES:
        return ""
    variant, color = _BUTTON_STYLES[style]
    props.setdefault("buttonVariant", variant)
    if color:
        props.setdefault("buttonColor", color)
    return f" (buttonStyle {style} -> buttonVariant {variant})"


def _form_button(props: Props) -> tuple[str, Props, str]:
    return "BUTTON_WIDGET", props, "FORM_BUTTON_WIDGET became BUTTON_WIDGET" + _button_style(props)


def _tabulator(props: Props) -> tuple[str, Props, str]:
    tabs = props.pop("tabs", None)
    if isinstance(tabs, list) and "tabsObj" not in props:
        props["tabsObj"] = {
            str(tab.get("id")): {
                "id": str(tab.get("id")),
                "label": tab.get("label", ""),
                "widgetId": tab.get("widgetId", ""),
                "isVisible": tab.get("isVisible", True),
                "index": index,
            }
            for index, tab in enumerate(t for t in tabs if isinstance(t, dict))
        }
    if "selectedTab" in props and "defaultTab" not in props:
        props["defaultTab"] = props.pop("selectedTab")
    return "TABS_WIDGET", props, "TABULATOR_WIDGET became TABS_WIDGET (tabs -> tabsObj)"


LEGACY: dict[str, Migration] = {
    "INPUT_WIDGET": _input,
    "DROP_DOWN_WIDGET": _dropdown,
    "TABLE_WIDGET": _table,
    "FORM_BUTTON_WIDGET": _form_button,
    "TABULATOR_WIDGET": _tabulator,
    "MULTI_SELECT_WIDGET": _select_v1("MULTI_SELECT_WIDGET_V2"),
    "DATE_PICKER_WIDGET": lambda props: (
        "DATE_PICKER_WIDGET2",
        props,
        "DATE_PICKER_WIDGET became DATE_PICKER_WIDGET2",
    ),
}


def _whole(value: Any, default: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return default
    return round(float(value))


def _is_pixel_canvas(canvas: Props) -> bool:
    space = canvas.get("parentRowSpace")
    return space == 1 or (space is None and isinstance(canvas.get("minHeight"), (int, float)))


def canvas_rows(canvas: Props) -> int:
    """A canvas's height in 10 px rows, whether Appsmith stored it in pixels or rows."""
    bottom = canvas.get("bottomRow")
    if isinstance(bottom, bool) or not isinstance(bottom, (int, float)) or not math.isfinite(bottom):
        return 0
    return max(0, math.ceil(bottom / ROW_PX)) if _is_pixel_canvas(canvas) else max(0, math.ceil(bottom))


def _descendants(widget: Props) -> Iterator[Props]:
    """Every widget object below `widget`, depth first; a loop rather than recursion, as the
    subtree a placeholder keeps was never depth-checked."""
    stack = [c for c in reversed(widget.get("children") or []) if isinstance(c, dict)]
    while stack:
        child = stack.pop()
        yield child
        stack.extend(c for c in reversed(child.get("children") or []) if isinstance(c, dict))


class TreeConverter:
    """Converts the widget trees of one page; report lines go to `report`."""

    def __init__(self, page: str, report: ImportReport, known_types: frozenset[str] | None = None) -> None:
        self.page = page
        self.report = report
        self.known = known_types if known_types is not None else registry.types()
        self.seen_ids: set[str] = set()
        self.counter = 0
        self.depth = 0
        self.column_scale = 1
        self.notes: list[str] = []
        """What changed for the page as a whole (a legacy grid scaled)."""

    # - positions -

    def _columns(self, raw: Props) -> tuple[int, int]:
        scale = self.column_scale
        left = min(max(_whole(raw.get("leftColumn"), 0) * scale, 0), GRID_COLUMNS - 1)
        right = min(max(_whole(raw.get("rightColumn"), 0) * scale, left + 1), GRID_COLUMNS)
        return left, right

    def _rows(self, raw: Props) -> tuple[int, int]:
        # Before 2021 Appsmith rows were 40 px (`parentRowSpace: 40`); Lowcraft's are 10 px.
        scale = LEGACY_ROW_PX // ROW_PX if raw.get("parentRowSpace") == LEGACY_ROW_PX else 1
        top = max(_whole(raw.get("topRow"), 0) * scale, 0)
        bottom = max(_whole(raw.get("bottomRow"), 0) * scale, top + 1)
        return top, bottom

    def _identity(self, raw: Props, widget_type: str) -> Props:
        widget_id = raw.get("widgetId")
        name = raw.get("widgetName")
        if not isinstance(widget_id, str) or not widget_id or widget_id in self.seen_ids:
            self.counter += 1
            widget_id = f"imported-{self.counter}"
        self.seen_ids.add(widget_id)
        if not isinstance(name, str) or not name:
            name = f"{widget_type.split('_')[0].title()}{self.counter}"
        return {"widgetId": widget_id, "widgetName": name, "type": widget_type}

    def _grow(self, out: Props, needed: int, what: str) -> str:
        """Make `out` tall enough for `needed` rows of content; what changed, or ''."""
        height = out["bottomRow"] - out["topRow"]
        if needed <= height:
            return ""
        out["bottomRow"] = out["topRow"] + needed
        return f"grew from {height} to {needed} rows to hold {what} (Appsmith scrolled them)"

    # - conversion -

    def convert_root(self, dsl: Props) -> Props:
        if dsl.get("snapColumns") == LEGACY_COLUMNS:
            self.column_scale = GRID_COLUMNS // LEGACY_COLUMNS
            self.notes.append(
                f"its {LEGACY_COLUMNS}-column grid (before 2021) was scaled to {GRID_COLUMNS} columns"
            )
        children = self._children(dsl.get("children"), ROOT_NAME)
        # A modal floats over the page: its rows do not make the page taller.
        in_flow = (c["bottomRow"] for c in children if c["type"] != "MODAL_WIDGET")
        rows = max(canvas_rows(dsl), max(in_flow, default=0), 1)
        self.seen_ids.add("0")
        return {
            "widgetId": "0",
            "widgetName": ROOT_NAME,
            "type": CANVAS,
            "leftColumn": 0,
            "rightColumn": GRID_COLUMNS,
            "topRow": 0,
            "bottomRow": rows,
            "children": children,
        }

    def _children(self, raw_children: Any, parent_name: str) -> list[Props]:
        out: list[Props] = []
        for raw in raw_children if isinstance(raw_children, list) else []:
            converted = self.convert(raw, parent_name)
            if converted is not None:
                out.append(converted)
        return out

    def _properties(self, raw: Props) -> Props:
        return {
            key: value
            for key, value in raw.items()
            if key not in DROPPED_KEYS
            and key not in IDENTITY_KEYS
            and key not in POSITION_KEYS
            and key != "children"
        }

    def convert(self, raw: Any, parent_name: str) -> Props | None:
        self.depth += 1
        try:
            if self.depth > MAX_RAW_DEPTH:
                raise InvalidExport(
                    f"Page '{self.page}' nests widgets more than {MAX_RAW_DEPTH} levels deep.",
                    details={"page": self.page, "widget": parent_name},
                )
            return self._convert(raw, parent_name)
        finally:
            self.depth -= 1

    def _convert(self, raw: Any, parent_name: str) -> Props | None:
        if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
            self.report.add(
                "widget", f"(a child of {parent_name})", self.page, "notCarried", "not a widget object"
            )
            return None
        raw = cast(Props, raw)
        original_type: str = raw["type"]
        props = self._properties(raw)
        widget_type, why = original_type, ""
        if original_type in LEGACY:
            widget_type, props, why = LEGACY[original_type](props)
        elif original_type in ("SELECT_WIDGET", "MULTI_SELECT_WIDGET_V2") and "options" in props:
            _options_to_source(props)
            why = "options -> sourceData"
        elif original_type == "BUTTON_WIDGET" and "buttonStyle" in props:
            why = _button_style(props).strip(" ()")
        if widget_type not in self.known or widget_type == CANVAS:
            return self.placeholder(raw, f"Lowcraft has no {original_type} widget yet")
        manifest = registry.get(widget_type)
        out = self._identity(raw, widget_type)
        out["leftColumn"], out["rightColumn"] = self._columns(raw)
        out["topRow"], out["bottomRow"] = self._rows(raw)
        if widget_type == "MODAL_WIDGET":
            height = raw.get("height")
            if isinstance(height, (int, float)) and not isinstance(height, bool) and height > 0:
                out["bottomRow"] = out["topRow"] + math.ceil(height / ROW_PX)
        if manifest is not None:
            _numbers_as_numbers(props, manifest)
        out.update(props)
        kind = manifest.children if manifest is not None else None
        raw_children = [c for c in raw.get("children") or [] if isinstance(c, dict)]
        grown = ""
        if kind == "widgets":
            inner: list[Props] = []
            for child in raw_children:
                if child.get("type") == CANVAS:
                    inner.extend(self._children(child.get("children"), out["widgetName"]))
                else:
                    converted = self.convert(child, out["widgetName"])
                    if converted is not None:
                        inner.append(converted)
            out["children"] = inner
            grown = self._grow(out, max((c["bottomRow"] for c in inner), default=0), "its widgets")
        elif kind == "canvases":
            out["children"] = [self._tab_canvas(c, out) for c in raw_children if c.get("type") == CANVAS]
            for stray in (c for c in raw_children if c.get("type") != CANVAS):
                self.report.add(
                    "widget",
                    str(stray.get("widgetName")),
                    self.page,
                    "notCarried",
                    f"sits directly in {out['widgetName']} instead of one of its tabs",
                    str(stray.get("type")),
                )
            grown = self._grow(out, max((c["bottomRow"] for c in out["children"]), default=0), "its tabs")
        else:
            out["children"] = []
            self._report_inside(
                raw,
                "notCarried",
                f"inside {out['widgetName']}, a {widget_type} that holds no widgets in Lowcraft",
            )
        status: Status = "adjusted" if grown else "migrated" if why else "carried"
        self.report.add(
            "widget",
            out["widgetName"],
            self.page,
            status,
            "; ".join(n for n in (why, grown) if n),
            original_type,
        )
        return out

    def _report_inside(self, raw: Props, status: Status, why: str) -> None:
        """A line for each widget below `raw` that does not become a Lowcraft widget of its own."""
        for inner in _descendants(raw):
            if inner.get("type") != CANVAS:
                self.report.add(
                    "widget", str(inner.get("widgetName")), self.page, status, why, str(inner.get("type"))
                )

    def _tab_canvas(self, raw: Props, tabs: Props) -> Props:
        out = self._identity(raw, CANVAS)
        for key in ("tabId", "tabName", "isVisible"):
            if key in raw:
                out[key] = raw[key]
        children = self._children(raw.get("children"), str(raw.get("widgetName")))
        tabs_height = tabs["bottomRow"] - tabs["topRow"]
        declared = min(canvas_rows(raw), tabs_height)
        out.update(leftColumn=0, rightColumn=GRID_COLUMNS, topRow=0)
        out["bottomRow"] = max(declared, max((c["bottomRow"] for c in children), default=0), 1)
        out["children"] = children
        return out

    def placeholder(self, raw: Props, why: str) -> Props:
        out = self._identity(raw, PLACEHOLDER_TYPE)
        out["leftColumn"], out["rightColumn"] = self._columns(raw)
        out["topRow"], out["bottomRow"] = self._rows(raw)
        out["originalType"] = raw["type"]
        out["originalProperties"] = {
            key: value for key, value in raw.items() if key not in IDENTITY_KEYS and key not in POSITION_KEYS
        }
        out["children"] = []
        self.report.add(
            "widget",
            out["widgetName"],
            self.page,
            "placeholder",
            f"{why}; kept as a placeholder",
            raw["type"],
        )
        self._report_inside(
            raw, "placeholder", f"inside {out['widgetName']} ({raw['type']}); kept in its placeholder"
        )
        return out


def convert_page_tree(
    dsl: Props, page: str, report: ImportReport, known_types: frozenset[str] | None = None
) -> tuple[Props, list[str]]:
    """Lowcraft's widget tree for one Appsmith page, and what changed for the page as a whole.

    A line per widget goes to `report`.
    """
    converter = TreeConverter(page, report, known_types)
    return converter.convert_root(dsl), converter.notes


def original_widget(placeholder: Props) -> Props:
    """The Appsmith widget a placeholder stands for, as it was exported."""
    original = dict(cast(Props, placeholder.get("originalProperties") or {}))
    original.update(
        {key: placeholder[key] for key in (*POSITION_KEYS, "widgetId", "widgetName") if key in placeholder}
    )
    original["type"] = placeholder["originalType"]
    return original


def upgrade_placeholders(
    tree: Props, page: str, report: ImportReport, known_types: frozenset[str] | None = None
) -> Props:
    """`tree` with every placeholder whose type Lowcraft now has converted into that widget."""
    converter = TreeConverter(page, report, known_types)

    def visit(widget: Props) -> Props:
        if widget.get("type") == PLACEHOLDER_TYPE and widget.get("originalType") in converter.known:
            upgraded = converter.convert(original_widget(widget), page)
            return upgraded if upgraded is not None else widget
        children = widget.get("children")
        if isinstance(children, list):
            return {**widget, "children": [visit(c) if isinstance(c, dict) else c for c in children]}
        return widget

    return visit(tree)
