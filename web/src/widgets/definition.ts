/**
 * What a widget folder declares about its type besides its manifest and derived values: how its
 * component loads and the property pane's hints. `widget.ts` in each `<TYPE>/` folder default-
 * exports one; `registry.ts` collects them.
 */
import type { ComponentType } from "react";

import type { WidgetProps } from "./types";

export type WidgetComponent = ComponentType<WidgetProps>;

/** Properties edited with a typed editor of their own rather than the control of their type. */
export type StructuredControl = "columns" | "options" | "series";

export interface EditorHints {
  /** Property -> the typed editor that edits it (editor/collections.ts). */
  readonly controls?: Readonly<Record<string, StructuredControl>>;
  /** Properties edited inside another one's editor (a table's column order, in its columns editor). */
  readonly folded?: readonly string[];
}

export type WidgetDefinition = {
  readonly editor?: EditorHints;
} & (
  | {
      /** Bundled with the page: the cheap types a first paint nearly always needs. */
      readonly component: WidgetComponent;
    }
  | {
      /** Loaded on first use of the type (charts pull ECharts in only when a page shows one). */
      readonly load: () => Promise<{ default: WidgetComponent }>;
    }
);
