/**
 * What the editor needs to know about a widget type beyond its manifest, collected from the
 * `editor.ts` in each `<TYPE>/` folder (the folder names the type). React-free, so the editor's
 * pure modules (the property pane model, tree layout, clipboard) can read it.
 */

/** Properties edited with a typed editor of their own rather than the control of their type. */
export type StructuredControl = "columns" | "options" | "series";

export interface EditorHints {
  /** Property -> the typed editor that edits it (editor/collections.ts). */
  readonly controls?: Readonly<Record<string, StructuredControl>>;
  /** Properties edited inside another one's editor (a table's column order, in its columns editor). */
  readonly folded?: readonly string[];
  /**
   * The widget floats over the page instead of taking part in its grid (a modal): it pushes no
   * widget down, is not moved by dragging or arrows, and a drop or paste puts it at the top.
   */
  readonly floats?: boolean;
}

const modules = import.meta.glob<EditorHints>("./*_WIDGET*/editor.ts", { eager: true, import: "editor" });

/** Each type's hints, by widget type (types without an `editor.ts` have none). */
export const EDITOR_HINTS: Readonly<Record<string, EditorHints>> = Object.fromEntries(
  Object.entries(modules).map(([path, hints]) => [path.split("/")[1] as string, hints]),
);

const NONE: EditorHints = {};

export function editorHints(type: string): EditorHints {
  return EDITOR_HINTS[type] ?? NONE;
}

/** Whether widgets of this type float over the page (see `EditorHints.floats`). */
export function floats(type: string): boolean {
  return EDITOR_HINTS[type]?.floats === true;
}
