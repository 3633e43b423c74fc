/**
 * How each widget type computes its derived values (declared by name in its manifest) from its
 * properties and meta state. The manifest says what exists; this file says how it is computed.
 */

export type WidgetValues = Readonly<Record<string, unknown>>;

export interface DerivedContext {
  /** Names of the widgets inside this one (all levels). */
  readonly descendants: readonly string[];
  /** Current values of another widget. */
  values(widgetName: string): WidgetValues | undefined;
}

export interface DerivedValue {
  /** Own property/meta names it reads; `descendants` adds every value of the widgets inside. */
  readonly reads: readonly string[];
  readonly readsDescendants?: boolean;
  compute(w: WidgetValues, ctx: DerivedContext): unknown;
}

type Row = Record<string, unknown>;

const isEmpty = (v: unknown): boolean =>
  v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const asRows = (v: unknown): Row[] =>
  asArray(v).filter((r): r is Row => typeof r === "object" && r !== null && !Array.isArray(r));
const asNumber = (v: unknown, fallback: number): number => (typeof v === "number" && Number.isFinite(v) ? v : fallback);

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function fullMatch(pattern: unknown, text: string): boolean {
  if (typeof pattern !== "string" || pattern === "") return true;
  try {
    return new RegExp(`^(?:${pattern})$`).test(text);
  } catch {
    return true; // a broken pattern is reported on the property, not held against the user
  }
}

function inputNumber(text: unknown): number | undefined {
  if (typeof text === "number") return Number.isFinite(text) ? text : undefined;
  if (typeof text !== "string" || text.trim() === "") return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

const inputValue: DerivedValue = {
  reads: ["text", "inputType"],
  compute: (w) => (w["inputType"] === "NUMBER" ? inputNumber(w["text"]) : w["text"]),
};

const inputIsValid: DerivedValue = {
  reads: ["text", "inputType", "isRequired", "regex", "validation", "minNum", "maxNum", "maxChars"],
  compute: (w) => {
    const raw = w["text"];
    const text = raw === undefined || raw === null ? "" : String(raw);
    if (text === "") return w["isRequired"] !== true;
    if (w["validation"] === false) return false;
    if (!fullMatch(w["regex"], text)) return false;
    if (typeof w["maxChars"] === "number" && text.length > w["maxChars"]) return false;
    if (w["inputType"] === "EMAIL" && !EMAIL.test(text)) return false;
    if (w["inputType"] === "NUMBER") {
      const n = inputNumber(raw);
      if (n === undefined) return false;
      if (typeof w["minNum"] === "number" && n < w["minNum"]) return false;
      if (typeof w["maxNum"] === "number" && n > w["maxNum"]) return false;
    }
    return true;
  },
};

const requiredHas = (meta: string): DerivedValue => ({
  reads: [meta, "isRequired"],
  compute: (w) => w["isRequired"] !== true || (!isEmpty(w[meta]) && w[meta] !== false),
});

function selectOptions(w: WidgetValues): { label: unknown; value: unknown }[] {
  const labelKey = typeof w["optionLabel"] === "string" ? w["optionLabel"] : "label";
  const valueKey = typeof w["optionValue"] === "string" ? w["optionValue"] : "value";
  return asArray(w["sourceData"]).map((item) =>
    typeof item === "object" && item !== null
      ? { label: (item as Row)[labelKey], value: (item as Row)[valueKey] }
      : { label: item, value: item },
  );
}

const optionsOf = (w: WidgetValues): { label: unknown; value: unknown }[] =>
  "sourceData" in w ? selectOptions(w) : (asArray(w["options"]) as { label: unknown; value: unknown }[]);

function labelOf(w: WidgetValues, value: unknown): unknown {
  const found = optionsOf(w).find((o) => o?.value === value);
  return found ? found.label : "";
}

const SELECT_READS = ["sourceData", "optionLabel", "optionValue"];

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}

function utcOffset(d: Date): string {
  const minutes = -d.getTimezoneOffset();
  const sign = minutes >= 0 ? "+" : "-";
  return `${sign}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
}

/** Longest tokens first, so `MMMM` is not read as `MM` twice; `[text]` is copied as is. */
const DATE_TOKENS = /\[[^\]]*\]|YYYY|YY|MMMM|MMM|MM|M|Do|DD|D|dddd|ddd|HH|H|hh|h|mm|m|ss|s|SSS|A|a|Z|X|x/g;

/** Formats in local time with the moment-style tokens Appsmith's date picker offers. */
export function formatDate(iso: unknown, format: unknown): string {
  if (typeof iso !== "string" || iso === "") return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const fmt = typeof format === "string" && format !== "" ? format : "YYYY-MM-DD HH:mm";
  if (fmt === "ISO" || fmt === "YYYY-MM-DDTHH:mm:ss.sssZ") return d.toISOString();
  const hour12 = d.getHours() % 12 === 0 ? 12 : d.getHours() % 12;
  const token = (t: string): string => {
    switch (t) {
      case "YYYY": return String(d.getFullYear());
      case "YY": return pad(d.getFullYear() % 100);
      case "MMMM": return MONTHS[d.getMonth()] ?? "";
      case "MMM": return (MONTHS[d.getMonth()] ?? "").slice(0, 3);
      case "MM": return pad(d.getMonth() + 1);
      case "M": return String(d.getMonth() + 1);
      case "Do": return ordinal(d.getDate());
      case "DD": return pad(d.getDate());
      case "D": return String(d.getDate());
      case "dddd": return DAYS[d.getDay()] ?? "";
      case "ddd": return (DAYS[d.getDay()] ?? "").slice(0, 3);
      case "HH": return pad(d.getHours());
      case "H": return String(d.getHours());
      case "hh": return pad(hour12);
      case "h": return String(hour12);
      case "mm": return pad(d.getMinutes());
      case "m": return String(d.getMinutes());
      case "ss": return pad(d.getSeconds());
      case "s": return String(d.getSeconds());
      case "SSS": return pad(d.getMilliseconds(), 3);
      case "A": return d.getHours() < 12 ? "AM" : "PM";
      case "a": return d.getHours() < 12 ? "am" : "pm";
      case "Z": return utcOffset(d);
      case "X": return String(Math.floor(d.getTime() / 1000));
      case "x": return String(d.getTime());
      default: return t.slice(1, -1);
    }
  };
  return fmt.replace(DATE_TOKENS, token);
}

/** Whether an ISO date lies within the picker's min and max (either may be unset). */
export function dateInRange(iso: unknown, min: unknown, max: unknown): boolean {
  if (typeof iso !== "string" || iso === "") return true;
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return false;
  const bound = (v: unknown): number => (typeof v === "string" && v !== "" ? new Date(v).getTime() : Number.NaN);
  const lo = bound(min);
  const hi = bound(max);
  return !(t < lo) && !(t > hi);
}

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

const TABLE: Record<string, DerivedValue> = {
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

/** The value a form collects from an input widget inside it. */
export function formFieldValue(w: WidgetValues): unknown {
  for (const key of ["value", "selectedOptionValues", "selectedOptionValue", "selectedValues", "selectedDate", "files", "isChecked", "isSwitchedOn", "text"]) {
    if (key in w) return w[key];
  }
  return undefined;
}

const FORM_INPUT_TYPES = new Set([
  "INPUT_WIDGET_V2", "CURRENCY_INPUT_WIDGET", "SELECT_WIDGET", "MULTI_SELECT_WIDGET_V2", "CHECKBOX_WIDGET",
  "CHECKBOX_GROUP_WIDGET", "SWITCH_WIDGET", "RADIO_GROUP_WIDGET", "DATE_PICKER_WIDGET2", "FILE_PICKER_WIDGET_V2",
]);

export const DERIVED: Readonly<Record<string, Readonly<Record<string, DerivedValue>>>> = {
  INPUT_WIDGET_V2: { value: inputValue, isValid: inputIsValid },
  CURRENCY_INPUT_WIDGET: {
    value: { reads: ["text"], compute: (w) => inputNumber(w["text"]) },
    isValid: {
      reads: ["text", "isRequired", "regex", "validation"],
      compute: (w) => {
        const text = w["text"] === undefined || w["text"] === null ? "" : String(w["text"]);
        if (text === "") return w["isRequired"] !== true;
        return w["validation"] !== false && inputNumber(text) !== undefined && fullMatch(w["regex"], text);
      },
    },
  },
  CHECKBOX_WIDGET: {
    value: { reads: ["isChecked"], compute: (w) => w["isChecked"] === true },
    isValid: requiredHas("isChecked"),
  },
  SWITCH_WIDGET: { value: { reads: ["isSwitchedOn"], compute: (w) => w["isSwitchedOn"] === true } },
  CHECKBOX_GROUP_WIDGET: { isValid: requiredHas("selectedValues") },
  DATE_PICKER_WIDGET2: {
    formattedDate: { reads: ["selectedDate", "dateFormat"], compute: (w) => formatDate(w["selectedDate"], w["dateFormat"]) },
    isValid: {
      reads: ["selectedDate", "isRequired", "minDate", "maxDate"],
      compute: (w) => (isEmpty(w["selectedDate"]) ? w["isRequired"] !== true : dateInRange(w["selectedDate"], w["minDate"], w["maxDate"])),
    },
  },
  FILE_PICKER_WIDGET_V2: {
    files: { reads: ["selectedFiles"], compute: (w) => asArray(w["selectedFiles"]) },
    isValid: requiredHas("selectedFiles"),
  },
  RADIO_GROUP_WIDGET: {
    selectedOptionLabel: { reads: ["options", "selectedOptionValue"], compute: (w) => labelOf(w, w["selectedOptionValue"]) },
    isValid: requiredHas("selectedOptionValue"),
  },
  SELECT_WIDGET: {
    options: { reads: SELECT_READS, compute: selectOptions },
    selectedOptionValue: { reads: ["value"], compute: (w) => (isEmpty(w["value"]) ? "" : w["value"]) },
    selectedOptionLabel: {
      reads: [...SELECT_READS, "value", "label"],
      compute: (w) => (isEmpty(w["value"]) ? "" : (labelOf(w, w["value"]) || (w["label"] ?? ""))),
    },
    isValid: requiredHas("value"),
  },
  MULTI_SELECT_WIDGET_V2: {
    options: { reads: SELECT_READS, compute: selectOptions },
    selectedOptionValues: { reads: ["value"], compute: (w) => asArray(w["value"]) },
    selectedOptionLabels: {
      reads: [...SELECT_READS, "value"],
      compute: (w) => asArray(w["value"]).map((v) => labelOf(w, v)),
    },
    isValid: requiredHas("value"),
  },
  LIST_WIDGET_V2: {
    selectedItem: {
      reads: ["listData", "selectedItemIndex"],
      compute: (w) => {
        const i = w["selectedItemIndex"];
        return typeof i === "number" && i >= 0 ? asArray(w["listData"])[i] : undefined;
      },
    },
  },
  TABLE_WIDGET_V2: TABLE,
  FORM_WIDGET: {
    data: {
      reads: [],
      readsDescendants: true,
      compute: (_w, ctx) => {
        const data: Row = {};
        for (const name of ctx.descendants) {
          const child = ctx.values(name);
          if (child && FORM_INPUT_TYPES.has(String(child["type"]))) data[name] = formFieldValue(child);
        }
        return data;
      },
    },
    hasChanges: {
      reads: [],
      readsDescendants: true,
      compute: (_w, ctx) => ctx.descendants.some((name) => ctx.values(name)?.["isDirty"] === true),
    },
  },
};
