"""The registry: what it serves, and how it refuses a broken manifest folder."""

from __future__ import annotations

import copy
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import lowcraft.widgets
from lowcraft.widgets import ManifestError, WidgetError, WidgetRegistry, registry
from lowcraft.widgets.registry import _PackagedRegistry


def minimal(widget_type: str = "BADGE_WIDGET", **changes: Any) -> dict[str, Any]:
    """A small valid manifest document; `changes` replace top-level keys."""
    document: dict[str, Any] = {
        "type": widget_type,
        "displayName": "Badge",
        "category": "display",
        "icon": "badge",
        "searchTags": ["tag"],
        "defaultSize": {"columns": 8, "rows": 4},
        "children": None,
        "isInternal": False,
        "properties": [
            {"name": "text", "label": "Caption", "section": "content", "type": "string", "default": "New",
             "bindable": True, "help": "Words in the badge."},
            {"name": "isVisible", "label": "Visible", "section": "general", "type": "boolean", "default": True,
             "bindable": True, "help": "Shows the badge."},
        ],
        "events": [{"name": "onClick", "label": "On click", "help": "Runs on a click."}],
        "meta": [{"name": "count", "type": "number", "default": 0, "help": "Clicks so far."}],
        "derived": [{"name": "isEmpty", "type": "boolean", "help": "True without a caption."}],
    }  # fmt: skip
    document.update(copy.deepcopy(changes))
    return document


def write(folder: Path, *documents: dict[str, Any], name: str | None = None) -> Path:
    for document in documents:
        (folder / (name or f"{document['type']}.json")).write_text(json.dumps(document))
    return folder


def load_error(folder: Path) -> str:
    with pytest.raises(ManifestError) as caught:
        WidgetRegistry.load(folder)
    return str(caught.value)


def test_a_folder_of_manifests_loads_into_a_registry(tmp_path: Path) -> None:
    loaded = WidgetRegistry.load(write(tmp_path, minimal("ZED_WIDGET"), minimal("BADGE_WIDGET")))
    assert loaded.types() == {"ZED_WIDGET", "BADGE_WIDGET"}
    assert [m.type for m in loaded.all()] == ["BADGE_WIDGET", "ZED_WIDGET"]
    assert "BADGE_WIDGET" in loaded and "NOPE_WIDGET" not in loaded
    badge = loaded.get("BADGE_WIDGET")
    assert badge is not None and loaded.get("NOPE_WIDGET") is None
    assert badge.defaults() == {"text": "New", "isVisible": True}
    assert {"text", "onClick", "count", "isEmpty", "widgetName", "topRow"} <= badge.readable_names()
    assert badge.event_names() == {"onClick"}


def test_files_that_are_not_json_are_ignored(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("notes")
    assert WidgetRegistry.load(write(tmp_path, minimal())).types() == {"BADGE_WIDGET"}


def test_the_api_document_uses_camel_case_and_is_built_once(tmp_path: Path) -> None:
    loaded = WidgetRegistry.load(write(tmp_path, minimal()))
    served = loaded.as_json()
    assert served is loaded.as_json()
    (badge,) = served
    assert badge["displayName"] == "Badge" and badge["defaultSize"] == {"columns": 8, "rows": 4}
    assert "children" not in badge, "unset keys are left out rather than served as null"
    assert json.loads(json.dumps(served)) == served


def test_the_shipped_registry_serves_every_type_in_order() -> None:
    served = [entry["type"] for entry in registry.as_json()]
    assert served == sorted(registry.types())


def container(**changes: Any) -> dict[str, Any]:
    """`minimal()` as a container of widgets whose blueprint places one OK_WIDGET (a badge)."""
    child = {"type": "OK_WIDGET", "leftColumn": 0, "rightColumn": 8, "topRow": 0, "bottomRow": 4,
             "properties": {"text": "Hi", "onClick": "{{showAlert('hi')}}"}}  # fmt: skip
    document = minimal(
        children="widgets", defaultSize={"columns": 24, "rows": 20}, blueprint={"children": [child]}
    )
    document["blueprint"]["children"][0].update(copy.deepcopy(changes))
    return document


def test_a_blueprint_is_served_with_its_manifest(tmp_path: Path) -> None:
    loaded = WidgetRegistry.load(write(tmp_path, minimal("OK_WIDGET"), container()))
    badge = next(entry for entry in loaded.as_json() if entry["type"] == "BADGE_WIDGET")
    assert badge["blueprint"]["children"] == [
        {"type": "OK_WIDGET", "leftColumn": 0, "rightColumn": 8, "topRow": 0, "bottomRow": 4,
         "properties": {"text": "Hi", "onClick": "{{showAlert('hi')}}"}},
    ]  # fmt: skip
    plain = next(entry for entry in loaded.as_json() if entry["type"] == "OK_WIDGET")
    assert "blueprint" not in plain


BROKEN = {
    "unknown key": (minimal(colour="red"), "colour"),
    "column count beyond the grid": (minimal(defaultSize={"columns": 65, "rows": 4}), "defaultSize.columns"),
    "default of the wrong type": (
        minimal(meta=[{"name": "count", "type": "number", "default": "3", "help": "Clicks."}]),
        "expected a finite number",
    ),
    "meta defaultFrom naming no property": (
        minimal(meta=[{"name": "count", "type": "number", "defaultFrom": "initialCount", "help": "Clicks."}]),
        "defaultFrom names no property 'initialCount'",
    ),
    "event listed twice": (
        minimal(events=[{"name": "onClick", "label": "On click", "help": "Click."}] * 2),
        "'onClick' is listed twice",
    ),
    "property repeated as meta": (
        minimal(meta=[{"name": "text", "type": "string", "help": "Typed text."}]),
        "'text' is listed both in properties and meta",
    ),
    "event not named on*": (
        minimal(events=[{"name": "clicked", "label": "Click", "help": "Click."}]),
        "onSomething",
    ),
    "name that is not a JS identifier": (
        minimal(derived=[{"name": "is-empty", "type": "boolean", "help": "Empty."}]),
        "not usable as a JavaScript property name",
    ),
    "a position key redeclared": (
        minimal(derived=[{"name": "topRow", "type": "number", "help": "Top."}]),
        "a key every widget already has",
    ),
    "isVisible missing": (minimal(properties=[]), "isVisible"),
    "enum without options": (
        minimal(meta=[{"name": "count", "type": "enum", "help": "Clicks."}]),
        "`options` is required for type enum",
    ),
    "derived value with a default": (
        minimal(derived=[{"name": "isEmpty", "type": "boolean", "default": True, "help": "Empty."}]),
        "only meta values take defaultFrom/default",
    ),
    "blueprint child of an unknown type": (container(type="NOPE_WIDGET"), "unknown widget type NOPE_WIDGET"),
    "blueprint child of an internal type": (container(type="CANVAS_WIDGET"), "CANVAS_WIDGET"),
    "blueprint property the child lacks": (
        container(properties={"caption": "Hi"}),
        "blueprint.children.0: properties.caption: OK_WIDGET has no property 'caption'",
    ),
    "blueprint property of the wrong type": (
        container(properties={"isVisible": "yes"}),
        "properties.isVisible: expected true or false",
    ),
    "blueprint event handler that is not a string": (
        container(properties={"onClick": True}),
        "an event handler must be a string",
    ),
    "blueprint child below the default size": (
        container(topRow=18, bottomRow=22),
        "bottomRow 22 is below the 20 rows of defaultSize",
    ),
    "blueprint child beyond the grid": (container(leftColumn=60, rightColumn=70), "rightColumn"),
    "blueprint child without area": (container(leftColumn=8, rightColumn=8), "greater than leftColumn"),
    "blueprint on a widget without children": (
        minimal(blueprint=container()["blueprint"]),
        'only a widget with children "widgets"',
    ),
    "empty blueprint": (minimal(children="widgets", blueprint={"children": []}), "blueprint.children"),
}


def test_overlapping_blueprint_children_are_refused(tmp_path: Path) -> None:
    document = container()
    first = document["blueprint"]["children"][0]
    document["blueprint"]["children"].append(
        first | {"leftColumn": 4, "rightColumn": 12, "topRow": 3, "bottomRow": 6}
    )
    message = load_error(write(tmp_path, minimal("OK_WIDGET"), document))
    assert "BADGE_WIDGET.json" in message and "blueprint.children.1 overlaps blueprint.children.0" in message


@pytest.mark.parametrize(("document", "expected"), BROKEN.values(), ids=list(BROKEN))
def test_an_invalid_manifest_is_refused_naming_file_and_problem(
    tmp_path: Path, document: dict[str, Any], expected: str
) -> None:
    message = load_error(write(tmp_path, minimal("OK_WIDGET"), document))
    assert "BADGE_WIDGET.json" in message and expected in message


def test_a_property_default_that_breaks_its_enum_is_refused(tmp_path: Path) -> None:
    document = minimal()
    document["properties"][0] |= {"type": "enum", "options": ["NEW", "OLD"], "default": "New"}
    message = load_error(write(tmp_path, document))
    assert "properties.0" in message and "expected one of ['NEW', 'OLD']" in message


def test_a_type_declared_by_two_files_is_refused(tmp_path: Path) -> None:
    write(tmp_path, minimal())
    write(tmp_path, minimal(), name="OTHER_WIDGET.json")
    assert "BADGE_WIDGET is already declared by BADGE_WIDGET.json" in load_error(tmp_path)


def test_a_file_must_be_named_after_its_type(tmp_path: Path) -> None:
    write(tmp_path, minimal(), name="Badge.json")
    assert "Badge.json" in load_error(tmp_path) and "must be named BADGE_WIDGET.json" in load_error(tmp_path)


def test_a_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    (tmp_path / "BADGE_WIDGET.json").write_text('{"type": "BADGE_WIDGET",')
    assert "BADGE_WIDGET.json: is not valid JSON" in load_error(tmp_path)


def test_a_missing_folder_is_refused(tmp_path: Path) -> None:
    assert "does not exist" in load_error(tmp_path / "nowhere")


def test_manifest_errors_belong_to_the_widget_error_family() -> None:
    assert issubclass(ManifestError, WidgetError)


def test_the_public_names_are_pinned() -> None:
    assert sorted(lowcraft.widgets.__all__) == [
        "Blueprint", "BlueprintChild", "DefaultSize", "EventSpec", "GRID_COLUMNS", "ManifestError", "PropertySpec", "TypeHint", "ValueSpec",
        "WidgetError", "WidgetManifest", "WidgetRegistry", "is_binding", "registry", "value_problems",
    ]  # fmt: skip


def test_the_packaged_registry_reads_its_manifests_on_first_use_once_for_all_threads() -> None:
    packaged = _PackagedRegistry()
    assert "_by_type" not in vars(packaged), "nothing is read before the first lookup"
    with ThreadPoolExecutor(8) as pool:
        found = list(pool.map(lambda _: packaged.get("BUTTON_WIDGET"), range(8)))
    assert all(manifest is found[0] and manifest is not None for manifest in found)
    assert packaged.types() == WidgetRegistry.load().types()


def test_setters_are_readable_and_must_set_a_declared_property(tmp_path: Path) -> None:
    setter = {"name": "setText", "property": "text", "help": "Sets the caption."}
    badge = WidgetRegistry.load(write(tmp_path, minimal(setters=[setter]))).get("BADGE_WIDGET")
    assert badge is not None and badge.setter_names() == {"setText"}
    assert {"setText", "name"} <= badge.readable_names()
    (tmp_path / "BADGE_WIDGET.json").unlink()
    wrong = {"name": "setNothing", "property": "nothing", "help": "Sets nothing."}
    assert "sets no property 'nothing'" in load_error(write(tmp_path, minimal(setters=[wrong])))
    (tmp_path / "BADGE_WIDGET.json").unlink()
    badly_named = {"name": "text", "property": "text", "help": "Sets the caption."}
    assert "must look like setSomething" in load_error(write(tmp_path, minimal(setters=[badly_named])))
