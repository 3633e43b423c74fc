/**
 * The table's column filters as the user edits them (`Table1.filters`): which conditions exist,
 * which need a value, and the edits. The engine applies them (`filteredTableData`).
 */
import type { Column, Row } from "./columns";

export interface Filter {
  readonly column: string;
  readonly condition: string;
  readonly value: string;
  /** How this filter joins the ones before it; the first filter's is ignored. */
  readonly operator: "AND" | "OR";
}

export const CONDITIONS: readonly { readonly id: string; readonly label: string; readonly needsValue: boolean }[] = [
  { id: "contains", label: "contains", needsValue: true },
  { id: "doesNotContain", label: "does not contain", needsValue: true },
  { id: "is", label: "equals", needsValue: true },
  { id: "isNot", label: "does not equal", needsValue: true },
  { id: "startsWith", label: "starts with", needsValue: true },
  { id: "endsWith", label: "ends with", needsValue: true },
  { id: "greaterThan", label: "greater than", needsValue: true },
  { id: "greaterThanEqualTo", label: "greater than or equal to", needsValue: true },
  { id: "lessThan", label: "less than", needsValue: true },
  { id: "lessThanEqualTo", label: "less than or equal to", needsValue: true },
  { id: "empty", label: "is empty", needsValue: false },
  { id: "notEmpty", label: "is not empty", needsValue: false },
];

export const needsValue = (condition: string): boolean => CONDITIONS.find((c) => c.id === condition)?.needsValue ?? true;

/** Columns a filter can test: those holding data (not buttons or computed-only columns). */
export function filterableColumns(columns: readonly Column[], rows: readonly Row[]): Column[] {
  const keys = new Set(rows.flatMap((r) => Object.keys(r)));
  return columns.filter((c) => keys.has(c.id));
}

export function addFilter(filters: readonly Filter[], column: string): Filter[] {
  return [...filters, { column, condition: "contains", value: "", operator: filters.at(-1)?.operator ?? "AND" }];
}

export function removeFilter(filters: readonly Filter[], index: number): Filter[] {
  return filters.filter((_, i) => i !== index);
}

export function changeFilter(filters: readonly Filter[], index: number, change: Partial<Filter>): Filter[] {
  return filters.map((f, i) => {
    if (i !== index) return f;
    const next = { ...f, ...change };
    return needsValue(next.condition) ? next : { ...next, value: "" };
  });
}
