"""Widgets that arrive with their parts, and pasted groups that keep talking to each other.

A Form dropped from the palette comes with its title and Submit/Reset buttons, and one undo takes
all of it away; a pasted Input and Text pair reads its own copies, not the originals.
Screenshots go to test-artifacts/<test name>/.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.test_editor import drag_from_palette, select_widget, set_code, wait_saved
from tests.e2e.test_editor_clipboard import open_new_app, saved_widgets_once

pytestmark = pytest.mark.e2e


def test_a_dropped_form_has_its_parts_and_one_undo_removes_all(page: Any, screenshots: Any) -> None:
    from playwright.sync_api import expect

    app_id = open_new_app(page)
    drag_from_palette(page, "FORM_WIDGET", page.locator('[data-grid-id="0"]'), 200, 150)
    form = page.locator('[data-widget="Form1"]')
    form.wait_for()
    expect(form.locator('[data-widget="Text1"]')).to_contain_text("Form")
    expect(form.locator('[data-widget="Button1"] button')).to_have_text("Submit")
    expect(form.locator('[data-widget="Button2"] button')).to_have_text("Reset")
    wait_saved(page)
    screenshots.take(page, "dropped-form")
    widgets = saved_widgets_once(page, app_id, lambda w: "Form1" in w)
    assert [c["widgetName"] for c in widgets["Form1"]["children"]] == ["Text1", "Button1", "Button2"]
    assert widgets["Button1"]["buttonType"] == "SUBMIT" and widgets["Button2"]["buttonVariant"] == "SECONDARY"

    page.get_by_role("button", name="Undo").click()
    expect(page.locator("[data-widget]")).to_have_count(0)
    assert saved_widgets_once(page, app_id, lambda w: not w) == {}


def test_a_pasted_pair_reads_its_own_copies(page: Any, screenshots: Any) -> None:
    from playwright.sync_api import expect

    app_id = open_new_app(page)
    grid = page.locator('[data-grid-id="0"]')
    drag_from_palette(page, "INPUT_WIDGET_V2", grid, 200, 40)
    page.locator('[data-widget="Input1"]').wait_for()
    drag_from_palette(page, "TEXT_WIDGET", grid, 200, 140)
    page.locator('[data-widget="Text1"]').wait_for()
    select_widget(page, "Text1")
    set_code(page, "text", "You typed {{Input1.text}}")
    wait_saved(page)

    page.locator('[data-widget="Input1"]').click(position={"x": 5, "y": 5})
    page.locator('[data-widget="Text1"]').click(modifiers=["Shift"])
    page.keyboard.press("Control+c")
    page.keyboard.press("Control+v")
    page.locator('[data-widget="Text2"]').wait_for()
    wait_saved(page)
    screenshots.take(page, "pasted-pair")

    widgets = saved_widgets_once(page, app_id, lambda w: "Text2" in w)
    assert widgets["Text2"]["text"] == "You typed {{Input2.text}}"
    assert widgets["Text1"]["text"] == "You typed {{Input1.text}}"

    # Typing into the copy's input changes the copy's text only.
    page.get_by_role("button", name="Preview").click()
    page.locator('[data-widget="Input2"] input').fill("hello")
    expect(page.locator('[data-widget="Text2"]')).to_contain_text("You typed hello")
    expect(page.locator('[data-widget="Text1"]')).not_to_contain_text("hello")
