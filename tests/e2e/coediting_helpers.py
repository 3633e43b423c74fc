"""Steps the co-editing end-to-end tests share: a page's widgets, and what a person does in the
editor (open it, select a widget, type a property) and sees (a widget's text, the stored page)."""

from __future__ import annotations

import time
from typing import Any

from tests.e2e.viewer_helpers import api_call


def tree(*children: dict[str, Any]) -> dict[str, Any]:
    return {"widgetId": "0", "widgetName": "MainContainer", "type": "CANVAS_WIDGET", "leftColumn": 0,
            "rightColumn": 64, "topRow": 0, "bottomRow": 100, "children": list(children)}


def text_widget(widget_id: str, name: str, text: str, top: int) -> dict[str, Any]:
    return {"widgetId": widget_id, "widgetName": name, "type": "TEXT_WIDGET", "leftColumn": 0, "rightColumn": 16,
            "topRow": top, "bottomRow": top + 4, "text": text}


def open_editor(tab: Any, app_id: str, page_slug: str) -> None:
    tab.goto(f"/app/{app_id}/edit/{page_slug}")
    tab.locator('[data-grid-id="0"]').wait_for()
    assert tab.locator("[data-live-status]").count() == 0, tab.locator("[data-live-status]").inner_text()


def select_widget(tab: Any, name: str) -> None:
    tab.locator(f'[data-widget="{name}"]').first.click()
    tab.locator(".lc-ed-pane__name").wait_for()


def type_property(tab: Any, prop: str, text: str) -> None:
    field = tab.locator(f'.lc-ed-pane [data-property="{prop}"] .cm-content')
    field.click()
    tab.keyboard.press("Control+a")
    tab.keyboard.type(text, delay=5)  # replaces the selection (an emptied text would show its default)
    tab.keyboard.press("Escape")


def shown_text(tab: Any, widget: str) -> str:
    return str(tab.locator(f'[data-widget="{widget}"] .lc-ed-widget__content').inner_text()).strip()


def wait_text(tab: Any, widget: str, text: str) -> None:
    tab.wait_for_function(
        "([w, t]) => document.querySelector(`[data-widget=\"${w}\"] .lc-ed-widget__content`)?.innerText.trim() === t",
        arg=[widget, text], timeout=10_000)


def box(tab: Any, widget: str) -> dict[str, float]:
    return tab.locator(f'[data-widget="{widget}"]').first.bounding_box()  # type: ignore[no-any-return]


def stored_tree(request: Any, page_id: str) -> dict[str, Any]:
    return api_call(request, "GET", f"/pages/{page_id}")["dsl"]  # type: ignore[no-any-return]


def widgets_of(dsl: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {w["widgetName"]: w for w in dsl.get("children", [])}


def eventually(check: Any, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


# The SQL editor's text, line by line, without the other person's caret and name label.
SQL_SHOWN = """t => {
  const c = document.querySelector('[data-code-field="SQL"] .cm-content').cloneNode(true);
  c.querySelectorAll('.cm-ySelectionCaret, .cm-ySelectionInfo').forEach((e) => e.remove());
  return [...c.querySelectorAll('.cm-line')].map((l) => l.textContent).join('\\n') === t;
}"""


# A code field's text (selector, text), line by line, without the other person's caret and name label.
FIELD_SHOWN = """([selector, t]) => {
  const c = document.querySelector(selector)?.cloneNode(true);
  if (!c) return false;
  c.querySelectorAll('.cm-ySelectionCaret, .cm-ySelectionInfo').forEach((e) => e.remove());
  return [...c.querySelectorAll('.cm-line')].map((l) => l.textContent).join('\\n') === t;
}"""


def same_text(ann: Any, ben: Any, widget: str) -> None:
    assert shown_text(ann, widget) == shown_text(ben, widget)
