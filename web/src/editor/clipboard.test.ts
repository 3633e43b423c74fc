import { describe, expect, it } from "vitest";

import { copyWidgets, pasteWidgets } from "./clipboard";
import { boxOf, findByName, findWidget, type Widget } from "./tree";

const w = (id: string, top: number, bottom: number, extra: Record<string, unknown> = {}): Widget => ({
  widgetId: id,
  widgetName: id,
  type: "TEXT_WIDGET",
  leftColumn: 0,
  rightColumn: 20,
  topRow: top,
  bottomRow: bottom,
  ...extra,
});
const page = (...children: Widget[]): Widget => ({ widgetId: "0", widgetName: "MainContainer", type: "CANVAS_WIDGET", leftColumn: 0, rightColumn: 64, topRow: 0, bottomRow: 100, children });

describe("copy and paste", () => {
  it("pastes copies with new ids and free names below the existing content", () => {
    const tree = page(w("Text1", 0, 4, { text: "hi" }), w("Text2", 4, 8));
    const clip = copyWidgets(tree, ["Text1"]);
    const { tree: next, ids } = pasteWidgets(tree, clip, "0");
    const copy = findWidget(next, ids[0] as string) as Widget;
    expect(copy.widgetName).toBe("Text3");
    expect(copy.widgetId).not.toBe("Text1");
    expect(copy["text"]).toBe("hi");
    expect(boxOf(copy)).toEqual({ left: 0, right: 20, top: 8, bottom: 12 });
  });

  it("renames the children of a pasted container too", () => {
    const tree = page(w("Container1", 0, 10, { type: "CONTAINER_WIDGET", children: [w("Input1", 0, 4)] }));
    const { tree: next } = pasteWidgets(tree, copyWidgets(tree, ["Container1"]), "0");
    expect(findByName(next, "Container2")?.children?.[0]?.widgetName).toBe("Input2");
  });

  it("is unaffected by later edits of the original", () => {
    const tree = page(w("Text1", 0, 4, { text: "before" }));
    const clip = copyWidgets(tree, ["Text1"]);
    (tree.children?.[0] as Record<string, unknown>)["text"] = "after";
    expect(clip.widgets[0]?.["text"]).toBe("before");
  });

  it("pastes on another page, into a container there", () => {
    const source = page(w("Text1", 0, 4));
    const other = page(w("Form1", 0, 10, { type: "FORM_WIDGET", children: [] }));
    const { tree: next } = pasteWidgets(other, copyWidgets(source, ["Text1"]), "Form1");
    expect(findByName(next, "Form1")?.children?.map((c) => c.widgetName)).toEqual(["Text1"]);
  });
});
