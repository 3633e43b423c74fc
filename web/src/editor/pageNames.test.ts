import { describe, expect, it } from "vitest";

import { pageCodeNames, pageEntityNames } from "./pageNames";
import type { Widget } from "./tree";

describe("the names of a page", () => {
  const tree: Widget = { widgetId: "0", widgetName: "MainContainer", type: "CANVAS_WIDGET", children: [{ widgetId: "t", widgetName: "Table1", type: "TABLE_WIDGET_V2" }] };
  const actions = [{ name: "getOrders", pageId: "a" }, { name: "getOrders", pageId: "b" }, { name: "onlyOnB", pageId: "b" }];
  const jsObjects = [{ name: "Utils", pageId: "a" }, { name: "Helpers", pageId: "b" }];

  it("are its widgets, queries and JS objects, never another page's", () => {
    expect([...pageEntityNames(tree, actions, jsObjects, "a")].sort()).toEqual(["MainContainer", "Table1", "Utils", "getOrders"]);
    expect([...pageCodeNames(actions, jsObjects, "b")].sort()).toEqual(["Helpers", "getOrders", "onlyOnB"]);
    expect([...pageCodeNames(actions, jsObjects, null)]).toEqual([]);
  });
});
