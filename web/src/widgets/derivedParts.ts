/**
 * Pieces the derived values of several widget types share (inputs, option lists, required
 * fields). React-free: the engine worker bundles them.
 */
import type { DerivedValue, WidgetValues } from "../engine/derived";

export type Row = Record<string, unknown>;

export const isEmpty = (v: unknown): boolean =>
  v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0);
export const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const asRows = (v: unknown): Row[] =>
  asArray(v).filter((r): r is Row => typeof r === "object" && r !== null && !Array.isArray(r));
export const asNumber = (v: unknown, fallback: number): number => (typeof v === "number" && Number.isFinite(v) ? v : fallback);

/** Whether the whole text matches a developer's pattern; no pattern matches everything. */
export function fullMatch(pattern: unknown, text: string): boolean {
  if (typeof pattern !== "string" || pattern === "") return true;
  try {
    return new RegExp(`^(?:${pattern})$`).test(text);
  } catch {
    return true; // a broken pattern is reported on the property, not held against the user
  }
}

/** The number typed text reads as, if it is one. */
export function inputNumber(text: unknown): number | undefined {
  if (typeof text === "number") return Number.isFinite(text) ? text : undefined;
  if (typeof text !== "string" || text.trim() === "") return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** `isValid` of a field whose only rule is "required": its meta value is not empty (nor false). */
export const requiredHas = (meta: string): DerivedValue => ({
  reads: [meta, "isRequired"],
  compute: (w) => w["isRequired"] !== true || (!isEmpty(w[meta]) && w[meta] !== false),
});

/** A select's options from its source data and the keys naming each item's label and value. */
export function selectOptions(w: WidgetValues): { label: unknown; value: unknown }[] {
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

/** The label of the option holding `value`, or "" when none does. */
export function labelOf(w: WidgetValues, value: unknown): unknown {
  const found = optionsOf(w).find((o) => o?.value === value);
  return found ? found.label : "";
}

/** What a select's options are computed from. */
export const SELECT_READS = ["sourceData", "optionLabel", "optionValue"];
