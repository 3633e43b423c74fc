import { describe, expect, it } from "vitest";

import { clonePageContent, copyName, renameInCode, renameInValue } from "./clonePage";
import { allWidgets, type Widget } from "./tree";

const page: Widget = {
  widgetId: "0",
  widgetName: "MainContainer",
  type: "CANVAS_WIDGET",
  children: [
    { widgetId: "t1", widgetName: "Table1", type: "TABLE_WIDGET_V2", tableData: "{{getOrders.data}}", primaryColumns: { edit: { onClick: "{{updateOrder.run({ id: currentRow.id })}}" } } },
    {
      widgetId: "tabs",
      widgetName: "Tabs1",
      type: "TABS_WIDGET",
      tabsObj: { tab1: { id: "tab1", label: "One", widgetId: "c1" } },
      children: [{ widgetId: "c1", widgetName: "Canvas1", type: "CANVAS_WIDGET", children: [{ widgetId: "x1", widgetName: "Text1", type: "TEXT_WIDGET", text: "Rows: {{Table1.tableData.length}} of {{ Utils.total() }}" }] }],
    },
  ],
};

describe("cloning a page", () => {
  const actions = [{ id: "a1", name: "getOrders", config: { sql: "select * from orders where id = {{Table1.selectedRow.id}}" } }];
  const jsObjects = [{ id: "j1", name: "Utils", body: "export default {\n  total() { return getOrders.data.length + Table1.pageSize; },\n}" }];
  // Names are per page: the copy goes to a new, empty page, so every name stays.
  const cloned = clonePageContent({ tree: page, actions, jsObjects });

  it("keeps every widget, query and JS object name, and gives widgets fresh ids", () => {
    const widgets = allWidgets(cloned.tree);
    expect(widgets.map((w) => w.widgetName)).toEqual(["Table1", "Tabs1", "Canvas1", "Text1"]);
    expect(widgets.map((w) => w.widgetId).filter((id) => ["t1", "tabs", "c1", "x1"].includes(id as string))).toEqual([]);
    expect(new Set(widgets.map((w) => w.widgetId)).size).toBe(4);
    expect(cloned.tree.widgetId).toBe("0");
    expect(cloned.actions.map((a) => [a.from.id, a.name])).toEqual([["a1", "getOrders"]]);
    expect(cloned.jsObjects.map((j) => j.name)).toEqual(["Utils"]);
  });

  it("keeps the bindings as they are: on the copy they read the copy's own entities", () => {
    const [table, tabs] = cloned.tree.children ?? [];
    expect(table?.["tableData"]).toBe("{{getOrders.data}}");
    expect(table?.["primaryColumns"]).toEqual({ edit: { onClick: "{{updateOrder.run({ id: currentRow.id })}}" } });
    expect(allWidgets(cloned.tree).find((w) => w.type === "TEXT_WIDGET")?.["text"]).toBe("Rows: {{Table1.tableData.length}} of {{ Utils.total() }}");
    expect(cloned.actions[0]?.config["sql"]).toBe("select * from orders where id = {{Table1.selectedRow.id}}");
    expect(cloned.jsObjects[0]?.body).toContain("return getOrders.data.length + Table1.pageSize;");
    expect((tabs?.["tabsObj"] as Record<string, { widgetId: string }>)["tab1"]?.widgetId).toBe(tabs?.children?.[0]?.widgetId);
  });

  it("renames only what the target page already uses, and points the copy's bindings at the renamed copies", () => {
    const into = clonePageContent({ tree: page, actions, jsObjects, taken: new Set(["MainContainer", "Table1", "Utils", "Table2"]) });
    expect(allWidgets(into.tree).map((w) => w.widgetName)).toEqual(["Table3", "Tabs1", "Canvas1", "Text1"]);
    expect(into.actions.map((a) => a.name)).toEqual(["getOrders"]);
    expect(into.jsObjects.map((j) => j.name)).toEqual(["Utils1"]);
    expect(allWidgets(into.tree).find((w) => w.type === "TEXT_WIDGET")?.["text"]).toBe("Rows: {{Table3.tableData.length}} of {{ Utils1.total() }}");
    expect(into.actions[0]?.config["sql"]).toBe("select * from orders where id = {{Table3.selectedRow.id}}");
    expect(into.jsObjects[0]?.body).toContain("return getOrders.data.length + Table3.pageSize;");
  });

  it("points every tabs widget of the copy, nested ones too, at the copies of its own canvases", () => {
    const canvas = (id: string, name: string, tab: string, children: Widget[]): Widget => ({ widgetId: id, widgetName: name, type: "CANVAS_WIDGET", tabName: tab, children });
    const tabs = (id: string, name: string, tabsObj: Record<string, unknown>, children: Widget[]): Widget => ({ widgetId: id, widgetName: name, type: "TABS_WIDGET", tabsObj, children });
    const inner = tabs("in", "Inner", { x: { id: "x", label: "X", widgetId: "cx" } }, [canvas("cx", "CanvasX", "X", [{ widgetId: "tx", widgetName: "TextX", type: "TEXT_WIDGET" }])]);
    const outer = tabs("out", "Outer", { a: { id: "a", label: "A", widgetId: "ca", index: 1 }, b: { id: "b", label: "B", widgetId: "cb", index: 0 } }, [canvas("ca", "CanvasA", "A", [inner]), canvas("cb", "CanvasB", "B", [])]);
    const tree: Widget = { widgetId: "0", widgetName: "MainContainer", type: "CANVAS_WIDGET", children: [outer] };
    const copy = clonePageContent({ tree, actions: [], jsObjects: [], taken: new Set(allWidgets(tree).map((w) => w.widgetName)) }).tree; // as if into a page that has them all
    const canvasOf = (t: Widget, tab: string) => t.children?.find((c) => c.widgetId === (t["tabsObj"] as Record<string, { widgetId: string }>)[tab]?.widgetId);
    const outerCopy = copy.children?.[0] as Widget;
    expect(canvasOf(outerCopy, "a")?.["tabName"]).toBe("A");
    expect(canvasOf(outerCopy, "b")?.["tabName"]).toBe("B");
    const innerCopy = canvasOf(outerCopy, "a")?.children?.[0] as Widget;
    expect(canvasOf(innerCopy, "x")?.children?.[0]?.widgetName).toBe("TextX1");
    expect(allWidgets(copy).map((w) => w.widgetId)).not.toContain("ca");
    expect(outer["tabsObj"]).toEqual({ a: { id: "a", label: "A", widgetId: "ca", index: 1 }, b: { id: "b", label: "B", widgetId: "cb", index: 0 } });
  });

  it("leaves the original page untouched", () => {
    expect(page.children?.[0]?.widgetName).toBe("Table1");
    expect(page.children?.[0]?.["tableData"]).toBe("{{getOrders.data}}");
  });

  it("renames only references, not properties, strings or locals of the same name", () => {
    const names = new Map([["Table1", "Orders"]]);
    expect(renameInCode("Table1.data.map(Table1 => Table1.x).concat(other.Table1, 'Table1')", names)).toBe("Orders.data.map(Table1 => Table1.x).concat(other.Table1, 'Table1')");
    expect(renameInValue("{{ Table1.selectedRow }} and Table1", names)).toBe("{{ Orders.selectedRow }} and Table1");
    expect(renameInValue("{{ Table1.( }}", names)).toBe("{{ Table1.( }}");
  });

  it("names the new page after the original", () => {
    expect(copyName("Orders", new Set(["Orders"]))).toBe("Orders copy");
    expect(copyName("Orders", new Set(["Orders", "Orders copy"]))).toBe("Orders copy 2");
  });
});
