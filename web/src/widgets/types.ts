/** What every widget component receives from the canvas. */
import type { ReactNode } from "react";

export type WidgetValues = Readonly<Record<string, unknown>>;

export interface WidgetProps {
  readonly name: string;
  /** The widget's evaluated properties, meta state and derived values. */
  readonly values: WidgetValues;
  /** The user changed the widget's state (typed, selected, ticked). */
  readonly onMeta: (changes: Record<string, unknown>) => void;
  /**
   * Run one of the widget's event handlers (`onClick`, ...), with extra names in scope. The viewer
   * returns a promise settled when the handler has finished (a table clears a saved row's edits
   * then, as Appsmith does).
   */
  readonly onEvent: (event: string, extra?: Record<string, unknown>) => void | Promise<unknown>;
  /** Child widgets of a container, already placed on its grid. */
  readonly children?: ReactNode;
  /** For a list: the height of its template in grid rows (one copy per item). */
  readonly templateRows?: number;
}

export const str = (v: unknown, fallback = ""): string => (v === undefined || v === null ? fallback : typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v));
export const num = (v: unknown, fallback = 0): number => (typeof v === "number" && Number.isFinite(v) ? v : fallback);
export const bool = (v: unknown): boolean => v === true;
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Style shared by boxed widgets: the theme's radius and shadow unless the widget overrides them. */
export function boxStyle(values: WidgetValues): Record<string, string> {
  return {
    borderRadius: str(values["borderRadius"], "var(--lc-radius)"),
    boxShadow: str(values["boxShadow"], "none"),
  };
}
