import { describe, expect, it } from "vitest";

import { tableColumns } from "../widgets/TABLE_WIDGET_V2/columns";
import {
  addComputedColumn,
  addSeries,
  columnRows,
  columnSettings,
  columnsEditable,
  moveColumn,
  optionKeys,
  optionRows,
  removeColumn,
  removeSeries,
  seriesRows,
  setColumn,
  setEditable,
  setSeries,
  settingValue,
  withOptions,
} from "./collections";

describe("the columns editor", () => {
  const data = [{ id: 1, customer: "Ada", status: "open" }];

  it("lists the data's columns in the order the table shows them, hidden ones included", () => {
    const primary = { status: { id: "status", label: "State", isVisible: false } };
    const rows = columnRows(primary, ["status", "id"], Object.keys(data[0] ?? {}));
    expect(rows.map((r) => [r.id, r.label, r.isVisible])).toEqual([
      ["status", "State", false],
      ["id", "id", true],
      ["customer", "customer", true],
    ]);
  });

  it("writes settings the table widget then shows: label, type, visibility and order", () => {
    let primary = setColumn(undefined, "customer", { label: "Customer" });
    primary = setColumn(primary, "id", { isVisible: false });
    const order = moveColumn(columnRows(primary, undefined, ["id", "customer", "status"]).map((r) => r.id), 2, 0);
    const shown = tableColumns({ tableData: data, primaryColumns: primary, columnOrder: order });
    expect(shown.map((c) => c.label)).toEqual(["status", "Customer"]);
  });

  it("adds a computed column bound to currentRow and a button column with its handler, and removes them", () => {
    const added = addComputedColumn({}, ["id", "customer"]);
    expect(added.id).toBe("customColumn1");
    let primary = setColumn(added.primaryColumns, added.id, { computedValue: "{{currentRow.customer.toUpperCase()}}", columnType: "button", onClick: "{{showAlert(currentRow.customer)}}" });
    expect(primary["customColumn1"]).toMatchObject({ isDerived: true, columnType: "button", onClick: "{{showAlert(currentRow.customer)}}" });
    expect(tableColumns({ tableData: data, primaryColumns: primary, columnOrder: added.columnOrder }).find((c) => c.id === added.id)?.type).toBe("button");
    primary = setColumn(primary, added.id, { onClick: "" });
    expect(primary["customColumn1"]).not.toHaveProperty("onClick");
    const removed = removeColumn(primary, added.columnOrder, added.id);
    expect(removed.primaryColumns).toEqual({});
    expect(removed.columnOrder).toEqual(["id", "customer"]);
  });

  it("leaves a bound column setting to the code editor", () => {
    expect(columnsEditable({}, [])).toBe(true);
    expect(columnsEditable(undefined, undefined)).toBe(true);
    expect(columnsEditable("{{JSObject1.columns}}", [])).toBe(false);
    expect(columnsEditable({}, "{{order}}")).toBe(false);
  });

  it("moves a column by drag or up/down and ignores moves off the ends", () => {
    expect(moveColumn(["a", "b", "c"], 0, 2)).toEqual(["b", "c", "a"]);
    expect(moveColumn(["a", "b", "c"], 1, 0)).toEqual(["b", "a", "c"]);
    expect(moveColumn(["a", "b", "c"], 0, -1)).toEqual(["a", "b", "c"]);
  });
});

describe("the column settings", () => {
  const data = [{ id: 1, customer: "Ada", status: "open" }];
  const row = (config: Record<string, unknown>) => columnRows({ c: { id: "c", ...config } }, ["c"], [])[0] as ReturnType<typeof columnRows>[number];
  const keys = (config: Record<string, unknown>) => columnSettings(row(config)).map((s) => s.key);

  it("offer what the column's type has, and the edit handlers once it is editable", () => {
    expect(keys({ columnType: "select" })).toEqual(expect.arrayContaining(["isEditable", "selectOptions", "cellBackground"]));
    expect(keys({ columnType: "select" })).not.toContain("onOptionChange");
    expect(keys({ columnType: "select", isEditable: true })).toContain("onOptionChange");
    expect(keys({ columnType: "text", isEditable: true })).toContain("onSubmit");
    expect(keys({ columnType: "editActions" })).toEqual(expect.arrayContaining(["onSave", "onDiscard"]));
    expect(keys({ columnType: "editActions" })).not.toContain("isEditable");
    expect(keys({ columnType: "button" })).toEqual(expect.arrayContaining(["buttonLabel", "onClick"]));
  });

  it("making the first column editable adds a Save / Discard column, once", () => {
    const first = setEditable({}, ["id", "customer", "status"], "customer", true);
    expect(first.columnOrder).toEqual(["id", "customer", "status", "EditActions1"]);
    expect(first.primaryColumns["EditActions1"]).toMatchObject({ columnType: "editActions", isDerived: true });
    expect(first.primaryColumns["customer"]).toMatchObject({ isEditable: true });
    const second = setEditable(first.primaryColumns, first.columnOrder, "id", true);
    expect(Object.keys(second.primaryColumns).filter((k) => k.startsWith("EditActions"))).toEqual(["EditActions1"]);
    expect(tableColumns({ tableData: data, primaryColumns: second.primaryColumns, columnOrder: second.columnOrder }).map((c) => [c.id, c.editable])).toEqual([
      ["id", true],
      ["customer", true],
      ["status", false],
      ["EditActions1", false],
    ]);
  });

  it("store numbers and JSON where the setting takes them, and drop an emptied setting", () => {
    const setting = (type: string, key: string) => {
      const found = columnSettings(row({ columnType: type })).find((s) => s.key === key);
      if (!found) throw new Error(`no ${key} setting on ${type} columns`);
      return found;
    };
    expect(settingValue(setting("currency", "decimals"), "2")).toBe(2);
    expect(settingValue(setting("select", "selectOptions"), '[{"label":"A","value":"a"}]')).toEqual([{ label: "A", value: "a" }]);
    expect(settingValue(setting("select", "selectOptions"), '[{"label":')).toBe('[{"label":');
    expect(settingValue(setting("select", "textColor"), "{{currentRow.late ? 'red' : ''}}")).toBe("{{currentRow.late ? 'red' : ''}}");
    expect(setColumn({ c: { id: "c", textColor: "red" } }, "c", { textColor: "" })["c"]).not.toHaveProperty("textColor");
  });
});

describe("the options editor", () => {
  it("shows options as label/value rows under the widget's keys and writes them back", () => {
    const keys = optionKeys({ optionLabel: "name", optionValue: "code" }, { label: "label", value: "value" });
    const items = [{ name: "Red", code: "RED", hex: "#f00" }];
    const rows = optionRows(items, keys.label, keys.value);
    expect(rows).toEqual([{ label: "Red", value: "RED" }]);
    const next = withOptions(items, [...(rows ?? []), { label: "Blue", value: "BLUE" }], keys.label, keys.value);
    expect(next).toEqual([{ name: "Red", code: "RED", hex: "#f00" }, { name: "Blue", code: "BLUE" }]);
  });

  it("keeps a numeric value a number", () => {
    expect(withOptions([{ label: "One", value: 1 }], [{ label: "One", value: "2" }], "label", "value")).toEqual([{ label: "One", value: 2 }]);
  });

  it("falls back to default keys when the key properties are bindings", () => {
    expect(optionKeys({ optionLabel: "{{item.a + item.b}}" }, { label: "name", value: "code" })).toEqual({ label: "name", value: "code" });
  });

  it("leaves bindings and lists of plain values to the code editor", () => {
    expect(optionRows("{{getColours.data}}", "name", "code")).toBeNull();
    expect(optionRows(["a", "b"], "name", "code")).toBeNull();
    expect(optionRows(undefined, "name", "code")).toEqual([]);
  });
});

describe("the series editor", () => {
  it("shows each series with its name, data (bound or literal) and colour", () => {
    const rows = seriesRows({ sales: { seriesName: "Sales", data: [{ x: "Mon", y: 1 }], color: "#ff0000" }, costs: { seriesName: "Costs", data: "{{getCosts.data}}" } });
    expect(rows).toEqual([
      { id: "sales", seriesName: "Sales", data: '[{"x":"Mon","y":1}]', color: "#ff0000" },
      { id: "costs", seriesName: "Costs", data: "{{getCosts.data}}", color: "" },
    ]);
  });

  it("adds, edits and removes series; typed data becomes a binding or the parsed points", () => {
    const { chartData, id } = addSeries({ sales: { seriesName: "Sales", data: [] } });
    expect(id).toBe("series1");
    let next = setSeries(chartData, id, { data: "{{getCosts.data.map(r => ({ x: r.day, y: r.total }))}}", color: "#00ff00" });
    expect(next[id]).toEqual({ seriesName: "Series 1", data: "{{getCosts.data.map(r => ({ x: r.day, y: r.total }))}}", color: "#00ff00" });
    next = setSeries(next, "sales", { data: '[{"x": "Mon", "y": 3}]', color: "" });
    expect(next["sales"]).toEqual({ seriesName: "Sales", data: [{ x: "Mon", y: 3 }] });
    expect(Object.keys(removeSeries(next, "sales"))).toEqual([id]);
  });

  it("leaves a bound chartData to the code editor", () => {
    expect(seriesRows("{{JSObject1.series}}")).toBeNull();
  });
});
