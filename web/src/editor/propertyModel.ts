/**
 * The property pane's model, derived from a widget manifest: sections in a fixed order, one
 * control per property chosen from its type, and the events section. No React here.
 */
import type { PropertySpec, WidgetManifest } from "../engine/manifest";
import { hasBinding } from "../engine/segments";
import type { EditorHints } from "../widgets/editorHints";

export type ControlKind = "text" | "number" | "switch" | "dropdown" | "color" | "icon" | "json" | "columns" | "options" | "series";

export interface Control {
  readonly name: string;
  readonly label: string;
  readonly help: string;
  readonly kind: ControlKind;
  readonly options: readonly (string | number)[];
  readonly bindable: boolean;
  readonly default: unknown;
}

export interface EventControl {
  readonly name: string;
  readonly label: string;
  readonly help: string;
}

export interface Section {
  readonly id: string;
  readonly title: string;
  readonly controls: readonly Control[];
}

export const SECTION_ORDER = ["content", "data", "label", "validation", "general", "style"] as const;
const TITLES: Record<string, string> = {
  content: "Content",
  data: "Data",
  label: "Label",
  validation: "Validation",
  general: "General",
  style: "Style",
};

export function controlKind(spec: PropertySpec): ControlKind {
  switch (spec.type) {
    case "number":
      return "number";
    case "boolean":
      return "switch";
    case "enum":
      return "dropdown";
    case "color":
      return "color";
    case "icon":
      return "icon";
    case "array":
    case "object":
    case "any":
      return "json";
    default:
      return "text";
  }
}

/**
 * The pane's sections for a widget type. `hints` come from the type's folder: properties with a
 * typed editor of their own (collections.ts), and those edited inside another one's editor.
 */
export function paneSections(manifest: WidgetManifest, hints: EditorHints = {}): Section[] {
  const bySection = new Map<string, Control[]>();
  for (const p of manifest.properties) {
    if (hints.folded?.includes(p.name)) continue;
    const section = p.section ?? "general";
    const list = bySection.get(section) ?? [];
    list.push({
      name: p.name,
      label: p.label ?? p.name,
      help: (p as { help?: string }).help ?? "",
      kind: hints.controls?.[p.name] ?? controlKind(p),
      options: p.options ?? [],
      bindable: p.bindable !== false,
      default: p.default,
    });
    bySection.set(section, list);
  }
  const known: string[] = [...SECTION_ORDER];
  const order = [...known, ...[...bySection.keys()].filter((s) => !known.includes(s))];
  return order.filter((s) => bySection.has(s)).map((id) => ({ id, title: TITLES[id] ?? id, controls: bySection.get(id) ?? [] }));
}

export function eventControls(manifest: WidgetManifest): EventControl[] {
  return (manifest.events ?? []).map((e) => ({ name: e.name, label: e.label ?? e.name, help: (e as { help?: string }).help ?? "" }));
}

/** Show the code editor instead of the typed control: the value is a binding or the control cannot show it. */
export function needsCode(control: Control, value: unknown): boolean {
  if (hasBinding(value)) return true;
  if (value === undefined || value === null) return false;
  switch (control.kind) {
    case "number":
      return typeof value !== "number";
    case "switch":
      return typeof value !== "boolean";
    case "dropdown":
      return !control.options.includes(value as string | number);
    case "json":
    case "columns":
    case "options":
    case "series":
      // The editor itself says when it cannot show a value.
      return false;
    default:
      return typeof value !== "string";
  }
}

/** The text shown in the code editor for a value (objects as JSON). */
export function codeText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  return JSON.stringify(value, null, 2);
}

/**
 * The value stored for text typed in the code editor: a binding stays text; for a json control,
 * text that parses as JSON becomes that value; a number or switch takes a plain literal.
 */
export function valueFromCode(control: Control, text: string): unknown {
  if (text.trim() === "") return undefined;
  if (hasBinding(text)) return text;
  if (["json", "number", "switch", "columns", "options", "series"].includes(control.kind)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/** Controls whose label or name matches a search in the pane. */
export function searchControls(sections: readonly Section[], query: string): Section[] {
  const q = query.trim().toLowerCase();
  if (q === "") return [...sections];
  return sections
    .map((s) => ({ ...s, controls: s.controls.filter((c) => c.label.toLowerCase().includes(q) || c.name.toLowerCase().includes(q)) }))
    .filter((s) => s.controls.length > 0);
}
