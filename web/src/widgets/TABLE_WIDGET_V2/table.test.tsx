import { renderToString } from "react-dom/server";
import { describe, expect, test } from "vitest";

import { Engine } from "../../engine/engine";
import { WIDGET_DERIVED } from "../derived";
import { loadManifests } from "../../testing/manifests";
import { page, widget } from "../../testing/pages";
import { RecordingHost } from "../../testing/recordingHost";
import { Cell, currencyText, dateText } from "./Cell";
import { cellStyle, cellValue, columnsInView, frozenColumns, tableColumns, type Column } from "./columns";
import { toCsv } from "./csv";
import { FilterPanel } from "./FilterPanel";
import { addFilter, changeFilter, filterableColumns, removeFilter, type Filter } from "./filters";
import Table from "./index";
import { fittingPageSize, pageSizeOf } from "./pageSize";
import { rowWindow } from "./virtual";

const manifests = loadManifests();

function tableEngine(props: Record<string, unknown>, meta?: Record<string, unknown>): Engine {
  const engine = new Engine({ derived: WIDGET_DERIVED, manifests, host: new RecordingHost() });
  engine.load(page([widget("T", "TABLE_WIDGET_V2", { topRow: 0, bottomRow: 40, ...props })]));
  if (meta) engine.setMeta("T", meta);
  return engine;
}

function tableValues(props: Record<string, unknown>, meta?: Record<string, unknown>): Record<string, unknown> {
  return tableEngine(props, meta).widgetValues()["T"] as Record<string, unknown>;
}

/** The errors the engine reports on the table's properties and values. */
function tableErrors(engine: Engine): string[] {
  return [...engine.allErrors()].filter(([key]) => key.startsWith("T.")).flatMap(([key, errors]) => errors.map((e) => `${key}: ${e.message}`));
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

describe("Appsmith's table internals", () => {
  test("processedTableData is tableData with each row's __originalIndex__, and __primaryKey__ with a row identifier", () => {
    expect(tableValues({ tableData: people.slice(0, 2) })["processedTableData"]).toEqual([
      { ...people[0], __originalIndex__: 0 },
      { ...people[1], __originalIndex__: 1 },
    ]);
    expect((tableValues({ tableData: people, primaryColumnId: "name" })["processedTableData"] as Record<string, unknown>[])[2]).toMatchObject({ __originalIndex__: 2, __primaryKey__: "Grace" });
  });

  test("a computed value in Appsmith's stored form maps processedTableData with currentRow and currentIndex", () => {
    const engine = tableEngine({
      tableData: people,
      defaultPageSize: 10,
      defaultSelectedRowIndex: 1,
      primaryColumns: {
        name: { id: "name", columnType: "text", computedValue: '{{T.processedTableData.map((currentRow, currentIndex) => ( currentRow["name"].toUpperCase()))}}' },
        tag: { id: "tag", isDerived: true, columnType: "text", computedValue: "{{T.processedTableData.map((currentRow, currentIndex) => ( currentRow.city + ' #' + currentIndex))}}" },
      },
    });
    expect(tableErrors(engine)).toEqual([]);
    const values = engine.widgetValues()["T"] as Record<string, unknown>;
    expect(render(values)).toContain("GRACE");
    expect(render(values)).toContain("New York #2");
    // Bindings read the row as shown: the computed columns are in it, the internal keys are not.
    expect(values["selectedRow"]).toEqual({ id: 2, name: "ALAN", city: "Wilmslow", tag: "Wilmslow #1" });
    expect((values["filteredTableData"] as Record<string, unknown>[]).map((r) => r["tag"])).toEqual(["London #0", "Wilmslow #1", "New York #2"]);
  });

  test("a computed value reading currentRow and currentIndex directly has one value per row, and search sees it", () => {
    const values = tableValues(
      { tableData: people, defaultPageSize: 10, primaryColumns: { pos: { isDerived: true, computedValue: "{{currentIndex + 1 + '. ' + currentRow.name}}" } } },
      { searchText: "2. alan" },
    );
    expect((values["filteredTableData"] as Record<string, unknown>[]).map((r) => r["pos"])).toEqual(["2. Alan"]);
  });

  test("with nothing selected, selectedRow and triggeredRow hold every column's key with empty values, as both Appsmith tables give", () => {
    const values = tableValues({
      tableData: people,
      defaultSelectedRowIndex: -1,
      primaryColumns: { greeting: { isDerived: true, computedValue: "{{'Hi ' + currentRow.name}}" }, EditActions1: { columnType: "editActions", isDerived: true } },
    });
    expect(values["selectedRow"]).toEqual({ id: "", name: "", city: "", greeting: "" });
    expect(values["triggeredRow"]).toEqual({ id: "", name: "", city: "", greeting: "" });
  });

  test("processedTableData carries unsaved edits, so Appsmith-form column values follow them", () => {
    const values = tableValues(
      { tableData: people, primaryColumns: { shout: { isDerived: true, computedValue: "{{T.processedTableData.map((currentRow) => currentRow.city.toUpperCase())}}" } } },
      { transientTableData: { 0: { city: "Paris" } } },
    );
    expect((values["processedTableData"] as Record<string, unknown>[])[0]).toEqual({ ...people[0], city: "Paris", __originalIndex__: 0 });
    expect((values["filteredTableData"] as Record<string, unknown>[])[0]?.["shout"]).toBe("PARIS");
    // The currentRow form reads the same rows.
    const direct = tableValues({ tableData: people, primaryColumns: { shout: { isDerived: true, computedValue: "{{currentRow.city.toUpperCase()}}" } } }, { transientTableData: { 0: { city: "Paris" } } });
    expect((direct["filteredTableData"] as Record<string, unknown>[])[0]?.["shout"]).toBe("PARIS");
  });

  test("rows bindings read leave out the control columns; an added column without a value is empty; selectedRows needs multiple selection", () => {
    const values = tableValues({
      tableData: people,
      defaultSelectedRowIndex: 0,
      defaultSelectedRowIndices: [0, 1],
      primaryColumns: {
        note: { isDerived: true, columnType: "text" },
        open: { isDerived: true, columnType: "button", computedValue: "Open" },
        more: { isDerived: true, columnType: "menuButton" },
        del: { isDerived: true, columnType: "iconButton" },
      },
    });
    expect(values["selectedRow"]).toEqual({ ...people[0], note: "" });
    expect(values["selectedRows"]).toEqual([]);
  });

  test("a table imported from Appsmith's first Table widget reads sanitised keys and keeps __originalIndex__ in selectedRow", () => {
    const values = tableValues({
      tableData: [{ "first name": "Ada", "e-mail": "ada@example.com" }],
      legacyRowShape: true,
      defaultSelectedRowIndex: 0,
      primaryColumns: { hello: { isDerived: true, computedValue: "{{'Hi ' + currentRow.first_name}}" } },
    });
    expect(values["selectedRow"]).toEqual({ first_name: "Ada", e_mail: "ada@example.com", hello: "Hi Ada", __originalIndex__: 0 });
    expect(tableColumns(values).map((c) => c.id)).toEqual(["first_name", "e_mail", "hello"]);
    expect(render(values)).toContain("ada@example.com");
    expect(tableValues({ tableData: [{ "first name": "Ada" }], legacyRowShape: true, defaultSelectedRowIndex: -1 })["selectedRow"]).toEqual({ first_name: "", __originalIndex__: "" });
  });

  test("updatedRow is the row edited last (updatedRowIndex), and updatedRows carry the row identifier's value", () => {
    const values = tableValues(
      { tableData: people, primaryColumnId: "id" },
      { transientTableData: { 2: { city: "Arlington" }, 0: { city: "Marylebone" } }, updatedRowIndex: 2 },
    );
    expect(values["updatedRow"]).toEqual({ id: 3, name: "Grace", city: "Arlington" });
    expect(values["updatedRows"]).toEqual([
      { index: 0, id: 1, updatedFields: { city: "Marylebone" }, allFields: { id: 1, name: "Ada", city: "Marylebone" } },
      { index: 2, id: 3, updatedFields: { city: "Arlington" }, allFields: { id: 3, name: "Grace", city: "Arlington" } },
    ]);
    expect(values["updatedRowIndices"]).toEqual([0, 2]);
  });
});

describe("cell styles", () => {
  const column = (config: Record<string, unknown>, type = "text"): Column => ({ id: "c", label: "c", type, editable: false, sortable: true, width: undefined, config });

  test("colours may differ per row: a binding over currentRow is one value per row, valid, and each row gets its own", () => {
    const engine = tableEngine({
      tableData: people,
      defaultPageSize: 10,
      primaryColumns: { city: { cellBackground: "{{currentRow.id === 2 ? '#fde68a' : ''}}", textColor: "{{currentRow.id === 2 ? 'red' : 'green'}}" } },
    });
    expect(tableErrors(engine)).toEqual([]);
    const values = engine.widgetValues()["T"] as Record<string, unknown>;
    const city = tableColumns(values).find((c) => c.id === "city") as Column;
    expect(cellStyle(city, 1)).toMatchObject({ background: "#fde68a", color: "red" });
    expect(cellStyle(city, 0)).toEqual({ color: "green" });
    expect(render(values)).toContain("background:#fde68a");
  });

  test("a per-row value of the wrong type is still an error the developer sees", () => {
    const engine = tableEngine({ tableData: people, primaryColumns: { city: { textColor: "{{currentRow.id}}" } } });
    expect(tableErrors(engine).join()).toMatch(/primaryColumns\.city\.textColor\[0\]: expected a CSS colour/);
  });

  test("fonts, sizes, alignment and wrapping come from the column, else the table", () => {
    expect(cellStyle(column({ fontStyle: "BOLD,ITALIC,UNDERLINE", textSize: "HEADING2", horizontalAlignment: "CENTER", verticalAlignment: "TOP", allowCellWrapping: true }), 0)).toEqual({
      fontWeight: 600,
      fontStyle: "italic",
      textDecoration: "underline",
      fontSize: "1.125rem",
      textAlign: "center",
      verticalAlign: "top",
      whiteSpace: "normal",
      overflowWrap: "anywhere",
    });
    expect(cellStyle(column({}), 0, { cellBackground: "#eee", textColor: "#111", horizontalAlignment: "RIGHT" })).toEqual({ background: "#eee", color: "#111", textAlign: "right" });
    expect(cellStyle(column({ fontStyle: "LINE_THROUGH" }, "number"), 0)).toEqual({ textDecoration: "line-through", textAlign: "right" });
  });
});

describe("sorting", () => {
  const rows = [
    { id: 1, amount: "100", due: "02/03/2024" },
    { id: 2, amount: "9", due: "" },
    { id: 3, amount: "25", due: "15/01/2024" },
    { id: 4, amount: null, due: "01/12/2023" },
  ];
  const sorted = (column: string, order: "asc" | "desc") =>
    (
      tableValues(
        { tableData: rows, primaryColumns: { amount: { columnType: "number" }, due: { columnType: "date", inputFormat: "DD/MM/YYYY" } } },
        { sortOrder: { column, order } },
      )["filteredTableData"] as { id: number }[]
    ).map((r) => r.id);

  test("orders number columns as numbers and date columns by their input format; empty cells last either way", () => {
    expect(sorted("amount", "asc")).toEqual([2, 3, 1, 4]);
    expect(sorted("amount", "desc")).toEqual([1, 3, 2, 4]);
    expect(sorted("due", "asc")).toEqual([4, 3, 1, 2]);
    expect(sorted("due", "desc")).toEqual([1, 3, 4, 2]);
  });
});

describe("frozen columns", () => {
  test("left-frozen columns come first and right-frozen last, each held at the widths between it and its edge", () => {
    const columns = columnsInView(
      tableColumns({
        tableData: [{ a: 1, b: 2, c: 3, d: 4 }],
        primaryColumns: { a: { sticky: "right", width: 80 }, c: { sticky: "left", width: 120 }, d: { sticky: "left" } },
      }),
    );
    expect(columns.map((c) => c.id)).toEqual(["c", "d", "b", "a"]);
    const frozen = frozenColumns(columns, 36);
    expect(frozen.get("c")).toMatchObject({ position: "sticky", left: 36 });
    expect(frozen.get("d")).toMatchObject({ left: 156 });
    expect(frozen.get("a")).toMatchObject({ right: 0 });
    expect(frozen.has("b")).toBe(false);
  });
});

describe("column types", () => {
  const column = (type: string, config: Record<string, unknown> = {}, editable = false): Column => ({ id: "c", label: "C", type, editable, sortable: true, width: undefined, config: { columnType: type, ...config } });
  const cell = (c: Column, value: unknown, index = 0) =>
    renderToString(<Cell column={c} value={value} index={index} edited={false} rowEdited={false} editable={c.editable} onColumnEvent={() => undefined} onEdit={() => undefined} />);

  test("dates read with the input format (or ISO, epoch) and show in the display format", () => {
    expect(dateText("2024-03-05T10:20:00Z", "", "DD/MM/YYYY")).toBe("05/03/2024");
    expect(dateText("05-03-2024", "DD-MM-YYYY", "YYYY MMM D")).toBe("2024 Mar 5");
    expect(dateText(0, "Epoch", "YYYY")).toMatch(/^19(69|70)$/);
    expect(dateText("not a date", "", "YYYY")).toBe("not a date");
    expect(cell(column("date", { inputFormat: "YYYY-MM-DD", outputFormat: "D MMMM YYYY" }), "2024-12-25")).toContain("25 December 2024");
  });

  test("currency shows the code, the decimals and the thousands separator the column asks for", () => {
    expect(currencyText(1234.5, "", 2, true)).toBe((1234.5).toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
    expect(currencyText(1234.5, "EUR", 0, false)).toBe((1234.5).toLocaleString(undefined, { style: "currency", currency: "EUR", minimumFractionDigits: 0, maximumFractionDigits: 0, useGrouping: false }));
    expect(currencyText("n/a", "EUR", 2, true)).toBe("n/a");
  });

  test("links, images and videos show safe addresses only", () => {
    expect(cell(column("url", { displayText: ["Docs", "Home"] }), "https://example.com/a", 1)).toMatch(/<a href="https:\/\/example.com\/a"[^>]*>Home<\/a>/);
    expect(cell(column("url"), "javascript:alert(1)")).not.toContain("<a");
    expect(cell(column("image", { imageSize: "LARGE" }), "https://example.com/p.png")).toContain("height:128px");
    expect(cell(column("video"), "https://example.com/clip.mp4")).toContain("<video");
    expect(cell(column("video"), "https://youtu.be/abc")).toContain('href="https://youtu.be/abc"');
  });

  test("buttons take their label, colour and state per row; icon buttons show their icon", () => {
    const button = column("button", { buttonLabel: ["Open", "Close"], buttonColor: "#123456", isDisabled: [false, true] });
    expect(cell(button, "x", 1)).toMatch(/<button[^>]*disabled=""[^>]*>Close<\/button>/);
    expect(cell(button, "x", 0)).toContain("background:#123456");
    expect(cell(column("iconButton", { iconName: "trash" }), null)).toContain('aria-label="trash"');
    expect(cell(column("menuButton", { menuButtonLabel: "Actions" }), null)).toContain("Actions<!-- --> ▾");
  });

  test("select cells show the chosen option's label, and an editable one is a select", () => {
    const options = [{ label: "Open", value: "open" }, { label: "Paid", value: "paid" }];
    expect(cell(column("select", { selectOptions: options }), "paid")).toContain(">Paid<");
    expect(cell(column("select", { selectOptions: [options, [{ label: "Shut", value: "open" }]] }), "open", 1)).toContain(">Shut<");
    expect(cell(column("dropdown", { dropdownOptions: ["open", "paid"] }), "paid")).toContain(">paid<");
    expect(cell(column("select", { selectOptions: options }, true), "paid")).toMatch(/<select[^>]*>.*<option value="1" selected="">Paid<\/option>/);
  });

  test("checkbox and switch cells show the value; a hidden cell shows nothing", () => {
    expect(cell(column("checkbox"), true)).toContain('checked=""');
    expect(cell(column("switch"), false)).toContain('role="switch"');
    expect(cell(column("text", { isCellVisible: [true, false] }), "secret", 1)).toBe("");
  });
});
