import { renderToString } from "react-dom/server";
import { describe, expect, test } from "vitest";

import { Engine } from "../../engine/engine";
import { loadManifests } from "../../testing/manifests";
import { page, widget } from "../../testing/pages";
import { RecordingHost } from "../../testing/recordingHost";
import { cellValue, tableColumns } from "./columns";
import { toCsv } from "./csv";
import Table, { fittingPageSize } from "./index";
import { rowWindow } from "./virtual";

const manifests = loadManifests();

function tableValues(props: Record<string, unknown>, meta?: Record<string, unknown>): Record<string, unknown> {
  const engine = new Engine({ manifests, host: new RecordingHost() });
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

  test("without a page size it fits as many rows as its height holds", () => {
    expect(fittingPageSize({ topRow: 0, bottomRow: 40 })).toBe(8);
    expect(fittingPageSize({ topRow: 0, bottomRow: 40, compactMode: "SHORT" })).toBe(10);
    expect(fittingPageSize({ topRow: 0, bottomRow: 2 })).toBe(1);
  });
});

describe("column handlers", () => {
  test("a button column and the edit actions run with the row they belong to", async () => {
    const host = new RecordingHost();
    const engine = new Engine({ manifests, host });
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
