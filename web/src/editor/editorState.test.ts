import { describe, expect, it } from "vitest";

import { editorReducer, initialState, type EditorState } from "./editorState";
import { boxOf, findWidget, placeWidgets, setProperty, type Widget } from "./tree";

const text = (id: string, top: number): Widget => ({ widgetId: id, widgetName: id, type: "TEXT_WIDGET", leftColumn: 0, rightColumn: 10, topRow: top, bottomRow: top + 4 });
const page: Widget = { widgetId: "0", widgetName: "MainContainer", type: "CANVAS_WIDGET", leftColumn: 0, rightColumn: 64, topRow: 0, bottomRow: 100, children: [text("Text1", 0), text("Text2", 10)] };

describe("the editor document", () => {
  it("undoes and redoes a move", () => {
    let s: EditorState = initialState(page);
    const moved = placeWidgets(s.tree, "0", [{ widget: findWidget(s.tree, "Text1") as Widget, box: { left: 30, right: 40, top: 2, bottom: 6 } }]);
    s = editorReducer(s, { type: "commit", tree: moved });
    expect(boxOf(findWidget(s.tree, "Text1") as Widget).left).toBe(30);
    s = editorReducer(s, { type: "undo" });
    expect(boxOf(findWidget(s.tree, "Text1") as Widget).left).toBe(0);
    s = editorReducer(s, { type: "redo" });
    expect(boxOf(findWidget(s.tree, "Text1") as Widget).left).toBe(30);
  });

  it("undoes property edits, typing in one property being one step", () => {
    let s: EditorState = initialState(page);
    for (const [i, value] of ["H", "He", "Hey"].entries()) {
      s = editorReducer(s, { type: "commit", tree: setProperty(s.tree, "Text1", "text", value), key: "Text1.text", now: 1000 + i * 100 });
    }
    s = editorReducer(s, { type: "undo" });
    expect(findWidget(s.tree, "Text1")?.["text"]).toBeUndefined();
  });

  it("selects with shift-toggle and drops deleted widgets from the selection", () => {
    let s: EditorState = initialState(page);
    s = editorReducer(s, { type: "select", ids: ["Text1"] });
    s = editorReducer(s, { type: "toggle", id: "Text2" });
    expect(s.selected).toEqual(["Text1", "Text2"]);
    s = editorReducer(s, { type: "toggle", id: "Text1" });
    expect(s.selected).toEqual(["Text2"]);
    s = editorReducer(s, { type: "commit", tree: { ...s.tree, children: [text("Text1", 0)] } });
    expect(s.selected).toEqual([]);
  });

  it("keeps the history across a rename: the server's rewritten tree is one more undoable step", () => {
    let s: EditorState = initialState(page);
    const moved = placeWidgets(s.tree, "0", [{ widget: findWidget(s.tree, "Text1") as Widget, box: { left: 30, right: 40, top: 2, bottom: 6 } }]);
    s = editorReducer(s, { type: "commit", tree: moved });
    const renamed = setProperty(setProperty(s.tree, "Text1", "widgetName", "Title"), "Text2", "text", "{{Title.text}}");
    s = editorReducer(s, { type: "rewritten", tree: renamed });
    expect(findWidget(s.tree, "Text1")?.widgetName).toBe("Title");
    s = editorReducer(s, { type: "undo" });
    expect(findWidget(s.tree, "Text1")?.widgetName).toBe("Text1");
    expect(boxOf(findWidget(s.tree, "Text1") as Widget).left).toBe(30);
    s = editorReducer(s, { type: "undo" });
    expect(boxOf(findWidget(s.tree, "Text1") as Widget).left).toBe(0);
    s = editorReducer(s, { type: "redo" });
    s = editorReducer(s, { type: "redo" });
    expect(findWidget(s.tree, "Text2")?.["text"]).toBe("{{Title.text}}");
  });
});

it("a tree from the shared document replaces the tree, keeps the history and drops vanished selections", () => {
  const a: Widget = { widgetId: "0", widgetName: "Main", type: "CANVAS_WIDGET", children: [{ widgetId: "x", widgetName: "X", type: "TEXT_WIDGET" }] };
  const b: Widget = { ...a, children: [] };
  let s = editorReducer(initialState(a), { type: "select", ids: ["x"] });
  s = editorReducer(s, { type: "shared", tree: b });
  expect(s.tree).toBe(b);
  expect(s.selected).toEqual([]);
  expect(s.history.past).toEqual([]);
});
