"""Appsmith widget trees become Lowcraft widget trees that Lowcraft's own validation accepts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from lowcraft.appmodel import tree as page_dsl
from lowcraft.appmodel.tree import validate_tree
from lowcraft.appsmith.convert import convert_app
from lowcraft.appsmith.read import read_export_bytes, read_files
from lowcraft.appsmith.report import ImportReport
from lowcraft.appsmith.widgets import PLACEHOLDER_TYPE, canvas_rows, convert_page_tree, upgrade_placeholders
from lowcraft.widgets.registry import registry
from tests.appsmith.builders import (
    an_export_from_2021,
    canvas,
    git_files,
    json_bytes,
    main_container,
    orders_app,
    single_file,
    w,
)

Tree = dict[str, Any]


def converted(era: str = "v2023") -> dict[str, Tree]:
    app = convert_app(read_export_bytes(json_bytes(single_file(orders_app(), era))))
    return {page.name: page.dsl for page in app.pages}


def walk(tree: Tree) -> Iterator[Tree]:
    for child in tree.get("children") or []:
        yield child
        yield from walk(child)


def by_name(tree: Tree) -> dict[str, Tree]:
    return {widget["widgetName"]: widget for widget in walk(tree)}


class PlaceholderAwareRegistry:
    """Lowcraft's registry plus a manifest for the placeholder (which the client will define)."""

    def get(self, widget_type: str) -> Any:
        return registry.get("TEXT_WIDGET" if widget_type == PLACEHOLDER_TYPE else widget_type)


@pytest.fixture()
def placeholder_manifest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(page_dsl, "registry", PlaceholderAwareRegistry())


@pytest.mark.parametrize("era", ["legacy", "v2023", "v2025"])
def test_converted_pages_pass_lowcraft_validation(era: str, placeholder_manifest: None) -> None:
    for tree in converted(era).values():
        assert validate_tree(tree) is tree


def test_the_page_without_unsupported_widgets_passes_the_real_validation() -> None:
    validate_tree(converted()["Customers"])


def test_canvases_are_folded_into_their_containers() -> None:
    widgets = by_name(converted()["Orders"])
    assert [c["widgetName"] for c in widgets["Form1"]["children"]] == ["Text1", "FormButton1", "Container1"]
    assert [c["widgetName"] for c in widgets["Container1"]["children"]] == ["Text2"]
    assert [c["widgetName"] for c in widgets["Modal1"]["children"]] == ["Text3", "Close1"]
    assert [c["widgetName"] for c in widgets["List1"]["children"]] == ["Container2"]
    assert [c["widgetName"] for c in widgets["Container2"]["children"]] == ["Text4"]
    canvases = [w for w in walk(converted()["Orders"]) if w["type"] == "CANVAS_WIDGET"]
    assert [c["widgetName"] for c in canvases] == ["CanvasTabA", "CanvasTabB"]  # only tabs keep them


def test_tabs_keep_one_canvas_per_tab_sized_in_rows() -> None:
    tabs = by_name(converted()["Orders"])["Tabs1"]
    assert tabs["type"] == "TABS_WIDGET"
    assert [(c["tabId"], c["tabName"], c["topRow"], c["bottomRow"]) for c in tabs["children"]] == [
        ("tab1", "One", 0, 28),
        ("tab2", "Two", 0, 28),
    ]
    assert tabs["tabsObj"]["tab2"] == {
        "id": "tab2",
        "label": "Two",
        "widgetId": "id_canvastabb",
        "isVisible": True,
        "index": 1,
    }
    assert tabs["defaultTab"] == "One" and "tabs" not in tabs and "selectedTab" not in tabs


def test_pixel_canvases_become_rows() -> None:
    trees = converted()
    assert (trees["Orders"]["bottomRow"], trees["Customers"]["bottomRow"]) == (124, 60)
    assert canvas_rows(canvas("C", 245)) == 25
    assert canvas_rows({"bottomRow": 30, "parentRowSpace": 10}) == 30


def test_a_modal_is_as_many_rows_high_as_its_pixel_height() -> None:
    modal = by_name(converted()["Orders"])["Modal1"]
    assert (modal["topRow"], modal["bottomRow"], modal["height"], modal["width"]) == (8, 32, 240, 456)


def test_a_container_too_short_for_its_widgets_grows_and_says_so() -> None:
    report = ImportReport(app="t")
    deep = w("Deep1", "TEXT_WIDGET", 0, 30, 10, 14)
    box = w("Box1", "CONTAINER_WIDGET", 0, 64, 6, 16, children=[canvas("Canvas1", 100, deep)])
    tree, _ = convert_page_tree(main_container(300, box), "P", report)
    assert (tree["children"][0]["topRow"], tree["children"][0]["bottomRow"]) == (6, 20)
    assert [(i.name, i.status) for i in report.items if i.name == "Box1"] == [("Box1", "adjusted")]
    assert "grew from 10 to 14 rows" in report.find("widget", "Box1")[0].why


def test_legacy_types_are_migrated_with_their_property_renames() -> None:
    widgets = by_name(converted()["Orders"])
    table = widgets["Table1"]
    assert table["type"] == "TABLE_WIDGET_V2"
    # Typed as text in the pane, a number to Appsmith and to Lowcraft.
    assert table["defaultSelectedRowIndex"] == 0 and "defaultSelectedRow" not in table
    assert table["primaryColumns"]["secret"]["isVisible"] is False and "hiddenColumns" not in table
    assert table["primaryColumns"]["id"]["computedValue"] == "{{currentRow.id}}"
    assert (widgets["Input1"]["type"], widgets["Input1"]["inputType"]) == ("INPUT_WIDGET_V2", "NUMBER")
    select = widgets["Select1"]
    assert select["type"] == "SELECT_WIDGET" and select["labelText"] == "Status"
    assert select["sourceData"] == [{"label": "Open", "value": "open"}, {"label": "Done", "value": "done"}]
    assert (select["optionLabel"], select["optionValue"]) == ("label", "value")
    assert "options" not in select and "selectionType" not in select
    button = widgets["FormButton1"]
    assert (button["type"], button["buttonVariant"], button["buttonColor"]) == (
        "BUTTON_WIDGET",
        "PRIMARY",
        "#DC2626",
    )
    assert button["disabledWhenInvalid"] is True and "buttonStyle" not in button
    assert widgets["Button1"]["buttonVariant"] == "PRIMARY" and "buttonStyle" not in widgets["Button1"]


@pytest.mark.parametrize(
    ("legacy", "props", "expected_type", "expected"),
    [
        (
            "DROP_DOWN_WIDGET",
            {"selectionType": "MULTI_SELECT", "options": []},
            "MULTI_SELECT_WIDGET_V2",
            {"sourceData": []},
        ),
        (
            "INPUT_WIDGET",
            {"inputType": "CURRENCY", "currencyCountryCode": "EUR"},
            "CURRENCY_INPUT_WIDGET",
            {"defaultCurrencyCode": "EUR"},
        ),
        ("INPUT_WIDGET", {"inputType": "PHONE_NUMBER"}, "INPUT_WIDGET_V2", {"inputType": "TEXT"}),
        (
            "TABLE_WIDGET",
            {"multiRowSelection": True, "defaultSelectedRow": [0, 1]},
            "TABLE_WIDGET_V2",
            {"defaultSelectedRowIndices": [0, 1]},
        ),
        (
            "SELECT_WIDGET",
            {"options": [{"label": "a", "value": 1}]},
            "SELECT_WIDGET",
            {"sourceData": [{"label": "a", "value": 1}]},
        ),
        ("MULTI_SELECT_WIDGET", {"options": []}, "MULTI_SELECT_WIDGET_V2", {"optionValue": "value"}),
        (
            "DATE_PICKER_WIDGET",
            {"defaultDate": "2024-01-01"},
            "DATE_PICKER_WIDGET2",
            {"defaultDate": "2024-01-01"},
        ),
    ],
)
def test_each_legacy_migration(
    legacy: str, props: dict[str, Any], expected_type: str, expected: dict[str, Any]
) -> None:
    report = ImportReport(app="t")
    tree, _ = convert_page_tree(main_container(200, w("Old1", legacy, 0, 20, 0, 7, **props)), "P", report)
    widget = tree["children"][0]
    assert widget["type"] == expected_type
    assert expected.items() <= widget.items()
    assert report.find("widget", "Old1")[0].status == "migrated"
    validate_tree(tree)


def test_appsmith_bookkeeping_is_dropped_and_every_other_property_kept() -> None:
    for widget in walk(converted()["Orders"]):
        assert not {
            "dynamicBindingPathList",
            "dynamicTriggerPathList",
            "parentRowSpace",
            "renderMode",
            "parentId",
        } & set(widget)
    widgets = by_name(converted()["Orders"])
    assert widgets["Close1"]["onClick"] == "{{closeModal(Modal1.name)}}"
    assert widgets["Text4"]["text"] == "{{currentItem.name}}"
    assert widgets["Container1"]["backgroundColor"] == "#FFFFFF"


def test_a_widget_lowcraft_lacks_becomes_a_placeholder_keeping_its_properties() -> None:
    widgets = by_name(converted()["Orders"])
    rating = widgets["Recorder1"]
    assert rating["type"] == PLACEHOLDER_TYPE and rating["originalType"] == "AUDIO_RECORDER_WIDGET"
    assert (rating["leftColumn"], rating["rightColumn"], rating["topRow"], rating["bottomRow"]) == (
        48,
        64,
        114,
        118,
    )
    assert rating["originalProperties"]["accentColor"] == "#553DE9" and rating["originalProperties"]["iconColor"] == "#FFFFFF"
    assert widgets["Map1"]["originalType"] == "MAP_WIDGET"  # inside a tab


def test_a_container_lowcraft_lacks_keeps_its_whole_subtree_in_the_placeholder() -> None:
    report = ImportReport(app="t")
    inner = w("Inner1", "TEXT_WIDGET", 0, 10, 0, 4)
    form = w(
        "JsonForm1",
        "JSON_FORM_WIDGET",
        0,
        30,
        0,
        40,
        schema={"a": 1},
        children=[canvas("Canvas9", 400, inner)],
    )
    tree, _ = convert_page_tree(main_container(500, form), "P", report)
    placeholder = tree["children"][0]
    assert placeholder["children"] == []
    assert placeholder["originalProperties"]["children"][0]["children"][0]["widgetName"] == "Inner1"
    assert {(i.name, i.status) for i in report.not_carried} == {
        ("JsonForm1", "placeholder"),
        ("Inner1", "placeholder"),
    }


def test_placeholders_upgrade_once_lowcraft_has_the_type() -> None:
    report = ImportReport(app="t")
    tree = converted()["Orders"]
    upgraded = upgrade_placeholders(tree, "Orders", report, registry.types() | {"AUDIO_RECORDER_WIDGET"})
    rating = by_name(upgraded)["Recorder1"]
    assert (rating["type"], rating["accentColor"], rating["topRow"]) == ("AUDIO_RECORDER_WIDGET", "#553DE9", 114)
    assert "originalType" not in rating
    assert by_name(upgraded)["Map1"]["type"] == PLACEHOLDER_TYPE  # still unknown


def test_json_and_git_forms_convert_to_the_same_trees() -> None:
    def normalised(tree: Tree) -> Any:
        return {
            **{k: v for k, v in tree.items() if k != "children"},
            "children": sorted(
                (normalised(c) for c in tree.get("children") or []), key=lambda c: c["widgetId"]
            ),
        }

    from_json = convert_app(read_export_bytes(json_bytes(single_file(orders_app(), "v2025"))))
    from_git = convert_app(read_files(git_files(orders_app(), 5)))
    assert [normalised(p.dsl) for p in from_git.pages] == [normalised(p.dsl) for p in from_json.pages]


def test_the_pre_2021_grid_is_scaled_to_64_columns_and_10_px_rows() -> None:
    app = convert_app(read_export_bytes(json_bytes(an_export_from_2021())))
    home = next(p for p in app.pages if p.name == "Home")
    table = home.dsl["children"][0]
    assert (table["leftColumn"], table["rightColumn"], table["topRow"], table["bottomRow"]) == (0, 32, 4, 36)
    validate_tree(home.dsl)
    [line] = app.report.find("page", "Home")
    assert line.status == "adjusted" and "16-column grid" in line.why
    assert app.report.find("page", "Second")[0].status == "adjusted"


def test_a_modal_low_on_the_page_does_not_make_the_page_taller() -> None:
    modal = w("Modal9", "MODAL_WIDGET", 0, 24, 300, 330, height=300, children=[canvas("Canvas9", 300)])
    tree, _ = convert_page_tree(main_container(400, modal), "P", ImportReport(app="t"))
    assert tree["bottomRow"] == 40
    validate_tree(tree)


def test_numbers_typed_as_text_become_numbers_and_bindings_stay() -> None:
    input_text = w("Qty", "INPUT_WIDGET_V2", 0, 10, 0, 4, maxNum="12.5", minNum="{{Limits.min}}", defaultText="7")
    tree, _ = convert_page_tree(main_container(200, input_text), "P", ImportReport(app="x"))
    [qty] = tree["children"]
    assert (qty["maxNum"], qty["minNum"], qty["defaultText"]) == (12.5, "{{Limits.min}}", "7")
