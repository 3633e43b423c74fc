/** The options of a checkbox or radio group (`[{label, value}]`); anything else in the list is skipped. */
import { arr } from "../types";

export interface GroupOption {
  readonly label: unknown;
  readonly value: unknown;
}

export function groupOptions(v: unknown): GroupOption[] {
  return arr(v).filter((o): o is GroupOption => typeof o === "object" && o !== null && "value" in o);
}

/** The values ticked after the user (un)ticks `value`, in the options' order. */
export function toggledValues(options: readonly GroupOption[], selected: readonly unknown[], value: unknown, checked: boolean): unknown[] {
  const next = new Set(selected.filter((s) => s !== value));
  if (checked) next.add(value);
  const known = options.map((o) => o.value).filter((v) => next.has(v));
  // Values the options no longer list (data changed) stay selected until the user drops them.
  return [...known, ...[...next].filter((v) => !known.includes(v))];
}
