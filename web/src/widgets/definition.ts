/**
 * How a widget folder's component loads: `widget.ts` in each `<TYPE>/` folder default-exports one
 * definition; `registry.ts` collects them. (Its derived values are in `derived.ts`, its editor
 * hints in `editor.ts`, both React-free.)
 */
import type { ComponentType } from "react";

import type { WidgetProps } from "./types";

export type WidgetComponent = ComponentType<WidgetProps>;

export type WidgetDefinition =
  | {
      /** Bundled with the page: the cheap types a first paint nearly always needs. */
      readonly component: WidgetComponent;
    }
  | {
      /** Loaded on first use of the type (charts pull ECharts in only when a page shows one). */
      readonly load: () => Promise<{ default: WidgetComponent }>;
    };
