/**
 * TABLE_WIDGET_V2: the selected, triggered and edited rows, and the rows after client-side
 * search, filters and sort.
 */
import type { DerivedValues, WidgetValues } from "../../engine/derived";
import { asArray, asNumber, asRows, isEmpty, type Row } from "../derivedParts";

function compareCells(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a ?? "").localeCompare(String(b ?? ""), undefined, { numeric: true });
}

/**
 * Orders a cell against what the user typed in a filter: as numbers when both read as numbers,
 * as instants when both read as dates, else as text (digits compared by value).
 */
function compareFilterValues(cell: unknown, wanted: unknown): number {
  const a = typeof cell === "number" ? cell : Number(String(cell ?? "").trim());
  const b = typeof wanted === "number" ? wanted : Number(String(wanted ?? "").trim());
  if (Number.isFinite(a) && Number.isFinite(b) && String(wanted ?? "").trim() !== "") return a - b;
  const da = typeof cell === "string" && /^\d{4}-\d{2}-\d{2}/.test(cell) ? Date.parse(cell) : Number.NaN;
  const db = typeof wanted === "string" && /^\d{4}-\d{2}-\d{2}/.test(wanted) ? Date.parse(wanted) : Number.NaN;
  if (!Number.isNaN(da) && !Number.isNaN(db)) return da - db;
  return String(cell ?? "").toLowerCase().localeCompare(String(wanted ?? "").toLowerCase(), undefined, { numeric: true });
}

interface Filter {
  column?: string;
  condition?: string;
  value?: unknown;
  operator?: string;
}

function matchesFilter(row: Row, f: Filter): boolean {
  const cell = f.column === undefined ? undefined : row[f.column];
  const text = String(cell ?? "").toLowerCase();
  const wanted = String(f.value ?? "").toLowerCase();
  switch (f.condition) {
    case "contains":
      return text.includes(wanted);
    case "doesNotContain":
      return !text.includes(wanted);
    case "startsWith":
      return text.startsWith(wanted);
    case "endsWith":
      return text.endsWith(wanted);
    case "is":
      return text === wanted;
    case "isNot":
      return text !== wanted;
    case "empty":
      return isEmpty(cell);
    case "notEmpty":
      return !isEmpty(cell);
    case "isEqualTo":
      return !isEmpty(cell) && compareFilterValues(cell, f.value) === 0;
    case "notEqualTo":
      return isEmpty(cell) || compareFilterValues(cell, f.value) !== 0;
    case "greaterThan":
      return !isEmpty(cell) && compareFilterValues(cell, f.value) > 0;
    case "greaterThanEqualTo":
      return !isEmpty(cell) && compareFilterValues(cell, f.value) >= 0;
    case "lessThan":
      return !isEmpty(cell) && compareFilterValues(cell, f.value) < 0;
    case "lessThanEqualTo":
      return !isEmpty(cell) && compareFilterValues(cell, f.value) <= 0;
    default:
      return true;
  }
}

/** The table's rows after client-side search, filters and sort; each keeps its `__originalIndex__`. */
function filteredRows(w: WidgetValues): Row[] {
  let rows: Row[] = asRows(w["tableData"]).map((r, i) => ({ ...r, __originalIndex__: i }));
  const search = typeof w["searchText"] === "string" ? w["searchText"].toLowerCase() : "";
  if (search !== "" && w["enableClientSideSearch"] !== false && w["serverSidePaginationEnabled"] !== true) {
    rows = rows.filter((r) =>
      Object.entries(r).some(([k, v]) => k !== "__originalIndex__" && String(v ?? "").toLowerCase().includes(search)),
    );
  }
  const filters = asArray(w["filters"]) as Filter[];
  if (filters.length > 0) {
    rows = rows.filter((r) =>
      filters.reduce<boolean>((acc, f, i) => {
        const ok = matchesFilter(r, f);
        if (i === 0) return ok;
        return f.operator === "OR" ? acc || ok : acc && ok;
      }, true),
    );
  }
  const sort = w["sortOrder"] as { column?: string; order?: string } | undefined;
  if (sort && typeof sort.column === "string" && sort.column !== "") {
    const column = sort.column;
    const sign = sort.order === "desc" ? -1 : 1;
    rows = [...rows].sort((a, b) => sign * compareCells(a[column], b[column]));
  }
  return rows;
}

function rowAt(data: unknown, index: unknown): Row | undefined {
  const rows = asRows(data);
  return typeof index === "number" && index >= 0 ? rows[index] : undefined;
}

/** A row of empty values with the table's keys, for "nothing selected" (bindings keep working). */
function emptyRow(data: unknown): Row {
  const first = asRows(data)[0] ?? {};
  return Object.fromEntries(Object.keys(first).map((k) => [k, ""]));
}

function editedRows(w: WidgetValues): { index: number; updatedFields: Row; allFields: Row }[] {
  const edits = (w["transientTableData"] ?? {}) as Record<string, Row>;
  const rows = asRows(w["tableData"]);
  return Object.entries(edits)
    .map(([key, fields]) => ({ index: Number(key), updatedFields: { ...fields } }))
    .filter((e) => Number.isInteger(e.index) && rows[e.index] !== undefined)
    .map((e) => ({ ...e, allFields: { ...rows[e.index], ...e.updatedFields } }));
}

export const derived: DerivedValues = {
  selectedRow: {
    reads: ["tableData", "selectedRowIndex"],
    compute: (w) => rowAt(w["tableData"], w["selectedRowIndex"]) ?? emptyRow(w["tableData"]),
  },
  selectedRows: {
    reads: ["tableData", "selectedRowIndices"],
    compute: (w) =>
      asArray(w["selectedRowIndices"])
        .map((i) => rowAt(w["tableData"], i))
        .filter((r): r is Row => r !== undefined),
  },
  triggeredRow: {
    reads: ["tableData", "triggeredRowIndex"],
    compute: (w) => rowAt(w["tableData"], w["triggeredRowIndex"]) ?? emptyRow(w["tableData"]),
  },
  pageOffset: {
    reads: ["pageNo", "pageSize"],
    compute: (w) => (Math.max(1, asNumber(w["pageNo"], 1)) - 1) * Math.max(0, asNumber(w["pageSize"], 0)),
  },
  filteredTableData: {
    reads: ["tableData", "searchText", "filters", "sortOrder", "enableClientSideSearch", "serverSidePaginationEnabled"],
    compute: filteredRows,
  },
  updatedRows: { reads: ["tableData", "transientTableData"], compute: editedRows },
  updatedRow: {
    reads: ["tableData", "transientTableData"],
    compute: (w) => editedRows(w).at(-1)?.allFields ?? emptyRow(w["tableData"]),
  },
  updatedRowIndices: {
    reads: ["tableData", "transientTableData"],
    compute: (w) => editedRows(w).map((e) => e.index),
  },
};
