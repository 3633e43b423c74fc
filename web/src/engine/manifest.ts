/**
 * The widget manifest as the engine reads it (served by `GET /api/v1/widgets`; the format is
 * documented in docs/widget-manifest.md and enforced by lowcraft/widgets/manifest.py).
 */

export type ValueType =
  | "string"
  | "number"
  | "boolean"
  | "color"
  | "enum"
  | "array"
  | "object"
  | "any"
  | "date"
  | "icon"
  | "html"
  | "url";

export interface TypeHint {
  readonly type: ValueType;
  readonly options?: readonly (string | number)[] | null;
  readonly items?: TypeHint | null;
  readonly shape?: Readonly<Record<string, TypeHint>> | null;
  readonly values?: TypeHint | null;
  /** The value may also be an array of such values, one per row (a table column's cell colour). */
  readonly perRow?: boolean;
}

export interface ValueSpec extends TypeHint {
  readonly name: string;
  readonly defaultFrom?: string | null;
  readonly default?: unknown;
}

export interface PropertySpec extends TypeHint {
  readonly name: string;
  readonly label?: string;
  readonly section?: string;
  readonly default?: unknown;
  readonly bindable?: boolean;
  /** Extra names bindings inside this property may read (a table column's `currentRow`). */
  readonly bindingScope?: readonly ValueSpec[];
}

export interface EventSpec {
  readonly name: string;
  readonly label?: string;
}

/**
 * A widget method that sets one of its properties at run time (`Input1.setValue("x")`), as
 * Appsmith's widgets have them: the value replaces the property's own value or binding until the
 * page is loaded again, and bindings reading the property follow.
 */
export interface SetterSpec {
  readonly name: string;
  /** The property it sets (`setValue` of an input sets `defaultText`, and so `text`). */
  readonly property: string;
}

/** A widget that a freshly dropped widget contains, boxed in grid units of the parent's own grid. */
export interface BlueprintChild {
  readonly type: string;
  readonly leftColumn: number;
  readonly rightColumn: number;
  readonly topRow: number;
  readonly bottomRow: number;
  /** Values that replace the child's manifest defaults. */
  readonly properties?: Readonly<Record<string, unknown>>;
}

export interface WidgetManifest {
  readonly type: string;
  readonly displayName?: string;
  readonly category?: string;
  readonly defaultSize?: { readonly columns: number; readonly rows: number };
  readonly children?: "widgets" | "canvases" | null;
  readonly isInternal?: boolean;
  readonly properties: readonly PropertySpec[];
  readonly events?: readonly EventSpec[];
  readonly meta?: readonly ValueSpec[];
  readonly derived?: readonly ValueSpec[];
  /** Names that bindings of widgets inside this one may read (a list item's `currentItem`). */
  readonly childScope?: readonly ValueSpec[];
  /** Methods that set a property at run time (`setVisibility`, `setValue`, ...). */
  readonly setters?: readonly SetterSpec[];
  /** What a widget dropped from the palette contains (the editor reads it; the engine does not). */
  readonly blueprint?: { readonly children: readonly BlueprintChild[] } | null;
}

/** Keys every widget carries besides its manifest's names; readable, never evaluated. */
export const IDENTITY_KEYS: ReadonlySet<string> = new Set([
  "widgetName",
  "widgetId",
  "type",
  "leftColumn",
  "rightColumn",
  "topRow",
  "bottomRow",
]);
