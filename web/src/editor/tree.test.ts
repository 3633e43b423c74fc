import { describe, expect, it } from "vitest";

import type { WidgetManifest } from "../engine/manifest";
import { boxOf, findByName, findWidget, namesIn, newWidget, parentOf, placeWidgets, removeWidgets, setProperty, topmost, uniqueName, type Widget } from "./tree";

const manifest = (type: string, displayName: string, extra: Partial<WidgetManifest> = {}): WidgetManifest => ({
  type,
  displayName,
  defaultSize: { columns: 20, rows: 10 },
  properties: [
    { name: "text", type: "string", default: "Hello" },
    { name: "isVisible", type: "boolean", default: true },
    { name: "maxChars", type: "number", default: null },
  ],
  ...extra,
});

const w = (id: string, left: number, right: number, top: number, bottom: number, extra: Record<string, unknown> = {}): Widget => ({
  widgetId: id,
  widgetName: id,
  type: "TEXT_WIDGET",
  leftColumn: left,
  rightColumn: right,
  topRow: top,
  bottomRow: bottom,
  ...extra,
});

const page = (...children: Widget[]): Widget => ({ widgetId: "0", widgetName: "MainContainer", type: "CANVAS_WIDGET", leftColumn: 0, rightColumn: 64, topRow: 0, bottomRow: 100, children });

describe("a new widget", () => {
  it("gets its manifest's defaults, default size and the first free name", () => {
    const { widget, box } = newWidget(manifest("TEXT_WIDGET", "Text"), new Set(["Text1"]), { left: 50, top: 3 });
    expect(widget.widgetName).toBe("Text2");
    expect(widget["text"]).toBe("Hello");
    expect("maxChars" in widget).toBe(false);
    expect(box).toEqual({ left: 44, right: 64, top: 3, bottom: 13 });
  });

  it("names multi-word types as one identifier", () => {
    expect(newWidget(manifest("DATE_PICKER_WIDGET2", "Date picker"), new Set(), { left: 0, top: 0 }).widget.widgetName).toBe("DatePicker1");
  });

  it("of a tabs type comes with one canvas per default tab", () => {
    const tabs = manifest("TABS_WIDGET", "Tabs", {
      children: "canvases",
      properties: [{ name: "tabsObj", type: "object", default: { a: { id: "a", label: "One" }, b: { id: "b", label: "Two" } } }],
    });
    const { widget } = newWidget(tabs, new Set(), { left: 0, top: 0 });
    expect(widget.children?.map((c) => [c.type, c["tabName"]])).toEqual([
      ["CANVAS_WIDGET", "One"],
      ["CANVAS_WIDGET", "Two"],
    ]);
  });

  it("takes names with a number after the base", () => {
    expect(uniqueName("Table", new Set(["Table1", "Table2"]))).toBe("Table3");
  });
});

describe("placing widgets", () => {
  it("pushes the widgets it lands on down and grows the page", () => {
    const tree = page(w("a", 0, 20, 0, 10), w("b", 0, 20, 10, 20));
    const next = placeWidgets(tree, "0", [{ widget: w("new", 0, 0, 0, 0), box: { left: 0, right: 30, top: 5, bottom: 95 } }]);
    expect(boxOf(findWidget(next, "new") as Widget)).toEqual({ left: 0, right: 30, top: 5, bottom: 95 });
    expect(boxOf(findWidget(next, "a") as Widget).top).toBe(95);
    expect(boxOf(findWidget(next, "b") as Widget).top).toBe(105);
    expect(next["bottomRow"]).toBe(115 + 20);
  });

  it("moves a widget into a container, where the container grows to hold it", () => {
    const tree = page(w("box", 0, 30, 0, 10, { type: "CONTAINER_WIDGET", children: [] }), w("under", 0, 30, 10, 20), w("t", 40, 60, 0, 4));
    const next = placeWidgets(tree, "box", [{ widget: findWidget(tree, "t") as Widget, box: { left: 0, right: 20, top: 2, bottom: 14 } }]);
    expect(parentOf(next, "t")?.widgetId).toBe("box");
    expect(boxOf(findWidget(next, "box") as Widget).bottom).toBe(14);
    expect(boxOf(findWidget(next, "under") as Widget).top).toBe(14);
    expect((next.children ?? []).map((c) => c.widgetId)).toEqual(["box", "under"]);
  });

  it("never lets modals take room on the grid", () => {
    const tree = page(w("m", 0, 24, 0, 24, { type: "MODAL_WIDGET", children: [] }), w("a", 0, 20, 0, 10));
    const next = placeWidgets(tree, "0", [{ widget: w("n", 0, 0, 0, 0), box: { left: 0, right: 20, top: 0, bottom: 5 } }]);
    expect(boxOf(findWidget(next, "m") as Widget).top).toBe(0);
    expect(boxOf(findWidget(next, "a") as Widget).top).toBe(5);
  });
});

describe("editing the tree", () => {
  it("sets and unsets properties without touching the old tree", () => {
    const tree = page(w("a", 0, 20, 0, 10, { text: "x" }));
    const next = setProperty(tree, "a", "text", "{{Input1.text}}");
    expect(findWidget(next, "a")?.["text"]).toBe("{{Input1.text}}");
    expect(findWidget(tree, "a")?.["text"]).toBe("x");
    expect("text" in (findWidget(setProperty(tree, "a", "text", undefined), "a") as Widget)).toBe(false);
  });

  it("removes widgets with their children", () => {
    const tree = page(w("box", 0, 30, 0, 10, { type: "CONTAINER_WIDGET", children: [w("inner", 0, 10, 0, 4)] }), w("b", 0, 10, 10, 14));
    const next = removeWidgets(tree, new Set(["box"]));
    expect([...namesIn(next)]).toEqual(["MainContainer", "b"]);
    expect(findByName(next, "inner")).toBeUndefined();
  });

  it("treats a selected container as carrying its selected children", () => {
    const tree = page(w("box", 0, 30, 0, 10, { type: "CONTAINER_WIDGET", children: [w("inner", 0, 10, 0, 4)] }), w("b", 0, 10, 10, 14));
    expect(topmost(tree, ["inner", "box", "b"])).toEqual(["box", "b"]);
  });
});
