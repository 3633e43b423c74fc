import { describe, expect, it } from "vitest";

import type { WidgetManifest } from "../engine/manifest";
import { appsmithEntity, complete, insideBinding, libraryEntities, queryEntity, sqlCompletions, widgetMembers, type EntityInfo } from "./completions";

const table: WidgetManifest = {
  type: "TABLE_WIDGET_V2",
  properties: [{ name: "tableData", type: "array", help: "Rows to show" } as never],
  derived: [{ name: "selectedRow", type: "object" }],
  setters: [{ name: "setData", property: "tableData" }],
};

const entities: EntityInfo[] = [
  { name: "Table1", kind: "widget", detail: "TABLE_WIDGET_V2", members: widgetMembers(table), value: { tableData: [], selectedRow: { id: 7, status: "open" } } },
  queryEntity("getOrders", { data: [{ id: 1 }] }),
  appsmithEntity({ store: { picked: 3 } }),
];

const labels = (text: string) => complete(text, entities)?.options.map((o) => o.label) ?? [];

describe("binding autocomplete", () => {
  it("offers entity names and global functions at the top level", () => {
    expect(labels("{{ get")).toEqual(["getOrders"]);
    expect(labels("{{ show")).toContain("showAlert");
    expect(complete("{{ show", entities)?.options.find((o) => o.label === "showAlert")?.detail).toContain("message: string");
  });

  it("offers a widget's manifest names with their help", () => {
    const result = complete("{{Table1.", entities);
    expect(result?.from).toBe("{{Table1.".length);
    expect(result?.options.map((o) => o.label)).toEqual(expect.arrayContaining(["tableData", "selectedRow", "isVisible"]));
    expect(result?.options.find((o) => o.label === "tableData")?.info).toBe("Rows to show");
  });

  it("offers a widget's setters and its name", () => {
    expect(labels("{{Table1.set")).toEqual(["setData"]);
    expect(labels("{{Table1.na")).toEqual(["name"]);
  });

  it("offers fields of live values one level down", () => {
    expect(labels("{{Table1.selectedRow.st")).toEqual(["status"]);
    expect(labels("{{appsmith.store.")).toEqual(["picked"]);
  });

  it("offers a query's members, run() as a function", () => {
    const run = complete("{{getOrders.r", entities)?.options.find((o) => o.label === "run");
    expect(run?.type).toBe("function");
  });

  it("offers the globals of the app's JS libraries and their members", () => {
    const withLibraries = [...entities, ...libraryEntities([{ name: "tinycsv", accessor: ["tinyCsv"], members: { tinyCsv: ["parse", "stringify"] } }])];
    expect(complete("{{ tiny", withLibraries)?.options.map((o) => [o.label, o.detail])).toEqual([["tinyCsv", "library tinycsv"]]);
    expect(complete("{{ tinyCsv.p", withLibraries)?.options.map((o) => o.label)).toEqual(["parse"]);
  });

  it("knows when the cursor is inside a binding", () => {
    expect(insideBinding("select {{Input1.")).toBe(true);
    expect(insideBinding("select {{Input1.text}} from")).toBe(false);
  });
});

describe("SQL autocomplete", () => {
  const tables = [{ name: "public.orders", columns: [{ name: "id", type: "integer" }, { name: "status", type: "text" }] }];

  it("offers tables and columns of the datasource's structure", () => {
    expect(sqlCompletions("select * from public.", tables)).toBeNull();
    expect(sqlCompletions("select * from pub", tables)?.options.map((o) => o.label)).toEqual(["public.orders"]);
    expect(sqlCompletions("select st", tables)?.options.map((o) => o.label)).toEqual(["status"]);
    expect(sqlCompletions("select orders.", tables)?.options.map((o) => o.label)).toEqual(["id", "status"]);
  });
});

describe("JS object members", () => {
  it("lists the functions a JS object declares", async () => {
    const { functionNames } = await import("./completions");
    const body = "export default {\n  rate: 3,\n  total(rows) {\n    if (rows) { return 1 }\n  },\n  async load() {},\n  fmt: (x) => x,\n  old: function () {},\n}";
    expect(functionNames(body)).toEqual(["total", "load", "fmt", "old"]);
  });
});
