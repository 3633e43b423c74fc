/**
 * The typed editors of structured properties, as pure functions over the stored values: a table's
 * columns (`primaryColumns` + `columnOrder`), a select's options (`sourceData`, or a radio or
 * checkbox group's `options`) and a chart's series (`chartData`). Each reads what is stored, says
 * whether it can show it (a binding or an odd shape goes to the code editor), and writes back.
 */
import { hasBinding } from "../engine/segments";

type Rec = Record<string, unknown>;
const isRecord = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === "string" ? v : v === undefined || v === null ? "" : JSON.stringify(v));

// ------------------------------------------------------------------ table columns

export const COLUMN_TYPES = ["text", "number", "currency", "date", "image", "video", "url", "button", "iconButton", "menuButton", "checkbox", "switch", "select", "html", "editActions"] as const;

export interface ColumnRow {
  readonly id: string;
  readonly label: string;
  readonly columnType: string;
  readonly isVisible: boolean;
  /** Computed columns exist only in the settings; the others come from the data's keys. */
  readonly isDerived: boolean;
  readonly computedValue: string;
  readonly buttonLabel: string;
  readonly onClick: string;
  /** Every stored setting of the column, for the settings below (`COLUMN_SETTINGS`). */
  readonly config: Readonly<Rec>;
}

const TYPED = ["text", "number", "currency", "date", "url"];
const EDITABLE = [...TYPED, "select", "checkbox", "switch"];

/**
 * The column settings the editor offers, each for the column types it applies to (all when
 * `types` is absent), as Appsmith's column pane groups them. `code` settings take text or a
 * binding (which may read currentRow); `check` settings are switches; `number` ones store a
 * number when the text is one. `whenEditable`: shown once the column is editable.
 */
export interface ColumnSetting {
  readonly key: string;
  readonly label: string;
  readonly kind: "code" | "check";
  readonly types?: readonly string[];
  readonly whenEditable?: boolean;
  readonly number?: boolean;
  /** Stored as the JSON value the text holds, when it holds one (a select's options). */
  readonly json?: boolean;
  readonly placeholder?: string;
}

export const COLUMN_SETTINGS: readonly ColumnSetting[] = [
  { key: "isEditable", label: "Editable", kind: "check", types: EDITABLE },
  { key: "onSubmit", label: "On submit", kind: "code", types: TYPED, whenEditable: true, placeholder: "{{updateRow.run()}}" },
  { key: "selectOptions", label: "Options", kind: "code", types: ["select"], json: true, placeholder: '[{"label": "Open", "value": "open"}]' },
  { key: "onOptionChange", label: "On option change", kind: "code", types: ["select"], whenEditable: true },
  { key: "onCheckChange", label: "On check change", kind: "code", types: ["checkbox", "switch"], whenEditable: true },
  { key: "inputFormat", label: "Date format", kind: "code", types: ["date"], placeholder: "YYYY-MM-DD" },
  { key: "outputFormat", label: "Display format", kind: "code", types: ["date"], placeholder: "DD/MM/YYYY" },
  { key: "currencyCode", label: "Currency", kind: "code", types: ["currency"], placeholder: "EUR" },
  { key: "decimals", label: "Decimals", kind: "code", types: ["currency"], number: true },
  { key: "displayText", label: "Link text", kind: "code", types: ["url"] },
  { key: "buttonLabel", label: "Button label", kind: "code", types: ["button"] },
  { key: "iconName", label: "Icon", kind: "code", types: ["iconButton"], placeholder: "trash" },
  { key: "menuButtonLabel", label: "Menu label", kind: "code", types: ["menuButton"] },
  { key: "buttonColor", label: "Button colour", kind: "code", types: ["button", "iconButton"] },
  { key: "onClick", label: "On click", kind: "code", types: ["button", "iconButton", "url"], placeholder: "{{showAlert(currentRow.id)}}" },
  { key: "onSave", label: "On save", kind: "code", types: ["editActions"], placeholder: "{{updateRow.run(() => getRows.run())}}" },
  { key: "onDiscard", label: "On discard", kind: "code", types: ["editActions"] },
  { key: "horizontalAlignment", label: "Alignment", kind: "code", placeholder: "LEFT, CENTER or RIGHT" },
  { key: "textColor", label: "Text colour", kind: "code", placeholder: "{{currentRow.late ? 'red' : ''}}" },
  { key: "cellBackground", label: "Cell background", kind: "code" },
  { key: "textSize", label: "Text size", kind: "code", placeholder: "0.875rem" },
  { key: "fontStyle", label: "Font style", kind: "code", placeholder: "BOLD,ITALIC" },
  { key: "allowCellWrapping", label: "Wrap text", kind: "check", types: TYPED },
];

/** The settings the editor shows for a column of this type, editable or not. */
export function columnSettings(row: ColumnRow): ColumnSetting[] {
  const editable = row.config["isEditable"] === true;
  return COLUMN_SETTINGS.filter((s) => (s.types === undefined || s.types.includes(row.columnType)) && (!s.whenEditable || editable));
}

/** A code setting's text as stored: a number for number settings when the text is one; empty removes it. */
export function settingValue(setting: ColumnSetting, text: string): unknown {
  if (setting.number && /^\s*-?\d+(\.\d+)?\s*$/.test(text)) return Number(text);
  if (setting.json && !text.includes("{{")) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text; // half-typed JSON stays text until it parses
    }
  }
  return text;
}

/**
 * `primaryColumns` (and `columnOrder`) after making a column editable or not: the first editable
 * column brings an edit-actions column (Save / Discard per row), as Appsmith's editor adds one.
 */
export function setEditable(primaryColumns: unknown, ids: readonly string[], id: string, editable: boolean): { primaryColumns: Rec; columnOrder: string[] } {
  const next = setColumn(primaryColumns, id, { isEditable: editable });
  const hasActions = Object.values(next).some((c) => isRecord(c) && c["columnType"] === "editActions");
  if (!editable || hasActions) return { primaryColumns: next, columnOrder: [...ids] };
  let n = 1;
  while (`EditActions${n}` in next || ids.includes(`EditActions${n}`)) n += 1;
  const actions = `EditActions${n}`;
  const column = { id: actions, originalId: actions, label: "Save / Discard", columnType: "editActions", isVisible: true, isDerived: true, onSave: "", onDiscard: "" };
  return { primaryColumns: { ...next, [actions]: column }, columnOrder: [...ids, actions] };
}

/** Whether the columns editor can show these values (else the code editor does). */
export function columnsEditable(primaryColumns: unknown, columnOrder: unknown): boolean {
  if (primaryColumns !== undefined && (!isRecord(primaryColumns) || hasBinding(primaryColumns))) return false;
  if (isRecord(primaryColumns) && !Object.values(primaryColumns).every(isRecord)) return false;
  return columnOrder === undefined || (Array.isArray(columnOrder) && columnOrder.every((x) => typeof x === "string"));
}

/** Every column, left to right as the table shows them (hidden ones too): the data's keys, then configured ones. */
export function columnRows(primaryColumns: unknown, columnOrder: unknown, dataKeys: readonly string[]): ColumnRow[] {
  const configured = isRecord(primaryColumns) ? (primaryColumns as Record<string, Rec>) : {};
  const ids = [...new Set([...dataKeys, ...Object.keys(configured)])].filter((id) => id !== "__originalIndex__");
  const order = Array.isArray(columnOrder) ? (columnOrder as string[]) : [];
  const rank = (id: string): number => {
    const at = order.indexOf(id);
    return at >= 0 ? at : order.length + ids.indexOf(id);
  };
  return ids
    .sort((a, b) => rank(a) - rank(b))
    .map((id) => {
      const c = configured[id] ?? {};
      return {
        id,
        label: typeof c["label"] === "string" && c["label"] !== "" ? c["label"] : id,
        columnType: typeof c["columnType"] === "string" ? c["columnType"] : "text",
        isVisible: c["isVisible"] !== false,
        isDerived: c["isDerived"] === true,
        computedValue: str(c["computedValue"]),
        buttonLabel: str(c["buttonLabel"]),
        onClick: str(c["onClick"]),
        config: c,
      };
    });
}

/** `primaryColumns` with one column's settings changed (a data column gets its entry on first change). */
export function setColumn(primaryColumns: unknown, id: string, changes: Readonly<Rec>): Rec {
  const all = isRecord(primaryColumns) ? primaryColumns : {};
  const before = isRecord(all[id]) ? (all[id] as Rec) : { id, originalId: id, label: id, columnType: "text", isVisible: true };
  const next: Rec = { ...before };
  for (const [k, v] of Object.entries(changes)) {
    // An emptied text setting is removed (the column falls back to its default), never stored as "".
    if (v === "" && k !== "label") delete next[k];
    else next[k] = v;
  }
  return { ...all, [id]: next };
}

/** The column order after moving the column at `from` to position `to` (both in `ids`). */
export function moveColumn(ids: readonly string[], from: number, to: number): string[] {
  if (from < 0 || from >= ids.length || to < 0 || to >= ids.length || from === to) return [...ids];
  const out = [...ids];
  const [moved] = out.splice(from, 1);
  out.splice(to, 0, moved as string);
  return out;
}

/** A new computed column (`customColumn1`, ...) at the end, its value a binding over `currentRow`. */
export function addComputedColumn(primaryColumns: unknown, ids: readonly string[]): { primaryColumns: Rec; columnOrder: string[]; id: string } {
  const all = isRecord(primaryColumns) ? primaryColumns : {};
  let n = 1;
  while (`customColumn${n}` in all || ids.includes(`customColumn${n}`)) n += 1;
  const id = `customColumn${n}`;
  const column = { id, originalId: id, label: `Custom column ${n}`, columnType: "text", isVisible: true, isDerived: true, computedValue: "" };
  return { primaryColumns: { ...all, [id]: column }, columnOrder: [...ids, id], id };
}

export function removeColumn(primaryColumns: unknown, ids: readonly string[], id: string): { primaryColumns: Rec; columnOrder: string[] } {
  const { [id]: _dropped, ...rest } = isRecord(primaryColumns) ? primaryColumns : {};
  return { primaryColumns: rest, columnOrder: ids.filter((x) => x !== id) };
}

// ------------------------------------------------------------------ select options

export interface OptionRow {
  readonly label: string;
  readonly value: string;
}

/** Options as label/value rows, or null when the list is not a plain array of such objects. */
export function optionRows(items: unknown, labelKey: string, valueKey: string): OptionRow[] | null {
  if (items === undefined || items === null) return [];
  if (!Array.isArray(items) || hasBinding(items)) return null;
  const plain = (v: unknown) => v === undefined || typeof v === "string" || typeof v === "number" || typeof v === "boolean";
  if (!items.every((i) => isRecord(i) && plain(i[labelKey]) && plain(i[valueKey]))) return null;
  return (items as Rec[]).map((i) => ({ label: i[labelKey] === undefined ? "" : String(i[labelKey]), value: i[valueKey] === undefined ? "" : String(i[valueKey]) }));
}

/**
 * The stored list after editing the rows: each item keeps its other keys, and a value keeps the
 * type it had (a number stays a number while it still reads as one).
 */
export function withOptions(items: unknown, rows: readonly OptionRow[], labelKey: string, valueKey: string): Rec[] {
  const old = Array.isArray(items) ? (items as unknown[]) : [];
  return rows.map((row, i) => {
    const before = isRecord(old[i]) ? (old[i] as Rec) : {};
    const numeric = typeof before[valueKey] === "number" && row.value.trim() !== "" && Number.isFinite(Number(row.value));
    return { ...before, [labelKey]: row.label, [valueKey]: numeric ? Number(row.value) : row.value };
  });
}

/** The item keys a widget's options use: its label/value key properties when they are plain names. */
export function optionKeys(widget: Rec, defaults: { label: string; value: string }): { label: string; value: string } {
  const key = (v: unknown, fallback: string) => (typeof v === "string" && /^[A-Za-z_$][\w$]*$/.test(v) ? v : fallback);
  return { label: key(widget["optionLabel"], defaults.label), value: key(widget["optionValue"], defaults.value) };
}

// ------------------------------------------------------------------ chart series

export interface SeriesRow {
  readonly id: string;
  readonly seriesName: string;
  /** The data as the code editor shows it: a binding, or the literal points as JSON. */
  readonly data: string;
  readonly color: string;
}

export function seriesRows(chartData: unknown): SeriesRow[] | null {
  if (chartData === undefined || chartData === null) return [];
  if (!isRecord(chartData) || !Object.values(chartData).every(isRecord)) return null;
  return Object.entries(chartData as Record<string, Rec>).map(([id, s]) => ({
    id,
    seriesName: str(s["seriesName"]),
    data: typeof s["data"] === "string" ? s["data"] : s["data"] === undefined ? "" : JSON.stringify(s["data"]),
    color: typeof s["color"] === "string" ? s["color"] : "",
  }));
}

/** The series' data from what was typed: a binding stays text, JSON becomes its value. */
export function seriesData(text: string): unknown {
  if (text.trim() === "" || hasBinding(text)) return text.trim() === "" ? [] : text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function setSeries(chartData: unknown, id: string, changes: Partial<Omit<SeriesRow, "id">>): Rec {
  const all = isRecord(chartData) ? chartData : {};
  const next: Rec = { ...(isRecord(all[id]) ? (all[id] as Rec) : {}) };
  if (changes.seriesName !== undefined) next["seriesName"] = changes.seriesName;
  if (changes.data !== undefined) next["data"] = seriesData(changes.data);
  if (changes.color !== undefined) {
    if (changes.color === "") delete next["color"];
    else next["color"] = changes.color;
  }
  return { ...all, [id]: next };
}

export function addSeries(chartData: unknown): { chartData: Rec; id: string } {
  const all = isRecord(chartData) ? chartData : {};
  let n = 1;
  while (`series${n}` in all) n += 1;
  const id = `series${n}`;
  return { chartData: { ...all, [id]: { seriesName: `Series ${n}`, data: [] } }, id };
}

export function removeSeries(chartData: unknown, id: string): Rec {
  const { [id]: _dropped, ...rest } = isRecord(chartData) ? chartData : {};
  return rest;
}
