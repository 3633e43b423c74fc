/**
 * The table's columns: every key of the data plus configured (derived) columns, in `columnOrder`,
 * each with its label, type and what a cell shows. Pure, so it is tested without rendering.
 */

export type Row = Record<string, unknown>;

/**
 * A column's settings as Appsmith's table stores them (see the manifest's primaryColumns shape).
 * Style and state settings may hold one value per row: the engine evaluates a setting that reads
 * `currentRow` (or maps `processedTableData`) into an array indexed by the row's position in
 * tableData; `rowSetting` picks the row's value.
 */
export interface ColumnConfig {
  readonly id?: string;
  readonly label?: string;
  readonly columnType?: string;
  readonly computedValue?: unknown;
  readonly isVisible?: boolean;
  readonly isEditable?: boolean;
  readonly isDerived?: boolean;
  readonly isSortable?: boolean;
  readonly enableSort?: boolean;
  readonly index?: number;
  readonly width?: number;
  readonly allowCellWrapping?: boolean;
  readonly inputFormat?: string;
  readonly outputFormat?: string;
  readonly menuItems?: Record<string, MenuItem>;
  readonly onClick?: string;
  readonly onSubmit?: string;
  readonly [setting: string]: unknown;
}

export interface MenuItem {
  readonly id?: string;
  readonly label?: string;
  readonly index?: number;
  readonly isVisible?: unknown;
  readonly isDisabled?: unknown;
  readonly textColor?: string;
  readonly backgroundColor?: string;
  readonly onClick?: string;
}

export interface Column {
  readonly id: string;
  readonly label: string;
  readonly type: string;
  readonly editable: boolean;
  readonly sortable: boolean;
  readonly width: number | undefined;
  readonly config: ColumnConfig;
}

export const ORIGINAL_INDEX = "__originalIndex__";
export const PRIMARY_KEY = "__primaryKey__";

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Visible columns, left to right. */
export function tableColumns(values: Readonly<Record<string, unknown>>): Column[] {
  // processedTableData: the first Table widget's imported tables read sanitised keys (derived.ts).
  const source = Array.isArray(values["processedTableData"]) ? values["processedTableData"] : values["tableData"];
  const data = Array.isArray(source) ? (source as unknown[]) : [];
  const configured = isRecord(values["primaryColumns"]) ? (values["primaryColumns"] as Record<string, ColumnConfig>) : {};
  const ids: string[] = [];
  const seen = new Set<string>();
  const add = (id: string) => {
    if (id === ORIGINAL_INDEX || id === PRIMARY_KEY || seen.has(id)) return;
    seen.add(id);
    ids.push(id);
  };
  for (const row of data) if (isRecord(row)) Object.keys(row).forEach(add);
  Object.keys(configured).forEach(add);
  const order = Array.isArray(values["columnOrder"]) ? (values["columnOrder"] as unknown[]).filter((x): x is string => typeof x === "string") : [];
  const rank = (id: string): number => {
    const at = order.indexOf(id);
    if (at >= 0) return at;
    const index = configured[id]?.index;
    return order.length + (typeof index === "number" ? index : ids.indexOf(id) + ids.length);
  };
  const tableSortable = values["isSortable"] !== false;
  return ids
    .filter((id) => configured[id]?.isVisible !== false)
    .sort((a, b) => rank(a) - rank(b))
    .map((id) => {
      const config = configured[id] ?? {};
      return {
        id,
        label: typeof config.label === "string" && config.label !== "" ? config.label : id,
        type: config.columnType ?? "text",
        editable: config.isEditable === true,
        sortable: tableSortable && config.isSortable !== false && config.enableSort !== false,
        width: typeof config.width === "number" ? config.width : undefined,
        config,
      };
    });
}

/**
 * What a cell holds: the column's computed value for the row when it has one (the engine evaluates
 * a `currentRow` binding into one value per row of tableData), else the row's own value.
 */
export function cellValue(column: Column, row: Row, originalIndex: number): unknown {
  const computed = column.config.computedValue;
  if (Array.isArray(computed)) return computed[originalIndex];
  if (computed !== undefined && computed !== "") return computed;
  return row[column.id];
}

/** A cell as text (search, CSV, plain cells). */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

// Settings whose own value is an array: they are per row only as an array of arrays.
const ARRAY_SETTINGS = new Set(["selectOptions", "dropdownOptions", "sourceData", "newRowSelectOptions"]);

/** A setting of the column for one row: its per-row value when it has one per row, else the setting. */
export function rowSetting(column: Column, key: string, originalIndex: number): unknown {
  const value = column.config[key];
  if (!Array.isArray(value)) return value;
  if (ARRAY_SETTINGS.has(key) && !Array.isArray(value[0])) return value;
  return value[originalIndex];
}

/** Whether the cell of this row may be edited: the column is editable and the row's cell is not locked. */
export function cellEditable(column: Column, originalIndex: number): boolean {
  return column.editable && rowSetting(column, "isCellEditable", originalIndex) !== false && rowSetting(column, "isDisabled", originalIndex) !== true;
}

// Appsmith's older text size names, as CSS lengths.
const TEXT_SIZES: Record<string, string> = {
  HEADING1: "1.5rem",
  HEADING2: "1.125rem",
  HEADING3: "1rem",
  PARAGRAPH: "0.875rem",
  PARAGRAPH2: "0.75rem",
};

export interface CellStyle {
  textAlign?: "left" | "center" | "right";
  verticalAlign?: "top" | "middle" | "bottom";
  color?: string;
  background?: string;
  fontSize?: string;
  fontWeight?: number;
  fontStyle?: "italic";
  textDecoration?: string;
  whiteSpace?: "normal";
  overflowWrap?: "anywhere";
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/**
 * How a cell looks: the column's (or the row's) alignment, colours, size and font style, falling
 * back to the table's own; wrapping when the column allows it. Pure, so it is tested without a page.
 */
export function cellStyle(column: Column, originalIndex: number, table: Readonly<Record<string, unknown>> = {}): CellStyle {
  const pick = (key: string): string | undefined => str(rowSetting(column, key, originalIndex)) ?? str(table[key]);
  const style: CellStyle = {};
  const align = pick("horizontalAlignment")?.toLowerCase();
  if (align === "left" || align === "center" || align === "right") style.textAlign = align;
  else if (column.type === "number" || column.type === "currency") style.textAlign = "right";
  const vertical = pick("verticalAlignment");
  if (vertical === "TOP") style.verticalAlign = "top";
  else if (vertical === "BOTTOM") style.verticalAlign = "bottom";
  else if (vertical === "CENTER") style.verticalAlign = "middle";
  const color = pick("textColor");
  if (color) style.color = color;
  const background = pick("cellBackground");
  if (background) style.background = background;
  const size = str(rowSetting(column, "textSize", originalIndex));
  if (size) style.fontSize = TEXT_SIZES[size] ?? size;
  const font = (str(rowSetting(column, "fontStyle", originalIndex)) ?? "").toUpperCase().split(/[\s,]+/);
  if (font.includes("BOLD")) style.fontWeight = 600;
  if (font.includes("ITALIC")) style.fontStyle = "italic";
  const lines = [font.includes("UNDERLINE") ? "underline" : "", font.includes("LINE_THROUGH") || font.includes("STRIKETHROUGH") ? "line-through" : ""].filter(Boolean);
  if (lines.length > 0) style.textDecoration = lines.join(" ");
  if (column.config.allowCellWrapping === true) {
    style.whiteSpace = "normal";
    style.overflowWrap = "anywhere";
  }
  return style;
}

/** Where a frozen column stays while the rest scrolls sideways. */
export interface Frozen {
  position: "sticky";
  left?: number;
  right?: number;
  zIndex: number;
}

// Appsmith's width for a column that has none.
const DEFAULT_WIDTH = 150;

/**
 * Frozen columns (`sticky: "left"` / `"right"`): each stays at the sum of the widths of the frozen
 * columns between it and its edge. Left-frozen columns come first and right-frozen ones last, as
 * Appsmith orders them; `columnsInView` puts them there.
 */
export function frozenColumns(columns: readonly Column[], leading = 0): Map<string, Frozen> {
  const out = new Map<string, Frozen>();
  let left = leading;
  for (const c of columns) {
    if (c.config["sticky"] !== "left") continue;
    out.set(c.id, { position: "sticky", left, zIndex: 2 });
    left += c.width ?? DEFAULT_WIDTH;
  }
  let right = 0;
  for (const c of [...columns].reverse()) {
    if (c.config["sticky"] !== "right") continue;
    out.set(c.id, { position: "sticky", right, zIndex: 2 });
    right += c.width ?? DEFAULT_WIDTH;
  }
  return out;
}

/** The columns left to right with the left-frozen ones first and the right-frozen ones last. */
export function columnsInView(columns: readonly Column[]): Column[] {
  const side = (c: Column): number => (c.config["sticky"] === "left" ? 0 : c.config["sticky"] === "right" ? 2 : 1);
  return [...columns].sort((a, b) => side(a) - side(b));
}
