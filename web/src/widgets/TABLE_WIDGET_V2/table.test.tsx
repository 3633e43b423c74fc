import { renderToString } from "react-dom/server";
import { describe, expect, test } from "vitest";

import { Engine } from "../../engine/engine";
import { WIDGET_DERIVED } from "../derived";
import { loadManifests } from "../../testing/manifests";
import { page, widget } from "../../testing/pages";
import { RecordingHost } from "../../testing/recordingHost";
import { cellValue, tableColumns } from "./columns";
import { toCsv } from "./csv";
import { FilterPanel } from "./FilterPanel";
import { addFilter, changeFilter, filterableColumns, removeFilter, type Filter } from "./filters";
import Table from "./index";
import { fittingPageSize, pageSizeOf } from "./pageSize";
import { rowWindow } from "./virtual";

const manifests = loadManifests();

function tableValues(props: Record<string, unknown>, meta?: Record<string, unknown>): Record<string, unknown> {
  const engine = new Engine({ derived: WIDGET_DERIVED, manifests, host: new RecordingHost() });
  engine.load(page([widget("T", "TABLE_WIDGET_V2", { topRow: 0, bottomRow: 40, ...props })]));
  if (meta) engine.setMeta("T", meta);
  return engine.widgetValues()["T"] as Record<string, unknown>;
}

const render = (values: Record<string, unknown>): string =>
  renderToString(<Table name="T" values={values} onMeta={() => undefined} onEvent={() => undefined} />);

const people = [
  { id: 1, name: "Ada", city: "London" },
  { id: 2, name: "Alan", city: "Wilmslow" },
  { id: 3, name: "Grace", city: "New York" },
];

describe("table columns", () => {
  test("come from the data, in columnOrder, with labels, hidden ones left out", () => {
    const columns = tableColumns({
      tableData: people,
      columnOrder: ["name", "id"],
      primaryColumns: { city: { label: "Town" }, id: { isVisible: false } },
    });
    expect(columns.map((c) => [c.id, c.label])).toEqual([["name", "name"], ["city", "Town"]]);
  });

  test("a derived column shows its value per row, computed from currentRow by the engine", () => {
    const values = tableValues({
      tableData: people,
      primaryColumns: { greeting: { label: "Greeting", isDerived: true, computedValue: "{{'Hi ' + currentRow.name}}" } },
      defaultPageSize: 10,
    });
    const greeting = tableColumns(values).find((c) => c.id === "greeting");
    expect(greeting && cellValue(greeting, people[1] as Record<string, unknown>, 1)).toBe("Hi Alan");
    expect(render(values)).toContain("Hi Grace");
  });
});

describe("the table on screen", () => {
  test("shows one page of the search result and how many rows there are", () => {
    const values = tableValues({ tableData: people, defaultPageSize: 2 }, { searchText: "a" });
    const html = render(values);
    expect(html).toContain("Ada");
    expect(html).toContain("Alan");
    expect(html).not.toContain("Grace");
    expect(html).toContain("3 rows");
    expect(html).toContain("Page <!-- -->1<!-- --> of 2");
  });

  test("with server-side pagination shows the rows it got and the total it is told", () => {
    const values = tableValues({ tableData: people, serverSidePaginationEnabled: true, totalRecordsCount: 30, defaultPageSize: 3 }, { pageNo: 2 });
    const html = render(values);
    expect(html).toContain("Grace");
    expect(html).toContain("30 rows");
    expect(html).toContain("Page <!-- -->2<!-- --> of 10");
  });

  test("with multi-row selection ticks the selected rows", () => {
    const values = tableValues({ tableData: people, multiRowSelection: true, defaultSelectedRowIndices: [0, 2], defaultPageSize: 10 });
    expect((values["selectedRows"] as unknown[]).length).toBe(2);
    expect(render(values).match(/aria-selected="true"/g)).toHaveLength(2);
  });

  test("renders only the rows in view of a 10,000-row page", () => {
    const many = Array.from({ length: 10_000 }, (_, i) => ({ id: i, name: `row ${i}` }));
    const values = tableValues({ tableData: many, isVisiblePagination: false });
    const html = render(values);
    expect(html).toContain("row 0");
    expect(html).not.toContain("row 500");
    expect((html.match(/<tr /g) ?? []).length).toBeLessThan(100);
  });

  test("an edited cell shows its new value and the edits reach updatedRows", () => {
    const values = tableValues({ tableData: people, defaultPageSize: 10, primaryColumns: { city: { isEditable: true } } }, { transientTableData: { 1: { city: "Bletchley" } } });
    expect(values["updatedRows"]).toEqual([{ index: 1, updatedFields: { city: "Bletchley" }, allFields: { id: 2, name: "Alan", city: "Bletchley" } }]);
    expect(render(values)).toContain("Bletchley");
  });

  test("without a page size it fits as many rows as its height holds under the parts it shows", () => {
    expect(fittingPageSize({ topRow: 0, bottomRow: 40 })).toBe(6);
    expect(fittingPageSize({ topRow: 0, bottomRow: 40, compactMode: "SHORT" })).toBe(9);
    expect(fittingPageSize({ topRow: 0, bottomRow: 40, isVisibleSearch: false, isVisibleFilters: false, isVisibleDownload: false })).toBe(8);
    expect(fittingPageSize({ topRow: 0, bottomRow: 2 })).toBe(1);
  });

  test("a page size is never guessed before the table knows its height, and the developer's size wins", () => {
    expect(fittingPageSize({})).toBeUndefined();
    expect(pageSizeOf({ topRow: 0, bottomRow: 40, defaultPageSize: 25 })).toBe(25);
    expect(pageSizeOf({ topRow: 15, bottomRow: 60, defaultPageSize: null })).toBe(8);
  });
});

describe("table filters", () => {
  const orders = [
    { id: 1, customer: "Ada", amount: 120, shipped: "2024-03-01" },
    { id: 2, customer: "Alan", amount: 80, shipped: "" },
    { id: 3, customer: "Grace", amount: 300, shipped: "2024-05-10" },
  ];
  const filtered = (filters: Partial<Filter>[]) => (tableValues({ tableData: orders }, { filters })["filteredTableData"] as { id: number }[]).map((r) => r.id);

  test.each([
    [[{ column: "customer", condition: "contains", value: "a" }], [1, 2, 3]],
    [[{ column: "customer", condition: "contains", value: "AL" }], [2]],
    [[{ column: "customer", condition: "is", value: "grace" }], [3]],
    [[{ column: "amount", condition: "greaterThan", value: "100" }], [1, 3]],
    [[{ column: "amount", condition: "lessThan", value: "100" }], [2]],
    [[{ column: "shipped", condition: "greaterThan", value: "2024-04-01" }], [3]],
    [[{ column: "shipped", condition: "empty" }], [2]],
    [[{ column: "shipped", condition: "notEmpty" }], [1, 3]],
    [[{ column: "amount", condition: "greaterThan", value: "100" }, { column: "customer", condition: "is", value: "alan", operator: "OR" }], [1, 2, 3]],
    [[{ column: "amount", condition: "greaterThan", value: "100" }, { column: "customer", condition: "contains", value: "a", operator: "AND" }], [1, 3]],
  ])("%j keeps rows %j in filteredTableData", (filters, ids) => {
    expect(filtered(filters as Partial<Filter>[])).toEqual(ids);
  });

  test("are added, changed and removed as the user edits them; a condition without a value drops it", () => {
    let filters = addFilter([], "customer");
    expect(filters).toEqual([{ column: "customer", condition: "contains", value: "", operator: "AND" }]);
    filters = changeFilter(filters, 0, { value: "Ada" });
    filters = addFilter(filters, "amount");
    filters = changeFilter(filters, 1, { condition: "greaterThan", value: "5", operator: "OR" });
    expect(filters[1]).toEqual({ column: "amount", condition: "greaterThan", value: "5", operator: "OR" });
    expect(changeFilter(filters, 0, { condition: "empty" })[0]).toMatchObject({ condition: "empty", value: "" });
    expect(removeFilter(filters, 0)).toEqual([filters[1]]);
  });

  test("the panel offers the data's columns and shows each filter; the table counts them", () => {
    const values = tableValues({ tableData: orders, primaryColumns: { act: { columnType: "button", isDerived: true } } }, { filters: [{ column: "amount", condition: "greaterThan", value: "100", operator: "AND" }] });
    const columns = filterableColumns(tableColumns(values), orders);
    expect(columns.map((c) => c.id)).toEqual(["id", "customer", "amount", "shipped"]);
    const html = renderToString(<FilterPanel name="T" columns={columns} filters={values["filters"] as Filter[]} onChange={() => undefined} />);
    expect(html).toMatch(/<option value="amount" selected="">amount<\/option>/);
    expect(html).toMatch(/<option value="greaterThan" selected="">greater than<\/option>/);
    expect(html).toContain('value="100"');
    expect(render(values)).toContain("Filters (1)");
    expect(render(values)).toContain("Grace");
    expect(render(values)).not.toContain("Alan");
  });
});

describe("column handlers", () => {
  test("a button column and the edit actions run with the row they belong to", async () => {
    const host = new RecordingHost();
    const engine = new Engine({ derived: WIDGET_DERIVED, manifests, host });
    engine.load(
      page([
        widget("T", "TABLE_WIDGET_V2", {
          tableData: people,
          primaryColumns: {
            greet: { columnType: "button", isDerived: true, onClick: "{{ showAlert('Hi ' + currentRow.name) }}" },
            actions: { columnType: "editActions", isDerived: true, onSave: "{{ storeValue('saved', currentRow.city) }}" },
          },
        }),
      ]),
    );
    await engine.runEvent("T", "primaryColumns.greet.onClick", { currentRow: people[2], currentIndex: 2 });
    await engine.runEvent("T", "primaryColumns.actions.onSave", { currentRow: { ...people[1], city: "Bletchley" }, currentIndex: 1 });
    expect(host.alerts()).toEqual(["Hi Grace"]);
    expect(engine.get("appsmith.store.saved")).toBe("Bletchley");
  });
});

describe("CSV download", () => {
  test("quotes what needs quoting and defuses spreadsheet formulas", () => {
    const columns = tableColumns({ tableData: [{ a: 1, b: "x" }], primaryColumns: { b: { label: "B, the second" } } });
    const csv = toCsv([{ a: 1, b: 'say "hi"', __originalIndex__: 0 }, { a: -2, b: "=HYPERLINK(1)", __originalIndex__: 1 }], columns);
    expect(csv).toBe('a,"B, the second"\r\n1,"say ""hi"""\r\n-2,\'=HYPERLINK(1)\r\n');
    expect(toCsv([{ a: 1, b: 2, __originalIndex__: 0 }], columns, ";")).toBe("a;B, the second\r\n1;2\r\n");
  });
});

describe("row windows", () => {
  test("cover the rows in view plus some overscan, with padding for the rest", () => {
    expect(rowWindow(10_000, 40, 4000, 400, 5)).toEqual({ start: 95, end: 115, padTop: 3800, padBottom: (10_000 - 115) * 40 });
    expect(rowWindow(3, 40, 0, 400, 5)).toEqual({ start: 0, end: 3, padTop: 0, padBottom: 0 });
    expect(rowWindow(0, 40, 0, 400)).toEqual({ start: 0, end: 0, padTop: 0, padBottom: 0 });
  });
});
