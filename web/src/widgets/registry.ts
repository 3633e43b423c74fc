/**
 * Widget type -> component, built from one table: the `widget.ts` definition in each `<TYPE>/`
 * folder (the folder names the type). A new widget type is a new folder and a manifest; nothing
 * here changes.
 *
 * Every type is loaded on first use of its kind except the cheap ones a first paint nearly always
 * needs (a definition with a `component` rather than a `load`).
 */
import { lazy } from "react";

import type { WidgetComponent, WidgetDefinition } from "./definition";

const modules = import.meta.glob<WidgetDefinition>("./*_WIDGET*/widget.ts", { eager: true, import: "default" });

/** Each folder's definition, by widget type. */
export const DEFINITIONS: Readonly<Record<string, WidgetDefinition>> = Object.fromEntries(
  Object.entries(modules).map(([path, definition]) => [path.split("/")[1] as string, definition]),
);

const entries = Object.entries(DEFINITIONS);

export const WIDGETS: Readonly<Record<string, WidgetComponent>> = Object.fromEntries(
  entries.map(([type, d]) => [type, "component" in d ? d.component : lazy(d.load)]),
);

/** Loaders of every widget module, for tests and for preloading. */
export const WIDGET_MODULES: Readonly<Record<string, () => Promise<{ default: WidgetComponent }>>> = Object.fromEntries(
  entries.map(([type, d]) => [type, "component" in d ? async () => ({ default: d.component }) : d.load]),
);

