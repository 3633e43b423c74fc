/**
 * Copies of a list's template, one per item: which item a widget is rendered for, and its values
 * for that item (the engine keeps per-item values as `__items__.<property>`).
 */
import { createContext } from "react";

import { ITEMS_PREFIX } from "../engine/listTemplate";

export interface ListItem {
  readonly index: number;
  readonly item: unknown;
}

export const ListItemContext = createContext<ListItem | null>(null);

/** A template widget's values as the copy for item `index` shows them. */
export function itemValues(values: Readonly<Record<string, unknown>>, index: number): Readonly<Record<string, unknown>> {
  let out: Record<string, unknown> | null = null;
  for (const [key, perItem] of Object.entries(values)) {
    if (!key.startsWith(ITEMS_PREFIX) || !Array.isArray(perItem)) continue;
    out ??= { ...values };
    out[key.slice(ITEMS_PREFIX.length)] = perItem[index];
  }
  return out ?? values;
}
