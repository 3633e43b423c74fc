/** Options of a select widget: filtering by what the user typed. Pure, tested without a DOM. */
import { str } from "../types";

export interface Option {
  readonly label: unknown;
  readonly value: unknown;
}

export function filterOptions(options: readonly Option[], filter: string): Option[] {
  const needle = filter.trim().toLowerCase();
  if (needle === "") return [...options];
  return options.filter((o) => str(o.label).toLowerCase().includes(needle) || str(o.value).toLowerCase().includes(needle));
}

/** What the closed picker shows: the chosen labels, or the placeholder. */
export function summary(options: readonly Option[], chosen: readonly unknown[], placeholder: string): string {
  const labels = options.filter((o) => chosen.includes(o.value)).map((o) => str(o.label));
  return labels.length > 0 ? labels.join(", ") : placeholder;
}
