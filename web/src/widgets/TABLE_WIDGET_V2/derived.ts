/**
 * TABLE_WIDGET_V2: the selected, triggered and edited rows, and the rows after client-side
 * search, filters and sort.
 */
import moment from "moment";

import type { DerivedValues, WidgetValues } from "../../engine/derived";
import { asArray, asNumber, asRows, isEmpty, type Row } from "../derivedParts";

function compareCells(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a ?? "").localeCompare(String(b ?? ""), undefined, { numeric: true });
}

/** A date cell's instant for sorting, read with the column's input format (as Appsmith sorts dates). */
function dateKey(value: unknown, inputFormat: unknown): number {
  const format = inputFormat === "Epoch" ? "X" : inputFormat === "Milliseconds" ? "x" : typeof inputFormat === "string" && inputFormat !== "" ? inputFormat : moment.ISO_8601;
  const m = typeof value === "number" && format === moment.ISO_8601 ? moment(value) : moment(String(value), format);
  return m.isValid() ? m.valueOf() : Number.NaN;
}

/**
 * Orders rows by a column as Appsmith does: numbers and money as numbers, dates as instants read
 * with the column's input format, the rest as text; empty cells go last in either direction.
 */
function sortRows(rows: Row[], column: string, descending: boolean, config: { columnType?: unknown; inputFormat?: unknown } | undefined): Row[] {
  const type = config?.columnType;
  const key = (v: unknown): unknown => {
    if (type === "number" || type === "currency") return typeof v === "number" ? v : v === null || v === undefined || v === "" ? Number.NaN : Number(v);
    if (type === "date") return dateKey(v, config?.inputFormat);
    return v;
  };
  const empty = (v: unknown): boolean => v === null || v === undefined || v === "" || (typeof v === "number" && Number.isNaN(v));
  const keyed = rows.map((row) => ({ row, k: key(row[column]) }));
  keyed.sort((a, b) => {
    if (empty(a.k) || empty(b.k)) return empty(a.k) === empty(b.k) ? 0 : empty(a.k) ? 1 : -1;
    const order = compareCells(a.k, b.k);
    return descending ? -order : order;
  });
  return keyed.map((x) => x.row);
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

const ORIGINAL_INDEX = "__originalIndex__";
const PRIMARY_KEY = "__primaryKey__";
const INTERNAL_KEYS = new Set([ORIGINAL_INDEX, PRIMARY_KEY]);

type Columns = Record<string, { computedValue?: unknown; columnType?: unknown; isDerived?: unknown; inputFormat?: unknown } | undefined>;

// Columns that hold controls, not data: left out of the rows bindings read, as in Appsmith.
const CONTROL_COLUMNS = new Set(["editActions", "button", "iconButton", "menuButton"]);

const columnsOf = (w: WidgetValues): Columns =>
  typeof w["primaryColumns"] === "object" && w["primaryColumns"] !== null && !Array.isArray(w["primaryColumns"]) ? (w["primaryColumns"] as Columns) : {};

/** Appsmith's first Table widget gave rows with keys made of word characters only (`first name` -> `first_name`). */
export function legacyKey(key: string): string {
  return key.split(/\W+/).join("_").slice(0, 200);
}

function legacyRow(row: Row): Row {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [legacyKey(k), v]));
}

/**
 * Appsmith's processedTableData: `tableData` with each row's position and, with a row identifier,
 * its key, and the row's unsaved edits applied.
 */
function processedRows(w: WidgetValues): Row[] {
  const key = typeof w["primaryColumnId"] === "string" && w["primaryColumnId"] !== "" ? w["primaryColumnId"] : undefined;
  const edits = (w["transientTableData"] ?? {}) as Record<string, Row>;
  const legacy = w["legacyRowShape"] === true;
  return asRows(w["tableData"]).map((r, i) => {
    const row = legacy ? legacyRow(r) : r;
    const internal = key === undefined ? { [ORIGINAL_INDEX]: i } : { [ORIGINAL_INDEX]: i, [PRIMARY_KEY]: row[key] };
    return { ...row, ...internal, ...edits[String(i)] };
  });
}

/**
 * The rows as the table shows them: each column's computed value (one per row when it reads
 * currentRow or maps processedTableData) under the column's id, an added column without one as
 * "", then the row's unsaved edits.
 */
function shownRows(w: WidgetValues): Row[] {
  const columns = Object.entries(columnsOf(w)).filter(([, c]) => c !== undefined && c.columnType !== "editActions");
  const edits = (w["transientTableData"] ?? {}) as Record<string, Row>;
  return processedRows(w).map((row) => {
    const index = row[ORIGINAL_INDEX] as number;
    const out: Row = { ...row };
    for (const [id, c] of columns) {
      const computed = c?.computedValue;
      if (computed !== undefined && computed !== "") out[id] = Array.isArray(computed) ? computed[index] : computed;
      else if (c?.isDerived === true && !(id in out)) out[id] = "";
    }
    const edited = edits[String(index)];
    return edited ? { ...out, ...edited } : out;
  });
}

/**
 * A row as bindings read it (selectedRow, triggeredRow, updatedRow): no control columns and no
 * internal keys, except that the first Table widget's rows kept `__originalIndex__`.
 */
function publicRow(row: Row, w: WidgetValues): Row {
  const columns = columnsOf(w);
  const legacy = w["legacyRowShape"] === true;
  return Object.fromEntries(
    Object.entries(row).filter(([k]) => !(INTERNAL_KEYS.has(k) && !(legacy && k === ORIGINAL_INDEX)) && !CONTROL_COLUMNS.has(String(columns[k]?.columnType))),
  );
}

/** The table's rows after client-side search, filters and sort; each keeps its `__originalIndex__`. */
function filteredRows(w: WidgetValues): Row[] {
  let rows: Row[] = shownRows(w);
  const search = typeof w["searchText"] === "string" ? w["searchText"].toLowerCase() : "";
  if (search !== "" && w["enableClientSideSearch"] !== false && w["serverSidePaginationEnabled"] !== true) {
    rows = rows.filter((r) =>
      Object.entries(r).some(([k, v]) => !INTERNAL_KEYS.has(k) && String(v ?? "").toLowerCase().includes(search)),
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
    rows = sortRows(rows, sort.column, sort.order === "desc", columnsOf(w)[sort.column] as { columnType?: unknown; inputFormat?: unknown } | undefined);
  }
  return rows;
}

function shownRowAt(w: WidgetValues, index: unknown): Row | undefined {
  if (typeof index !== "number" || index < 0) return undefined;
  const row = shownRows(w)[index];
  return row === undefined ? undefined : publicRow(row, w);
}

/**
 * "Nothing selected" keeps bindings working (`Table1.selectedRow.id` is "", not an error): every
 * key of the row as shown, with empty values, as Appsmith's tables (old and new) give.
 */
function emptyRow(w: WidgetValues): Row {
  const first = shownRows(w)[0];
  const keys = new Set(Object.keys(first ? publicRow(first, w) : {}));
  for (const [id, c] of Object.entries(columnsOf(w))) if (!CONTROL_COLUMNS.has(String(c?.columnType))) keys.add(id);
  return Object.fromEntries([...keys].map((k) => [k, ""]));
}

function editedRows(w: WidgetValues): { index: number; updatedFields: Row; allFields: Row }[] {
  const edits = (w["transientTableData"] ?? {}) as Record<string, Row>;
  const rows = processedRows(w);
  const key = typeof w["primaryColumnId"] === "string" && w["primaryColumnId"] !== "" ? w["primaryColumnId"] : undefined;
  return Object.entries(edits)
    .map(([k, fields]) => ({ index: Number(k), updatedFields: { ...fields } }))
    .filter((e) => Number.isInteger(e.index) && rows[e.index] !== undefined)
    .map((e) => {
      const row = rows[e.index] as Row;
      const allFields = publicRow(row, w);
      return key === undefined ? { ...e, allFields } : { index: e.index, [key]: row[PRIMARY_KEY], updatedFields: e.updatedFields, allFields };
    });
}

const SHOWN_READS = ["tableData", "primaryColumns", "primaryColumnId", "transientTableData", "legacyRowShape"];

export const derived: DerivedValues = {
  processedTableData: { reads: ["tableData", "primaryColumnId", "transientTableData", "legacyRowShape"], compute: processedRows },
  selectedRow: {
    reads: [...SHOWN_READS, "selectedRowIndex"],
    compute: (w) => shownRowAt(w, w["selectedRowIndex"]) ?? emptyRow(w),
  },
  selectedRows: {
    reads: [...SHOWN_READS, "selectedRowIndices", "multiRowSelection"],
    compute: (w) =>
      w["multiRowSelection"] !== true ? [] : asArray(w["selectedRowIndices"])
        .map((i) => shownRowAt(w, i))
        .filter((r): r is Row => r !== undefined),
  },
  triggeredRow: {
    reads: [...SHOWN_READS, "triggeredRowIndex"],
    compute: (w) => shownRowAt(w, w["triggeredRowIndex"]) ?? emptyRow(w),
  },
  pageOffset: {
    reads: ["pageNo", "pageSize"],
    compute: (w) => (Math.max(1, asNumber(w["pageNo"], 1)) - 1) * Math.max(0, asNumber(w["pageSize"], 0)),
  },
  filteredTableData: {
    reads: [...SHOWN_READS, "searchText", "filters", "sortOrder", "enableClientSideSearch", "serverSidePaginationEnabled"],
    compute: filteredRows,
  },
  updatedRows: { reads: SHOWN_READS, compute: editedRows },
  updatedRow: {
    reads: [...SHOWN_READS, "updatedRowIndex"],
    compute: (w) => editedRows(w).find((e) => e.index === w["updatedRowIndex"])?.allFields ?? emptyRow(w),
  },
  updatedRowIndices: {
    reads: ["tableData", "transientTableData"],
    compute: (w) => editedRows(w).map((e) => e.index),
  },
};
