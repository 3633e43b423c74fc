/**
 * The table's columns: every key of the data plus configured (derived) columns, in `columnOrder`,
 * each with its label, type and what a cell shows. Pure, so it is tested without rendering.
 */

export type Row = Record<string, unknown>;

export interface ColumnConfig {
  readonly id?: string;
  readonly label?: string;
  readonly columnType?: string;
  readonly computedValue?: unknown;
  readonly isVisible?: boolean;
  readonly isEditable?: boolean;
  readonly isDerived?: boolean;
  readonly isSortable?: boolean;
  readonly index?: number;
  readonly width?: number;
  readonly horizontalAlignment?: string;
  readonly textColor?: string;
  readonly cellBackground?: string;
  readonly fontStyle?: string;
  readonly displayText?: string;
  readonly outputFormat?: string;
  readonly buttonLabel?: string;
  readonly buttonColor?: string;
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

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Visible columns, left to right. */
export function tableColumns(values: Readonly<Record<string, unknown>>): Column[] {
  const data = Array.isArray(values["tableData"]) ? (values["tableData"] as unknown[]) : [];
  const configured = isRecord(values["primaryColumns"]) ? (values["primaryColumns"] as Record<string, ColumnConfig>) : {};
  const ids: string[] = [];
  const seen = new Set<string>();
  const add = (id: string) => {
    if (id === ORIGINAL_INDEX || seen.has(id)) return;
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
        sortable: tableSortable && config.isSortable !== false,
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
