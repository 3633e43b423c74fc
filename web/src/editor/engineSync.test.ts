import { describe, expect, it } from "vitest";

import { propertyChanges } from "./engineSync";
import { placeWidgets, removeWidgets, setProperty, updateWidget, type Widget } from "./tree";

const page: Widget = {
  widgetId: "0",
  widgetName: "MainContainer",
  type: "CANVAS_WIDGET",
  children: [
    { widgetId: "t", widgetName: "Text1", type: "TEXT_WIDGET", leftColumn: 0, rightColumn: 10, topRow: 0, bottomRow: 4, text: "a" },
    { widgetId: "c", widgetName: "Container1", type: "CONTAINER_WIDGET", leftColumn: 0, rightColumn: 30, topRow: 10, bottomRow: 30, children: [] },
  ],
};

describe("keeping the live engine in step", () => {
  it("passes property edits on one by one", () => {
    expect(propertyChanges(page, setProperty(page, "t", "text", "{{Input1.text}}"))).toEqual([{ widget: "Text1", name: "text", raw: "{{Input1.text}}" }]);
  });

  it("ignores moves within a container", () => {
    const moved = placeWidgets(page, "0", [{ widget: page.children![0]!, box: { left: 40, right: 50, top: 0, bottom: 4 } }]);
    expect(propertyChanges(page, moved)).toEqual([]);
  });

  it("reloads after structural changes", () => {
    expect(propertyChanges(page, removeWidgets(page, new Set(["t"])))).toBeNull();
    expect(propertyChanges(page, updateWidget(page, "t", (w) => ({ ...w, widgetName: "Title" })))).toBeNull();
    expect(propertyChanges(page, placeWidgets(page, "c", [{ widget: page.children![0]!, box: { left: 0, right: 10, top: 0, bottom: 4 } }]))).toBeNull();
    expect(propertyChanges(page, setProperty(page, "t", "text", undefined))).toBeNull();
  });

  it("sends a changed event handler as a property change (the engine keeps handlers as written)", () => {
    expect(propertyChanges(page, setProperty(page, "t", "onClick", "{{saveOrder.run()}}"))).toEqual([
      { widget: "Text1", name: "onClick", raw: "{{saveOrder.run()}}" },
    ]);
  });
});
