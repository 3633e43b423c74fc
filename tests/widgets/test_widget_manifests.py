"""Specifications every shipped widget manifest must meet, checked over every registered type."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from lowcraft.widgets import (
    GRID_COLUMNS,
    EventSpec,
    PropertySpec,
    TypeHint,
    ValueSpec,
    WidgetManifest,
    registry,
)
from lowcraft.widgets.values import is_binding, value_problems

# The widget types an Appsmith app may use, by the names its bindings and exports carry.
EXPECTED_TYPES = {
    "CANVAS_WIDGET", "TEXT_WIDGET", "BUTTON_WIDGET", "ICON_BUTTON_WIDGET", "INPUT_WIDGET_V2",
    "CURRENCY_INPUT_WIDGET", "SELECT_WIDGET", "MULTI_SELECT_WIDGET_V2", "CHECKBOX_WIDGET",
    "CHECKBOX_GROUP_WIDGET", "SWITCH_WIDGET", "RADIO_GROUP_WIDGET", "DATE_PICKER_WIDGET2",
    "FILE_PICKER_WIDGET_V2", "TABLE_WIDGET_V2", "LIST_WIDGET_V2", "CHART_WIDGET", "CONTAINER_WIDGET",
    "FORM_WIDGET", "MODAL_WIDGET", "TABS_WIDGET", "IMAGE_WIDGET", "DIVIDER_WIDGET", "STATBOX_WIDGET",
    "IFRAME_WIDGET", "PROGRESS_WIDGET", "RATE_WIDGET",
}  # fmt: skip

# Names Appsmith users read or set on each type; an app's bindings must keep working unchanged.
APPSMITH_NAMES = {
    "TEXT_WIDGET": "text",
    "BUTTON_WIDGET": "text onClick isDisabled recaptchaToken",
    "ICON_BUTTON_WIDGET": "iconName onClick",
    "INPUT_WIDGET_V2": "inputType isRequired regex minNum maxNum validation errorMessage defaultText text "
    "isValid value onTextChanged onSubmit",
    "CURRENCY_INPUT_WIDGET": "defaultText text value isValid currencyCode",
    "SELECT_WIDGET": "sourceData optionLabel optionValue defaultOptionValue isFilterable serverSideFiltering "
    "onOptionChange onFilterUpdate selectedOptionValue selectedOptionLabel filterText isValid",
    "MULTI_SELECT_WIDGET_V2": "sourceData optionLabel optionValue defaultOptionValue isFilterable "
    "serverSideFiltering onOptionChange onFilterUpdate selectedOptionValues selectedOptionLabels filterText",
    "CHECKBOX_WIDGET": "defaultCheckedState isChecked onCheckChange",
    "CHECKBOX_GROUP_WIDGET": "options defaultSelectedValues selectedValues onSelectionChange",
    "SWITCH_WIDGET": "defaultSwitchState isSwitchedOn onChange",
    "RADIO_GROUP_WIDGET": "options defaultOptionValue selectedOptionValue selectedOptionLabel onSelectionChange",
    "DATE_PICKER_WIDGET2": "defaultDate selectedDate formattedDate dateFormat minDate maxDate onDateSelected",
    "FILE_PICKER_WIDGET_V2": "files maxFileSize allowedFileTypes maxNumFiles fileDataType onFilesSelected",
    "TABLE_WIDGET_V2": "tableData primaryColumns columnOrder isVisibleSearch isVisibleFilters isVisibleDownload "
    "isVisiblePagination serverSidePaginationEnabled totalRecordsCount defaultPageSize multiRowSelection "
    "defaultSelectedRowIndex selectedRow selectedRows selectedRowIndex selectedRowIndices triggeredRow "
    "triggeredRowIndex pageNo pageSize pageOffset searchText sortOrder updatedRows updatedRow "
    "filteredTableData onRowSelected onPageChange onSearchTextChanged onSort onPageSizeChange",
    "LIST_WIDGET_V2": "listData onItemClick selectedItem selectedItemIndex pageNo pageSize",
    "CHART_WIDGET": "chartType chartData xAxisName yAxisName chartName onDataPointClick selectedDataPoint",
    "FORM_WIDGET": "data hasChanges",
    "MODAL_WIDGET": "onClose canOutsideClickClose isOpen",
    "TABS_WIDGET": "tabsObj defaultTab onTabSelected selectedTab",
    "IMAGE_WIDGET": "image onClick",
    "IFRAME_WIDGET": "source srcDoc onURLChanged onMessageReceived sandboxed message",
    "PROGRESS_WIDGET": "progress progressType",
    "RATE_WIDGET": "maxCount defaultRate isAllowHalf tooltips isDisabled onRateChanged rate value",
}

CONTAINERS = {
    "CANVAS_WIDGET": "widgets", "CONTAINER_WIDGET": "widgets", "FORM_WIDGET": "widgets",
    "MODAL_WIDGET": "widgets", "LIST_WIDGET_V2": "widgets", "STATBOX_WIDGET": "widgets",
    "TABS_WIDGET": "canvases",
}  # fmt: skip

MANIFESTS = registry.all()
BY_TYPE = pytest.mark.parametrize("manifest", MANIFESTS, ids=[m.type for m in MANIFESTS])
_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


def _all_values(manifest: WidgetManifest) -> list[ValueSpec]:
    scopes = [v for p in manifest.properties for v in p.binding_scope]
    scopes += [v for e in manifest.events for v in e.binding_scope]
    return [*manifest.meta, *manifest.derived, *manifest.child_scope, *scopes]


def _nested_hints(hint: TypeHint) -> Iterator[tuple[str, TypeHint]]:
    for key, field in (hint.shape or {}).items():
        yield key, field
        yield from _nested_hints(field)
    for child in (hint.items, hint.values):
        if child is not None:
            yield from _nested_hints(child)


def test_every_appsmith_widget_type_is_registered() -> None:
    assert EXPECTED_TYPES <= registry.types()


def test_only_the_canvas_and_the_import_placeholder_are_hidden_from_the_palette() -> None:
    # UNSUPPORTED_WIDGET stands in for an imported widget Lowcraft lacks; nobody drops one.
    assert {m.type for m in MANIFESTS if m.is_internal} == {"CANVAS_WIDGET", "UNSUPPORTED_WIDGET"}


def test_palette_entries_are_distinguishable() -> None:
    palette = [m for m in MANIFESTS if not m.is_internal]
    assert len({m.display_name for m in palette}) == len(palette)
    assert len({m.icon for m in palette}) == len(palette)


@pytest.mark.parametrize("widget_type", sorted(APPSMITH_NAMES))
def test_appsmith_names_are_readable(widget_type: str) -> None:
    manifest = registry.get(widget_type)
    assert manifest is not None
    missing = set(APPSMITH_NAMES[widget_type].split()) - manifest.readable_names()
    assert not missing, f"{widget_type} lacks {sorted(missing)}"


@pytest.mark.parametrize("widget_type", sorted(EXPECTED_TYPES))
def test_only_containers_hold_children(widget_type: str) -> None:
    manifest = registry.get(widget_type)
    assert manifest is not None
    assert manifest.children == CONTAINERS.get(widget_type)


@BY_TYPE
def test_manifest_survives_the_api_round_trip(manifest: WidgetManifest) -> None:
    served = next(entry for entry in registry.as_json() if entry["type"] == manifest.type)
    assert WidgetManifest.model_validate(served) == manifest


@BY_TYPE
def test_property_defaults_fit_their_declared_types(manifest: WidgetManifest) -> None:
    for spec in manifest.properties:
        if not (spec.bindable and is_binding(spec.default)):
            assert value_problems(spec.default, spec, spec.name) == []
    for value in manifest.meta:
        assert value_problems(value.default, value, value.name) == []


@BY_TYPE
def test_a_new_widget_gets_every_default_and_its_own_copy(manifest: WidgetManifest) -> None:
    defaults = manifest.defaults()
    assert set(defaults) == {p.name for p in manifest.properties if p.default is not None}
    for name, value in defaults.items():
        spec = manifest.property(name)
        assert spec is not None and value == spec.default
        if isinstance(value, list | dict):
            assert value is not spec.default, (
                f"{name}: defaults() must not hand out the manifest's own object"
            )


@BY_TYPE
def test_default_size_fits_the_grid(manifest: WidgetManifest) -> None:
    assert 1 <= manifest.default_size.columns <= GRID_COLUMNS
    assert manifest.default_size.rows >= 1


@BY_TYPE
def test_events_are_named_on_something_and_readable(manifest: WidgetManifest) -> None:
    names = [e.name for e in manifest.events]
    assert all(re.fullmatch(r"on[A-Z][A-Za-z0-9]*", name) for name in names)
    assert manifest.event_names() == frozenset(names)
    assert manifest.event_names() <= manifest.readable_names()


@BY_TYPE
def test_every_name_is_a_javascript_identifier(manifest: WidgetManifest) -> None:
    names = [p.name for p in manifest.properties] + [e.name for e in manifest.events]
    names += [v.name for v in _all_values(manifest)]
    specs: list[TypeHint] = [*manifest.properties, *_all_values(manifest)]
    names += [key for spec in specs for key, _ in _nested_hints(spec)]
    bad = [name for name in names if not _IDENTIFIER.fullmatch(name)]
    assert not bad


@BY_TYPE
def test_readable_names_cover_declarations_and_common_keys(manifest: WidgetManifest) -> None:
    declared = {p.name for p in manifest.properties} | manifest.event_names()
    declared |= {v.name for v in [*manifest.meta, *manifest.derived]}
    declared |= manifest.setter_names()
    common = {
        "name",
        "widgetName",
        "widgetId",
        "type",
        "leftColumn",
        "rightColumn",
        "topRow",
        "bottomRow",
        "isVisible",
    }
    assert manifest.readable_names() == declared | common


# Appsmith's widget setters (its documentation's "Methods" of each widget) that apps call.
APPSMITH_SETTERS = {
    "INPUT_WIDGET_V2": {"setValue": "defaultText", "setVisibility": "isVisible", "setDisabled": "isDisabled",
                        "setRequired": "isRequired"},
    "BUTTON_WIDGET": {"setVisibility": "isVisible", "setDisabled": "isDisabled", "setColor": "buttonColor",
                      "setLabel": "text"},
    "TABLE_WIDGET_V2": {"setData": "tableData", "setSelectedRowIndex": "defaultSelectedRowIndex",
                        "setVisibility": "isVisible"},
    "SELECT_WIDGET": {"setSelectedOption": "defaultOptionValue", "setOptions": "sourceData"},
    "TEXT_WIDGET": {"setText": "text", "setVisibility": "isVisible"},
    "IFRAME_WIDGET": {"setURL": "source"},
    "IMAGE_WIDGET": {"setImage": "image"},
    "CHECKBOX_WIDGET": {"setValue": "defaultCheckedState"},
    "SWITCH_WIDGET": {"setValue": "defaultSwitchState"},
    "DATE_PICKER_WIDGET2": {"setValue": "defaultDate"},
}


@pytest.mark.parametrize("widget_type", sorted(APPSMITH_SETTERS))
def test_appsmith_setters_set_the_property_appsmith_sets(widget_type: str) -> None:
    manifest = registry.get(widget_type)
    assert manifest is not None
    found = {s.name: s.property for s in manifest.setters}
    assert found.items() >= APPSMITH_SETTERS[widget_type].items()


@BY_TYPE
def test_setters_set_a_declared_property_and_match_its_kind(manifest: WidgetManifest) -> None:
    names = {p.name: p for p in manifest.properties}
    for setter in manifest.setters:
        assert setter.property in names, setter.name
        assert setter.help.endswith("."), setter.name
    # Every visible widget can be hidden and every widget that can be disabled, disabled.
    setters = {s.name: s.property for s in manifest.setters}
    if manifest.type not in {"CANVAS_WIDGET", "MODAL_WIDGET"}:
        assert setters.get("setVisibility") == "isVisible"
    if "isDisabled" in names:
        assert setters.get("setDisabled") == "isDisabled"
    if "isRequired" in names:
        assert setters.get("setRequired") == "isRequired"


@BY_TYPE
def test_labels_and_help_are_written_for_people(manifest: WidgetManifest) -> None:
    labelled: list[PropertySpec | EventSpec] = [*manifest.properties, *manifest.events]
    for spec in labelled:
        assert spec.label != spec.name, f"{spec.name}: the label repeats the identifier"
        assert spec.label[0].isupper(), f"{spec.name}: label {spec.label!r} should start with a capital"
        assert spec.help and spec.help != spec.label and spec.help.endswith((".", ")")), spec.name
    for value in _all_values(manifest):
        assert value.help.endswith((".", ")")), value.name
    assert len({p.label for p in manifest.properties}) == len(manifest.properties)
    assert len({p.help for p in manifest.properties}) == len(manifest.properties)


@BY_TYPE
def test_common_properties_behave_alike(manifest: WidgetManifest) -> None:
    expected = {
        "isVisible": ("boolean", True),
        "isDisabled": ("boolean", False),
        "animateLoading": ("boolean", True),
    }
    for name, (type_, default) in expected.items():
        spec = manifest.property(name)
        if spec is not None or name == "isVisible":
            assert spec is not None and (spec.type, spec.default, spec.bindable) == (type_, default, True)


@BY_TYPE
def test_meta_values_start_from_a_property_of_a_compatible_type(manifest: WidgetManifest) -> None:
    for value in manifest.meta:
        if value.default_from is None:
            continue
        source = manifest.property(value.default_from)
        assert source is not None
        assert "any" in (source.type, value.type) or source.type == value.type, value.name


@BY_TYPE
def test_a_field_that_can_be_required_reports_validity(manifest: WidgetManifest) -> None:
    if manifest.property("isRequired") is not None:
        assert "isValid" in {d.name for d in manifest.derived}


@BY_TYPE
def test_search_tags_are_lowercase_and_distinct(manifest: WidgetManifest) -> None:
    assert all(tag == tag.lower() and tag.strip() for tag in manifest.search_tags)
    assert len(set(manifest.search_tags)) == len(manifest.search_tags)


def test_list_items_and_table_cells_see_their_own_row() -> None:
    table, listing = registry.get("TABLE_WIDGET_V2"), registry.get("LIST_WIDGET_V2")
    assert table is not None and listing is not None
    columns = table.property("primaryColumns")
    assert columns is not None and {v.name for v in columns.binding_scope} == {"currentRow", "currentIndex"}
    assert {"currentItem", "currentIndex"} <= {v.name for v in listing.child_scope}
    click = next(e for e in listing.events if e.name == "onItemClick")
    assert {v.name for v in click.binding_scope} == {"currentItem", "currentIndex"}


def test_property_lookup_answers_none_for_unknown_names() -> None:
    button = registry.get("BUTTON_WIDGET")
    assert button is not None
    assert button.property("text") is not None
    assert button.property("selectedRow") is None


BLUEPRINTED = [m for m in MANIFESTS if m.blueprint is not None]


@pytest.mark.parametrize("manifest", BLUEPRINTED, ids=[m.type for m in BLUEPRINTED])
def test_a_blueprint_builds_a_valid_widget_inside_its_parent(manifest: WidgetManifest) -> None:
    assert manifest.blueprint is not None
    assert manifest.children == "widgets", "children need a grid of the widget's own to go on"
    boxes: list[tuple[int, int, int, int]] = []
    for child in manifest.blueprint.children:
        child_manifest = registry.get(child.type)
        assert child_manifest is not None and not child_manifest.is_internal, child.type
        assert 0 <= child.left_column < child.right_column <= GRID_COLUMNS, child
        assert 0 <= child.top_row < child.bottom_row <= manifest.default_size.rows, child
        box = (child.left_column, child.right_column, child.top_row, child.bottom_row)
        for left, right, top, bottom in boxes:
            assert not (box[0] < right and left < box[1] and box[2] < bottom and top < box[3]), child
        boxes.append(box)
        for name, value in child.properties.items():
            spec = child_manifest.property(name)
            if spec is None:
                assert name in child_manifest.event_names() and isinstance(value, str), name
            elif not (spec.bindable and is_binding(value)):
                assert value_problems(value, spec, name) == []


def test_widgets_that_come_with_parts_are_the_appsmith_ones() -> None:
    assert {m.type for m in BLUEPRINTED} == {"FORM_WIDGET"}


def test_a_dropped_form_has_a_title_and_submit_and_reset_buttons() -> None:
    form = registry.get("FORM_WIDGET")
    assert form is not None and form.blueprint is not None
    by_caption = {child.properties.get("text"): child for child in form.blueprint.children}
    assert set(by_caption) == {"Form", "Submit", "Reset"}
    title, submit, reset = by_caption["Form"], by_caption["Submit"], by_caption["Reset"]
    assert title.type == "TEXT_WIDGET"
    assert submit.type == reset.type == "BUTTON_WIDGET"
    assert submit.properties["buttonType"] == "SUBMIT" and submit.properties["disabledWhenInvalid"] is True
    assert reset.properties["resetFormOnClick"] is True and reset.properties["buttonVariant"] == "SECONDARY"
    # Title at the top left, the buttons side by side at the bottom right, Reset before Submit.
    assert title.top_row < submit.top_row == reset.top_row
    assert reset.right_column <= submit.left_column
    assert submit.right_column > GRID_COLUMNS // 2
